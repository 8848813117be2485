import { describe, expect, it } from 'vitest';
import { PeakMonitor } from '../../main/peak/peak-monitor.js';
import { QuarterTracker } from '../../main/peak/quarter-tracker.js';
import { ms, peakTelegram as tg } from '../support/peak-telegrams.js';

describe('quarter budget on every telegram', () => {
  it('follows E, F, T, A, G and shed now through a quarter (hand-computed)', () => {
    const peaks = new PeakMonitor({ minimumKw: 2.5 });
    let s = peaks.update(tg({ at: '2024-01-10T10:00:00Z', t1: 1000, t2: 500, kw: 1.2 })).state!;
    expect(s.quarterStart).toBe(ms('2024-01-10T10:00:00Z'));
    expect(s.quarterEnd).toBe(ms('2024-01-10T10:15:00Z'));
    expect(s.elapsedS).toBe(0);
    expect(s.energySoFarKwh).toBe(0);
    expect(s.energySource).toBe('counters');
    expect(s.forecastKw).toBeCloseTo(1.2, 9);
    expect(s.targetKw).toBe(2.5);
    expect(s.allowedKw).toBeCloseTo(2.5, 9);
    expect(s.gapKw).toBeCloseTo(1.3, 9);
    expect(s.shedNowKw).toBe(0);
    expect(s.monthPeakKw).toBeNull();

    // t = 300 s, E = 0.100 kWh, P = 3: F = 4(0.1 + 0.5) = 2.4; A = 0.525 x 6 = 3.15; G = 0.15
    s = peaks.update(tg({ at: '2024-01-10T10:05:00Z', t1: 1000.1, t2: 500, kw: 3 })).state!;
    expect(s.elapsedS).toBe(300);
    expect(s.energySoFarKwh).toBeCloseTo(0.1, 9);
    expect(s.averageSoFarKw).toBeCloseTo(0.4, 9);
    expect(s.forecastKw).toBeCloseTo(2.4, 9);
    expect(s.allowedKw).toBeCloseTo(3.15, 9);
    expect(s.gapKw).toBeCloseTo(0.15, 9);
    expect(s.shedNowKw).toBe(0);

    // t = 600, E = 0.400, P = 3: F = 4(0.4 + 0.25) = 2.6; A = 0.225 x 12 = 2.7; G = -0.3 -> shed 0.3
    s = peaks.update(tg({ at: '2024-01-10T10:10:00Z', t1: 1000.4, t2: 500, kw: 3 })).state!;
    expect(s.forecastKw).toBeCloseTo(2.6, 9);
    expect(s.allowedKw).toBeCloseTo(2.7, 9);
    expect(s.gapKw).toBeCloseTo(-0.3, 9);
    expect(s.shedNowKw).toBeCloseTo(0.3, 9);
    expect(s.quarterLost).toBe(false);

    // t = 870, E = 0.610 (t2 counts too), P = 2: F = 4(0.61 + 2 x 30/3600) = 2.506667; A = 0.015 x 120 = 1.8
    s = peaks.update(tg({ at: '2024-01-10T10:14:30Z', t1: 1000.4, t2: 500.21, kw: 2 })).state!;
    expect(s.energySoFarKwh).toBeCloseTo(0.61, 9);
    expect(s.forecastKw).toBeCloseTo(2.506667, 5);
    expect(s.allowedKw).toBeCloseTo(1.8, 9);
    expect(s.gapKw).toBeCloseTo(-0.2, 9);
    expect(s.shedNowKw).toBeCloseTo(0.2, 9);

    // 10:15:00: the quarter closes complete at 4 x 0.620 = 2.48 kW; under the floor, T stays 2.5
    const u = peaks.update(tg({ at: '2024-01-10T10:15:00Z', t1: 1000.4, t2: 500.22, kw: 0.5 }));
    expect(u.closed).toEqual([{ start: ms('2024-01-10T10:00:00Z'), end: ms('2024-01-10T10:15:00Z'), averageKw: 2.48, complete: true }]);
    expect(u.state!.quarterStart).toBe(ms('2024-01-10T10:15:00Z'));
    expect(u.state!.energySoFarKwh).toBe(0);
    expect(u.state!.monthPeakKw).toBe(2.48);
    expect(u.state!.targetKw).toBe(2.5);

    // A 3.2 kW quarter (0.800 kWh) raises the month peak and with it T for the next quarter
    const v = peaks.update(tg({ at: '2024-01-10T10:30:00Z', t1: 1001.2, t2: 500.22, kw: 1 }));
    expect(v.closed).toEqual([{ start: ms('2024-01-10T10:15:00Z'), end: ms('2024-01-10T10:30:00Z'), averageKw: 3.2, complete: true }]);
    expect(v.state!.monthPeakKw).toBe(3.2);
    expect(v.state!.targetKw).toBe(3.2);
    expect(v.state!.allowedKw).toBeCloseTo(3.2, 9);
  });

  it('a user floor above the month peak sets T', () => {
    const peaks = new PeakMonitor({ minimumKw: 2.5, userFloorKw: 4 });
    const s = peaks.update(tg({ at: '2024-01-10T10:00:00Z', t1: 1000, kw: 1 })).state!;
    expect(s.targetKw).toBe(4);
    expect(s.allowedKw).toBeCloseTo(4, 9);
    peaks.setUserFloorKw(0);
    expect(peaks.update(tg({ at: '2024-01-10T10:00:01Z', t1: 1000, kw: 1 })).state!.targetKw).toBe(2.5);
  });
});

