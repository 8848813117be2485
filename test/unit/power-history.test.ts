/** The live power chart's history: filled from the store's ring of raw telegrams at start. */
import { describe, expect, test } from 'vitest';
import { PowerHistory } from '../../main/dashboard/power-history.js';
import { SimulatedMeter } from '../../main/p1/simulator/meter.js';

describe('PowerHistory.fill', () => {
  test('keeps the 15 minutes before the last stored telegram, one sample a second, oldest first', () => {
    // 20 minutes of telegrams, one a second, from 12:00:00 UTC, in batches of 60 like the ring's
    const start = Date.UTC(2026, 0, 15, 12, 0, 0);
    const meter = new SimulatedMeter({ seed: 3, start });
    const batches: Uint8Array[] = [];
    for (let minute = 0; minute < 20; minute++) {
      const parts = Array.from({ length: 60 }, () => Uint8Array.from(meter.next())) // next() reuses its buffer;
      batches.push(Buffer.concat(parts));
    }
    const last = start + (20 * 60 - 1) * 1000; // 12:19:59
    const history = new PowerHistory();
    // a telegram after `last` (not stored yet) is left out
    expect(history.fill([...batches, meter.next()], last)).toBe(900);
    const samples = history.samples();
    // (12:19:59 - 15 min, 12:19:59]: 12:05:00 to 12:19:59
    expect(samples).toHaveLength(900);
    expect(samples[0]!.time).toBe(Date.UTC(2026, 0, 15, 12, 5, 0));
    expect(samples.at(-1)!.time).toBe(last);
    expect(samples.every((s, i) => i === 0 || s.time - samples[i - 1]!.time === 1000)).toBe(true);
    expect(samples.every((s) => s.importKw >= 0 && s.exportKw >= 0 && s.phasesKw.length === 3)).toBe(true);
  });

  test('an empty store gives an empty chart', () => {
    const history = new PowerHistory();
    expect(history.fill([], Date.UTC(2026, 0, 1))).toBe(0);
    expect(history.samples()).toEqual([]);
  });
});
