/**
 * The quarters of the shared 20-minute recording (2022-11-27, 16:57:07 to 17:17:07 UTC, meter time
 * in winter time, version 50216: no 1.4.0/1.6.0). Expected values read by hand from its counters
 * (1.8.1 stays at 3594.884 throughout; only 1.8.2 moves):
 *   16:57:07Z (first)     1.8.2 = 3113.135
 *   17:00:00Z (18:00:00W) 1.8.2 = 3113.162
 *   17:10:00Z (18:10:00W) 1.8.2 = 3113.579, 1.7.0 = 3.502
 *   17:14:59Z (18:14:59W) 1.8.2 = 3113.789
 *   17:15:00Z (18:15:00W) 1.8.2 = 3113.790
 *   17:17:07Z (last)      1.8.2 = 3113.877
 * The two frames that fail their CRC (18:12:02W and 18:14:58W) are not near a boundary.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TelegramDecoder } from '../../main/p1/decoder.js';
import { PeakMonitor } from '../../main/peak/peak-monitor.js';
import type { ClosedQuarter, QuarterState } from '../../shared/peak/quarter-state.js';
import { haveRecording, noRecordingReason, recordingPath } from '../support/shared-fixtures.js';

describe.skipIf(!haveRecording)('quarters of the shared recording', () => {
  it('gives the quarters and the budget computed by hand from its counters', () => {
    const peaks = new PeakMonitor({ minimumKw: 2.5, pricePerKwYear: 50 });
    const closed: ClosedQuarter[] = [];
    const states = new Map<string, QuarterState>();
    let ok = 0;
    const decoder = new TelegramDecoder((result) => {
      if (!result.ok) return;
      ok += 1;
      const u = peaks.update(result.telegram);
      closed.push(...u.closed);
      if (u.state) states.set(new Date(u.state.time).toISOString(), u.state);
    });
    decoder.feed(readFileSync(recordingPath));
    decoder.end();
    closed.push(...peaks.finish().closed);
    expect(ok).toBe(1199);

    expect(closed).toEqual([
      // seen from 16:57:07 only: 4 x (3113.162 - 3113.135) = 4 x 0.027
      { start: Date.parse('2022-11-27T16:45:00Z'), end: Date.parse('2022-11-27T17:00:00Z'), averageKw: 0.108, complete: false },
      // readings at 17:00:00 and 17:15:00: 4 x (3113.790 - 3113.162) = 4 x 0.628
      { start: Date.parse('2022-11-27T17:00:00Z'), end: Date.parse('2022-11-27T17:15:00Z'), averageKw: 2.512, complete: true },
      // until the last telegram: 4 x (3113.877 - 3113.790) = 4 x 0.087
      { start: Date.parse('2022-11-27T17:15:00Z'), end: Date.parse('2022-11-27T17:30:00Z'), averageKw: 0.348, complete: false },
    ]);

    const first = states.get('2022-11-27T16:57:07.000Z')!;
    expect(first.energySource).toBe('counters-partial'); // no 1.4.0 to seed from

    // 17:10:00, t = 600: E = 3113.579 - 3113.162 = 0.417, P = 3.502, T = 2.5 (no month peak yet)
    // F = 4 (0.417 + 3.502 x 300/3600) = 2.835333; A = 0.208 x 12 = 2.496; G = -1.006 -> shed 1.006
    const s = states.get('2022-11-27T17:10:00.000Z')!;
    expect(s.elapsedS).toBe(600);
    expect(s.energySoFarKwh).toBeCloseTo(0.417, 9);
    expect(s.targetKw).toBe(2.5);
    expect(s.forecastKw).toBeCloseTo(2.835333, 5);
    expect(s.allowedKw).toBeCloseTo(2.496, 9);
    expect(s.gapKw).toBeCloseTo(-1.006, 9);
    expect(s.shedNowKw).toBeCloseTo(1.006, 9);

    // 17:14:59: E = 0.627, 4E = 2.508 > 2.5: the quarter is lost and the new peak certain
    const end = states.get('2022-11-27T17:14:59.000Z')!;
    expect(end.quarterLost).toBe(true);
    expect(end.newPeakInTheMaking).toBe(true);

    // from 17:15:00 the month peak is that quarter's 2.512 kW, and it is the new target
    const after = states.get('2022-11-27T17:15:00.000Z')!;
    expect(after.monthPeakKw).toBe(2.512);
    expect(after.targetKw).toBe(2.512);
    const months = peaks.monthState()!;
    expect(months.current).toMatchObject({ month: '2022-11', meterPeakKw: null, ownPeakKw: 2.512, ownCompleteQuarters: 1 });
    expect(months.rollingAverageKw).toBe(2.512);
    expect(months.projectedYearlyCostEur).toBeCloseTo(125.6, 9); // 2.512 x 50
  });
});

describe.skipIf(haveRecording)('quarters of the shared recording', () => {
  it.skip(noRecordingReason, () => {});
});