describe('start mid-quarter', () => {
  it('seeds E from 1-0:1.4.0 read as energy so far x 4', () => {
    const peaks = new PeakMonitor();
    const u = peaks.update(tg({ at: '2024-01-10T10:05:00Z', t1: 1000, kw: 2, quarterKw: 0.8 }));
    const s = u.state!;
    expect(s.energySource).toBe('meter-1.4.0+counters');
    expect(s.energySoFarKwh).toBeCloseTo(0.2, 9); // 0.8 / 4
    expect(s.averageSoFarKw).toBeCloseTo(0.8, 9);
    expect(s.forecastKw).toBeCloseTo(2.133333, 5); // 4 (0.2 + 2 x 600/3600)
    expect(s.allowedKw).toBeCloseTo(2.55, 9); // (0.625 - 0.2) x 6
    expect(u.events).toContainEqual({
      type: 'quarter-seeded', quarterStart: ms('2024-01-10T10:00:00Z'), time: ms('2024-01-10T10:05:00Z'), meterKw: 0.8, seedKwh: 0.2,
    });
    // then the counters add to the seed: 0.2 + 0.150
    expect(peaks.update(tg({ at: '2024-01-10T10:10:00Z', t1: 1000.15, kw: 2, quarterKw: 1.4 })).state!.energySoFarKwh).toBeCloseTo(0.35, 9);
    // the closed quarter reports only the energy seen (0.300 kWh), as incomplete
    const closed = peaks.update(tg({ at: '2024-01-10T10:15:00Z', t1: 1000.3, kw: 2, quarterKw: 0 })).closed;
    expect(closed).toEqual([{ start: ms('2024-01-10T10:00:00Z'), end: ms('2024-01-10T10:15:00Z'), averageKw: 1.2, complete: false }]);
  });

  it('without 1.4.0 (older meters) E counts only what was seen', () => {
    const peaks = new PeakMonitor();
    expect(peaks.update(tg({ at: '2024-01-10T10:05:00Z', t1: 1000, kw: 2 })).state!.energySource).toBe('counters-partial');
    expect(peaks.update(tg({ at: '2024-01-10T10:10:00Z', t1: 1000.15, kw: 2 })).state!.energySoFarKwh).toBeCloseTo(0.15, 9);
  });

  it('checks 1.4.0 against its own first complete quarter: agreeing', () => {
    const peaks = new PeakMonitor();
    peaks.update(tg({ at: '2024-01-10T10:05:00Z', t1: 1000, quarterKw: 0.8 }));
    // at the boundary 1.4.0 may still show the quarter before: not compared
    peaks.update(tg({ at: '2024-01-10T10:15:00Z', t1: 1000.3, quarterKw: 1.2 }));
    peaks.update(tg({ at: '2024-01-10T10:20:00Z', t1: 1000.4, quarterKw: 0.4 })); // 4 x 0.100
    peaks.update(tg({ at: '2024-01-10T10:29:59Z', t1: 1000.55, quarterKw: 1.001 })); // 4 x 0.250 = 1.000, off by 0.001
    const u = peaks.update(tg({ at: '2024-01-10T10:30:00Z', t1: 1000.55, quarterKw: 0 }));
    expect(u.closed[0]).toMatchObject({ averageKw: 1.0, complete: true });
    expect(u.events).toContainEqual({
      type: 'seed-check', quarterStart: ms('2024-01-10T10:15:00Z'), samples: 2, maxDeviationKw: 0.001, toleranceKw: 0.01, agrees: true,
    });
  });

  it('checks 1.4.0 against its own first complete quarter: a meter where 1.4.0 is a running mean disagrees', () => {
    const peaks = new PeakMonitor();
    peaks.update(tg({ at: '2024-01-10T10:15:00Z', t1: 1000, quarterKw: 0 }));
    // 0.100 kWh in 300 s is a mean of 1.2 kW, whereas 4 x E = 0.4
    peaks.update(tg({ at: '2024-01-10T10:20:00Z', t1: 1000.1, quarterKw: 1.2 }));
    const u = peaks.update(tg({ at: '2024-01-10T10:30:00Z', t1: 1000.3, quarterKw: 0 }));
    expect(u.events).toContainEqual({
      type: 'seed-check', quarterStart: ms('2024-01-10T10:15:00Z'), samples: 1, maxDeviationKw: 0.8, toleranceKw: 0.01, agrees: false,
    });
    // reported once, not for every later quarter
    const later = peaks.update(tg({ at: '2024-01-10T10:45:00Z', t1: 1000.5, quarterKw: 0 }));
    expect(later.events.filter((e) => e.type === 'seed-check')).toEqual([]);
  });
});

