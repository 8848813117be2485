import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { QuarterTracker } from '../../main/peak/quarter-tracker.js';
import { PeakMonitor } from '../../main/peak/peak-monitor.js';
import { quarterStateSchema, monthPeaksStateSchema } from '../../shared/peak/quarter-state.js';
import { peakTelegram as tg } from '../support/peak-telegrams.js';

describe('quarter tracker invariants', () => {
  it('with readings at most 2 s apart, every inner quarter is complete and the quarters add up to the counters exactly', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 899 }),
      fc.array(fc.record({ step: fc.integer({ min: 1, max: 2 }), wh: fc.integer({ min: 0, max: 15 }) }), { minLength: 500, maxLength: 3000 }),
      (offsetS, steps) => {
        const tracker = new QuarterTracker();
        let time = Date.parse('2024-06-01T10:00:00Z') + offsetS * 1000;
        let wh = 123_456_789;
        const firstWh = wh;
        const closed = [...tracker.ingest(tg({ at: new Date(time).toISOString(), t1: wh / 1000 })).closed];
        for (const s of steps) {
          time += s.step * 1000;
          wh += s.wh;
          closed.push(...tracker.ingest(tg({ at: new Date(time).toISOString(), t1: wh / 1000 })).closed);
        }
        closed.push(...tracker.finish().closed);
        const sumWh = closed.reduce((sum, q) => sum + Math.round(q.averageKw * 250), 0);
        expect(sumWh).toBe(wh - firstWh);
        for (const q of closed.slice(1, -1)) expect(q.complete).toBe(true);
        for (let i = 1; i < closed.length; i++) expect(closed[i]!.start).toBe(closed[i - 1]!.end);
      },
    ), { numRuns: 60, endOnFailure: true });
  });
});

describe('published state', () => {
  it('is plain data: it survives JSON and matches its schema', () => {
    const peaks = new PeakMonitor({ pricePerKwYear: 50 });
    peaks.update(tg({ at: '2024-01-10T10:00:00Z', t1: 100, kw: 1 }));
    const state = peaks.update(tg({ at: '2024-01-10T10:05:00Z', t1: 100.1, kw: 3, monthPeak: { time: Date.parse('2024-01-03T18:00:00Z'), kw: 3.1 } })).state!;
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(quarterStateSchema.parse(state)).toEqual(state);
    const months = peaks.monthState()!;
    expect(JSON.parse(JSON.stringify(months))).toEqual(months);
    expect(monthPeaksStateSchema.parse(months)).toEqual(months);
  });
});
