/**
 * A meter time that jumps far ahead (a corrupted frame that passed the CRC) must not stop the
 * books; a real clock correction must still be followed once the next telegram confirms it.
 * And an unreadable import power is unknown, never 0.
 */
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../main/ledger/ledger.js';
import { RateSchedule } from '../../main/ledger/rate-schedule.js';
import { ratesSchema } from '../../main/tariff/rates-schema.js';
import { QuarterTracker } from '../../main/peak/quarter-tracker.js';
import { PeakMonitor } from '../../main/peak/peak-monitor.js';
import type { Telegram } from '../../shared/p1/telegram.js';
import { captureLog } from '../support/capture-log.js';
import { ms, peakTelegram as tg } from '../support/peak-telegrams.js';

const schedule = new RateSchedule(ratesSchema.parse({
  Gas: { '+': 1.576 }, Water: { '+': 6.1 },
  Electricity: { '+': { Day: 0.4, Night: 0.3 }, '-': { Day: 0.1, Night: 0.1 } },
}));

function ledger() {
  return new Ledger({ schedule, log: captureLog().log });
}

function withGas(t: Telegram, gasAt: string, m3: number): Telegram {
  return { ...t, mbus: [{ channel: 1, kind: 'gas', id: null, valve: null, time: ms(gasAt), value: m3, unit: 'm3' }] };
}

describe('ledger: a meter time far ahead', () => {
  it('a corrupted 2062 stamp between real telegrams books as the stream without it', () => {
    const l = ledger();
    // 1 Wh per second on register 1: 100.000 kWh at 10:00:00 ... 100.005 at 10:00:05
    for (let s = 0; s <= 5; s++) {
      l.addTelegram(tg({ at: `2026-01-15T10:00:0${s}Z`, t1: 100 + s / 1000 }));
      if (s === 2) l.addTelegram(tg({ at: '2062-01-15T10:00:02Z', t1: 100.002 })); // the corrupted year
    }
    // without the rule: 2 Wh (to the 2062 reading), then nothing; with it: all 5 Wh, as without it
    expect(l.session.importWh).toEqual([5, 0]);
    expect(l.lastReading('electricity')!.time).toBe(ms('2026-01-15T10:00:05Z'));
  });

  it('a real clock correction (+1 hour) is followed once the next telegram confirms it', () => {
    const l = ledger();
    l.addTelegram(tg({ at: '2026-01-15T10:00:00Z', t1: 100 }));
    l.addTelegram(tg({ at: '2026-01-15T10:00:01Z', t1: 100.001 }));
    const held = l.addTelegram(tg({ at: '2026-01-15T11:00:02Z', t1: 100.002 }));
    expect(held.map((e) => e.kind)).toEqual(['refused']);
    expect(l.session.importWh).toEqual([1, 0]); // held, not booked yet
    l.addTelegram(tg({ at: '2026-01-15T11:00:03Z', t1: 100.003 }));
    l.addTelegram(tg({ at: '2026-01-15T11:00:04Z', t1: 100.004 }));
    // 100.000 -> 100.004 kWh: all 4 Wh booked, and the new time is the ledger's
    expect(l.session.importWh).toEqual([4, 0]);
    expect(l.lastReading('electricity')!.time).toBe(ms('2026-01-15T11:00:04Z'));
  });

  it('after the clock went back an hour (the pipeline skipped what it showed), the counters\' rise over that hour is booked, not refused', () => {
    // 1 Wh per second; the meter showed 11:00:00 while it was 10:00:00, then was set right: the
    // pipeline skipped 10:00:01-11:00:00 and hands the ledger 11:00:01 with 3601 Wh more
    const refusing = ledger();
    refusing.addTelegram(tg({ at: '2026-01-15T11:00:00Z', t1: 100 }));
    refusing.addTelegram(tg({ at: '2026-01-15T11:00:01Z', t1: 103.601 }));
    // without what was unseen: 3601 Wh in 1 s is more than 43.5 kW delivers (about 24 Wh)
    expect(refusing.session.importWh).toEqual([0, 0]);
    const l = ledger();
    l.addTelegram(tg({ at: '2026-01-15T11:00:00Z', t1: 100 }));
    const events = l.addTelegram(tg({ at: '2026-01-15T11:00:01Z', t1: 103.601 }), 3_600_000);
    expect(events.map((e) => e.kind)).toEqual(['delta']);
    expect(l.session.importWh).toEqual([3601, 0]);
  });

  it('a gas stamp with its month moved 11 -> 12 does not hide the next real gas reading', () => {
    const l = ledger();
    const base = (at: string) => tg({ at, t1: 100 });
    l.addTelegram(withGas(base('2026-11-15T10:00:01Z'), '2026-11-15T10:00:00Z', 500));
    l.addTelegram(withGas(base('2026-11-15T10:00:02Z'), '2026-12-15T10:00:00Z', 500)); // corrupted month
    l.addTelegram(withGas(base('2026-11-15T10:00:03Z'), '2026-11-15T10:00:00Z', 500)); // the real stamp again
    l.addTelegram(withGas(base('2026-11-15T10:05:01Z'), '2026-11-15T10:05:00Z', 500.1));
    // 500.000 -> 500.100 m3 = 100 litres (without the rule: 0, the 10:05 stamp being before 15 December)
    expect(l.session.gasLitres).toBe(100);
  });
});