describe('complete and partial quarters (readings within 2 s of both boundaries)', () => {
  const Q = '2024-01-10T10:';
  function run(times: [string, number][]): ReturnType<QuarterTracker['finish']>['closed'] {
    const tracker = new QuarterTracker();
    const closed = [];
    for (const [at, t1] of times) closed.push(...tracker.ingest(tg({ at: `2024-01-10T${at}Z`, t1 })).closed);
    closed.push(...tracker.finish().closed);
    return closed;
  }

  it('readings exactly on both boundaries: complete, 4 x the counter difference', () => {
    expect(run([['10:00:00', 100], ['10:07:00', 100.2], ['10:15:00', 100.5]])[0])
      .toEqual({ start: ms(`${Q}00:00Z`), end: ms(`${Q}15:00Z`), averageKw: 2, complete: true });
  });

  it('2 s before the start and 2 s before the end still count; the boundary readings stand for the counters there', () => {
    const closed = run([['09:59:58', 100], ['10:00:03', 100.005], ['10:14:58', 100.5], ['10:15:03', 100.506]]);
    // quarter 09:45 (seen only from 09:59:58) is partial; quarter 10:00 runs 09:59:58 -> 10:14:58: 0.5 kWh
    expect(closed[1]).toEqual({ start: ms(`${Q}00:00Z`), end: ms(`${Q}15:00Z`), averageKw: 2, complete: true });
  });

  it('3 s away from a boundary: incomplete, 4 x the energy seen', () => {
    // start: 09:59:57 and 10:00:03 are both 3 s away
    let closed = run([['09:59:57', 100], ['10:00:03', 100.005], ['10:15:00', 100.505]]);
    expect(closed[1]).toEqual({ start: ms(`${Q}00:00Z`), end: ms(`${Q}15:00Z`), averageKw: 2, complete: false });
    // end: 10:14:57 and 10:15:03 are both 3 s away; energy seen 10:00:00 -> 10:14:57 = 0.400
    closed = run([['10:00:00', 100], ['10:14:57', 100.4], ['10:15:03', 100.41]]);
    expect(closed[0]).toEqual({ start: ms(`${Q}00:00Z`), end: ms(`${Q}15:00Z`), averageKw: 1.6, complete: false });
  });

  it('the nearer reading marks the boundary (the earlier on a tie) and both quarters use the same one', () => {
    // 10:14:58 (2 s) vs 10:15:01 (1 s): 10:15:01 is nearer, so quarter 1 has 0.503 and quarter 2 starts there
    let closed = run([['10:00:00', 100], ['10:14:58', 100.5], ['10:15:01', 100.503], ['10:30:00', 100.903]]);
    expect(closed.slice(0, 2).map((q) => [q.averageKw, q.complete])).toEqual([[2.012, true], [1.6, true]]);
    // 10:14:59 and 10:15:01, both 1 s: the earlier one, so the 2 Wh between go to quarter 2
    closed = run([['10:00:00', 100], ['10:14:59', 100.5], ['10:15:01', 100.502], ['10:30:00', 100.902]]);
    expect(closed.slice(0, 2).map((q) => [q.averageKw, q.complete])).toEqual([[2, true], [1.608, true]]);
  });

  it('the last quarter at the end of input is kept as partial', () => {
    const closed = run([['10:15:00', 100], ['10:17:00', 100.1]]);
    expect(closed).toEqual([{ start: ms(`${Q}15:00Z`), end: ms(`${Q}30:00Z`), averageKw: 0.4, complete: false }]);
  });

  it('a gap over whole quarters: the quarters never seen are not invented', () => {
    const closed = run([['10:00:00', 100], ['10:10:00', 100.1], ['10:50:00', 100.9], ['11:00:00', 101]]);
    expect(closed.map((q) => [new Date(q.start).toISOString().slice(11, 16), q.averageKw, q.complete]))
      .toEqual([['10:00', 0.4, false], ['10:45', 0.4, false], ['11:00', 0, false]]);
  });
});

