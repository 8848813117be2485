import { describe, expect, it } from 'vitest';
import { PeakMonitor } from '../../main/peak/peak-monitor.js';
import { NewPeakFlag } from '../../main/peak/new-peak-flag.js';
import { peakTelegram as tg } from '../support/peak-telegrams.js';

/** One telegram a second from `from` (ISO), power from `powerAt(second)`, counters integrating it. */
function household(from: string, seconds: number, powerAt: (s: number) => number): { second: number; flag: boolean; forecastKw: number }[] {
  const peaks = new PeakMonitor({ minimumKw: 2.5 });
  const start = Date.parse(from);
  let kwh = 1000;
  const out = [];
  for (let s = 0; s < seconds; s++) {
    const kw = powerAt(s);
    const state = peaks.update(tg({ at: new Date(start + s * 1000).toISOString(), t1: Math.round(kwh * 1000) / 1000, kw })).state!;
    out.push({ second: s, flag: state.newPeakInTheMaking, forecastKw: state.forecastKw });
    kwh += kw / 3600;
  }
  return out;
}

describe('new peak in the making (hysteresis: 30 s of F > T to turn on, 30 s of F <= T to turn off)', () => {
  it('a 10-second 3 kW kettle early in the quarter does not flip it', () => {
    // base 0.4 kW; kettle adds 3 kW at seconds 20..29 -> P = 3.4 and F = 4 x (E + 3.4 x ~880/3600) ~ 3.3 > 2.5
    const run = household('2024-01-10T10:00:00Z', 120, (s) => (s >= 20 && s < 30 ? 3.4 : 0.4));
    expect(run[25]!.forecastKw).toBeGreaterThan(2.5); // the raw condition did hold during the kettle
    expect(run.every((r) => !r.flag)).toBe(true);
  });

  it('a sustained 3.4 kW load turns it on after 30 s, and off 30 s after it stops', () => {
    // heater from second 60 to 119; from second 120 F is back near 0.6 kW
    const run = household('2024-01-10T10:00:00Z', 200, (s) => (s >= 60 && s < 120 ? 3.4 : 0.4));
    expect(run[89]!.flag).toBe(false); // 29 s of F > T
    expect(run[90]!.flag).toBe(true); // 30 s
    expect(run[119]!.flag).toBe(true);
    expect(run[149]!.flag).toBe(true); // 29 s of F <= T
    expect(run[150]!.flag).toBe(false);
  });

  it('turns on at once when the energy already used exceeds T (4E > T), and stays on', () => {
    const peaks = new PeakMonitor({ minimumKw: 2.5 });
    peaks.update(tg({ at: '2024-01-10T10:00:00Z', t1: 1000, kw: 0.4 }));
    // 0.700 kWh in 10 minutes: 4E = 2.8 > 2.5 whatever comes next
    expect(peaks.update(tg({ at: '2024-01-10T10:10:00Z', t1: 1000.7, kw: 0.1 })).state!.newPeakInTheMaking).toBe(true);
    expect(peaks.update(tg({ at: '2024-01-10T10:11:00Z', t1: 1000.701, kw: 0 })).state!.newPeakInTheMaking).toBe(true);
  });

  it('stays on over a quarter boundary while the load goes on', () => {
    const flag = new NewPeakFlag(30_000);
    const t0 = Date.parse('2024-01-10T10:14:00Z');
    for (let s = 0; s <= 30; s++) flag.update(t0 + s * 1000, 3, 0.5, 2.5);
    expect(flag.value).toBe(true);
    // new quarter: E = 0, F = P = 3 > 2.5 still
    expect(flag.update(Date.parse('2024-01-10T10:15:00Z'), 3, 0, 2.5)).toBe(true);
    // and a dip of 10 s does not turn it off
    for (let s = 1; s <= 10; s++) flag.update(Date.parse('2024-01-10T10:15:00Z') + s * 1000, 1, 0.01, 2.5);
    expect(flag.update(Date.parse('2024-01-10T10:15:11Z'), 3, 0.02, 2.5)).toBe(true);
  });
});