describe('quarter tracker: a meter time far ahead', () => {
  it('a corrupted 2062 stamp inside a quarter leaves it complete, as without it', () => {
    const tracker = new QuarterTracker();
    const closed = [];
    for (const [at, t1] of [['2026-01-15T10:00:00Z', 100], ['2026-01-15T10:05:00Z', 100.2], ['2062-01-15T10:05:01Z', 100.2],
      ['2026-01-15T10:05:01Z', 100.2], ['2026-01-15T10:15:00Z', 100.5], ['2026-01-15T10:15:01Z', 100.501]] as const) {
      closed.push(...tracker.ingest(tg({ at, t1 })).closed);
    }
    // 4 x (100.500 - 100.000) kWh = 2 kW, both boundaries read: complete
    expect(closed).toEqual([{ start: ms('2026-01-15T10:00:00Z'), end: ms('2026-01-15T10:15:00Z'), averageKw: 2, complete: true }]);
  });

  it('follows a confirmed clock correction into the later quarter', () => {
    const tracker = new QuarterTracker();
    tracker.ingest(tg({ at: '2026-01-15T10:00:00Z', t1: 100 }));
    const held = tracker.ingest(tg({ at: '2026-01-15T10:40:00Z', t1: 100.001 }));
    expect(held.accepted).toBe(false);
    expect(held.events).toMatchObject([{ type: 'reading-ignored', reason: 'time-jump' }]);
    const confirmed = tracker.ingest(tg({ at: '2026-01-15T10:40:01Z', t1: 100.002 }));
    expect(confirmed.accepted).toBe(true);
    // the 10:00 quarter closes with what was seen inside it: one reading, 0 Wh (the 1 Wh came
    // somewhere in the 40 minutes after), end not read: incomplete
    expect(confirmed.closed).toEqual([{ start: ms('2026-01-15T10:00:00Z'), end: ms('2026-01-15T10:15:00Z'), averageKw: 0, complete: false }]);
    expect(tracker.running()!.quarterStart).toBe(ms('2026-01-15T10:30:00Z'));
  });
});

describe('quarter tracker: an unreadable import power is unknown, not 0', () => {
  const unreadable = (t: Telegram): Telegram => ({ ...t, powerKw: { import: null, export: 0 } });

  it('keeps the last power read', () => {
    const tracker = new QuarterTracker();
    tracker.ingest(tg({ at: '2026-01-15T10:00:00Z', t1: 100, kw: 3.2 }));
    tracker.ingest(unreadable(tg({ at: '2026-01-15T10:00:01Z', t1: 100.001 })));
    expect(tracker.running()!.powerKw).toBe(3.2);
  });

  it('with none read yet, P is null and the peak monitor gives no budget (no quarter state)', () => {
    const tracker = new QuarterTracker();
    tracker.ingest(unreadable(tg({ at: '2026-01-15T10:00:00Z', t1: 100 })));
    expect(tracker.running()!.powerKw).toBeNull();
    const monitor = new PeakMonitor({ minimumKw: 2.5 });
    expect(monitor.update(unreadable(tg({ at: '2026-01-15T10:00:00Z', t1: 100 }))).state).toBeNull();
    // once a power is read the budget is back: F = 4 x (0.001 + 3.6 x 899/3600) = 3.6 kW (hand: 0.004 + 3.596)
    const state = monitor.update(tg({ at: '2026-01-15T10:00:01Z', t1: 100.001, kw: 3.6 })).state!;
    expect(state.powerKw).toBe(3.6);
    expect(state.forecastKw).toBeCloseTo(3.6, 9);
  });
});