describe('readings the tracker cannot use', () => {
  it('refuses a corrupted counter jump once and goes on from the last good reading', () => {
    const tracker = new QuarterTracker({ maxImportKw: 60 });
    tracker.ingest(tg({ at: '2024-01-10T10:00:00Z', t1: 100 }));
    tracker.ingest(tg({ at: '2024-01-10T10:00:01Z', t1: 100.001 }));
    // +1000 kWh in one second: no connection delivers that (60 kW is 16.7 Wh per second)
    const bad = tracker.ingest(tg({ at: '2024-01-10T10:00:02Z', t1: 1100.002 }));
    expect(bad.accepted).toBe(false);
    expect(bad.events).toMatchObject([{ type: 'reading-ignored', reason: 'implausible-jump' }]);
    expect(tracker.ingest(tg({ at: '2024-01-10T10:00:03Z', t1: 100.003 })).accepted).toBe(true);
    // the quarter stays complete: 4 x (100.500 - 100.000)
    expect(tracker.ingest(tg({ at: '2024-01-10T10:15:00Z', t1: 100.5 })).closed).toEqual([
      { start: ms('2024-01-10T10:00:00Z'), end: ms('2024-01-10T10:15:00Z'), averageKw: 2, complete: true },
    ]);
  });

  it('a quarter with a refused reading inside stays complete', () => {
    const tracker = new QuarterTracker();
    const closed = [];
    for (const [at, t1] of [['10:00:00', 100], ['10:05:00', 99], ['10:05:01', 100.2], ['10:15:00', 100.5]] as const) {
      closed.push(...tracker.ingest(tg({ at: `2024-01-10T${at}Z`, t1 })).closed);
    }
    expect(closed).toEqual([{ start: ms('2024-01-10T10:00:00Z'), end: ms('2024-01-10T10:15:00Z'), averageKw: 2, complete: true }]);
  });

  it('a counter that goes down and stays down is a new meter: the quarter becomes incomplete', () => {
    const tracker = new QuarterTracker();
    tracker.ingest(tg({ at: '2024-01-10T10:00:00Z', t1: 5000 }));
    tracker.ingest(tg({ at: '2024-01-10T10:05:00Z', t1: 5000.1 }));
    expect(tracker.ingest(tg({ at: '2024-01-10T10:06:00Z', t1: 0.002 })).accepted).toBe(false);
    const confirmed = tracker.ingest(tg({ at: '2024-01-10T10:06:01Z', t1: 0.003 }));
    expect(confirmed.accepted).toBe(true);
    expect(confirmed.events).toMatchObject([{ type: 'counter-break', reason: 'counter-decrease', quarterStart: ms('2024-01-10T10:00:00Z') }]);
    // seen: 0.100 before the break, 0.197 after (0.003 -> 0.200)
    tracker.ingest(tg({ at: '2024-01-10T10:14:59Z', t1: 0.2 }));
    expect(tracker.finish().closed).toEqual([
      { start: ms('2024-01-10T10:00:00Z'), end: ms('2024-01-10T10:15:00Z'), averageKw: 1.188, complete: false },
    ]);
  });

  it('ignores telegrams without time or counters, and repeated or older times', () => {
    const tracker = new QuarterTracker();
    const noTime = { ...tg({ at: '2024-01-10T10:00:00Z', t1: 1 }), time: null };
    expect(tracker.ingest(noTime).events).toMatchObject([{ reason: 'no-time' }]);
    const noCounters = { ...tg({ at: '2024-01-10T10:00:00Z', t1: 1 }), importKwh: { t1: 1, t2: null } };
    expect(tracker.ingest(noCounters).events).toMatchObject([{ reason: 'no-import-counters' }]);
    tracker.ingest(tg({ at: '2024-01-10T10:00:05Z', t1: 1 }));
    expect(tracker.ingest(tg({ at: '2024-01-10T10:00:05Z', t1: 1 })).events).toMatchObject([{ reason: 'time-not-after-previous' }]);
    expect(tracker.ingest(tg({ at: '2024-01-10T10:00:04Z', t1: 1 })).accepted).toBe(false);
    expect(tracker.running()!.time).toBe(ms('2024-01-10T10:00:05Z'));
  });
});
