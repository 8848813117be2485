import { describe, expect, it } from 'vitest';
import { Ledger } from '../../main/ledger/ledger.js';
import { RateSchedule } from '../../main/ledger/rate-schedule.js';
import { periodRange, usageIn, dayRange } from '../../main/ledger/periods.js';
import type { Rates } from '../../main/tariff/rates-schema.js';
import { ratesSchema } from '../../main/tariff/rates-schema.js';
import type { Telegram } from '../../shared/p1/telegram.js';
import { captureLog } from '../support/capture-log.js';

const seed: Rates = ratesSchema.parse({
  Gas: { '+': 1.576, cnv: ['kWh', 11.51] },
  Water: { '+': 6.1 },
  Electricity: { '+': { Day: 0.4, Night: 0.3 }, '-': { Day: 0.1, Night: 0.1 } },
});

const Z = (iso: string) => Date.parse(iso);

function ledgerWith(schedule: RateSchedule = new RateSchedule(seed)) {
  const { log, lines } = captureLog();
  return { ledger: new Ledger({ schedule, log }), lines };
}

/** import t1 only, everything else constant */
function importT1(ledger: Ledger, iso: string, kwh: number) {
  return ledger.addElectricity(Z(iso), [kwh, 0], [0, 0]);
}

function telegramWithGas(time: number, gasTime: number, m3: number): Telegram {
  return {
    header: 'TEST', version: '50217', equipmentId: null, time, tariff: 1,
    importKwh: null, exportKwh: null, powerKw: null, phases: [], quarterAverageKw: null, monthPeak: null,
    peakHistory: [], breaker: null, limiterKw: null, fuseA: null, message: null, other: [], warnings: [],
    mbus: [{ channel: 1, kind: 'gas', id: null, valve: null, time: gasTime, value: m3, unit: 'm3' }],
  };
}

describe('ledger: usage from counter differences', () => {
  it('prices register 1 as Day and register 2 as Night (seed rates)', () => {
    const { ledger } = ledgerWith();
    ledger.addElectricity(Z('2026-01-15T09:00:00Z'), [100, 50], [2, 1]);
    ledger.addElectricity(Z('2026-01-15T10:00:00Z'), [101, 50.5], [2.2, 1]);
    const d = ledger.day('2026-01-15')!;
    expect(d.importWh).toEqual([1000, 500]);
    expect(d.exportWh).toEqual([200, 0]);
    // 1 kWh x 0.4 + 0.5 kWh x 0.3 = 0.55; export 0.2 kWh x 0.1 = 0.02
    expect(d.importEur).toBeCloseTo(0.55, 10);
    expect(d.exportEur).toBeCloseTo(0.02, 10);
    expect(d.estimated).toBe(false);
  });

  it('spring DST day (29 March 2026) has 23 hours: a 25-hour gap is shared 1 / 23 / 1 kWh', () => {
    const { ledger } = ledgerWith();
    importT1(ledger, '2026-03-28T22:00:00Z', 1000); // 23:00 on the 28th (winter time)
    importT1(ledger, '2026-03-29T23:00:00Z', 1025); // 01:00 on the 30th (summer time)
    expect(ledger.day('2026-03-28')!.importWh[0]).toBeCloseTo(1000, 6);
    expect(ledger.day('2026-03-29')!.importWh[0]).toBeCloseTo(23000, 6);
    expect(ledger.day('2026-03-30')!.importWh[0]).toBeCloseTo(1000, 6);
    expect(ledger.day('2026-03-29')!.importEur).toBeCloseTo(9.2, 9); // 23 kWh x 0.4
    expect(ledger.day('2026-03-29')!.estimated).toBe(true);
    const today = periodRange('today', Z('2026-03-29T10:00:00Z'));
    expect(today).toEqual({ start: Z('2026-03-28T23:00:00Z'), end: Z('2026-03-29T22:00:00Z') });
  });

  it('autumn DST day (25 October 2026) has 25 hours: a 27-hour gap is shared 1 / 25 / 1 kWh', () => {
    const { ledger } = ledgerWith();
    importT1(ledger, '2026-10-24T21:00:00Z', 0); // 23:00 on the 24th (summer time)
    importT1(ledger, '2026-10-26T00:00:00Z', 27); // 01:00 on the 26th (winter time)
    expect(ledger.day('2026-10-24')!.importWh[0]).toBeCloseTo(1000, 6);
    expect(ledger.day('2026-10-25')!.importWh[0]).toBeCloseTo(25000, 6);
    expect(ledger.day('2026-10-26')!.importWh[0]).toBeCloseTo(1000, 6);
    expect(periodRange('today', Z('2026-10-25T12:00:00Z'))).toEqual({ start: Z('2026-10-24T22:00:00Z'), end: Z('2026-10-25T23:00:00Z') });
  });

  it('two days of downtime are shared out linearly and marked estimated, with boundary readings', () => {
    const { ledger } = ledgerWith();
    importT1(ledger, '2026-01-10T22:00:00Z', 100); // 23:00 local, 10 January
    importT1(ledger, '2026-01-13T00:00:00Z', 150); // 01:00 local, 13 January: 50 h, 50 kWh
    expect(ledger.day('2026-01-10')!.importWh[0]).toBeCloseTo(1000, 6);
    expect(ledger.day('2026-01-11')!.importWh[0]).toBeCloseTo(24000, 6);
    expect(ledger.day('2026-01-12')!.importWh[0]).toBeCloseTo(24000, 6);
    expect(ledger.day('2026-01-13')!.importWh[0]).toBeCloseTo(1000, 6);
    for (const d of ['2026-01-10', '2026-01-11', '2026-01-12', '2026-01-13']) expect(ledger.day(d)!.estimated).toBe(true);
    const boundaries = ledger.takeBoundaryReadings().map((b) => [new Date(b.time).toISOString(), Math.round(b.values[0]!), b.estimated]);
    expect(boundaries).toEqual([
      ['2026-01-10T23:00:00.000Z', 101000, true],
      ['2026-01-11T23:00:00.000Z', 125000, true],
      ['2026-01-12T23:00:00.000Z', 149000, true],
    ]);
    // the week of 12 January holds 12 and 13 January only
    const week = usageIn(ledger.allDays(), periodRange('week', Z('2026-01-13T12:00:00Z')), 11.51);
    expect(week.importKwh.t1).toBeCloseTo(25, 9);
    expect(week.estimated).toBe(true);
  });

  it('readings every second across midnight: exact boundary reading, nothing estimated', () => {
    const { ledger } = ledgerWith();
    importT1(ledger, '2026-01-14T22:59:59Z', 10); // 23:59:59 local
    importT1(ledger, '2026-01-14T23:00:00Z', 10.001); // local midnight: the second before belongs to the 14th
    importT1(ledger, '2026-01-14T23:00:01Z', 10.003);
    expect(ledger.day('2026-01-14')!.importWh[0]).toBe(1);
    expect(ledger.day('2026-01-15')!.importWh[0]).toBe(2);
    expect(ledger.day('2026-01-14')!.estimated).toBe(false);
    expect(ledger.day('2026-01-15')!.estimated).toBe(false);
    expect(ledger.takeBoundaryReadings()).toEqual([{ channel: 'electricity', time: Date.parse('2026-01-14T23:00:00Z'), values: [10001, 0, 0, 0], estimated: false }]);
  });

  it('a rate change mid-day prices energy before and after at its own rate, and never rewrites the past', () => {
    const schedule = new RateSchedule(seed);
    const { ledger } = ledgerWith(schedule);
    importT1(ledger, '2026-01-14T10:00:00Z', 0);
    importT1(ledger, '2026-01-14T11:00:00Z', 1); // 1 kWh on the 14th at 0.4
    schedule.change(Z('2026-01-15T11:00:00Z'), { ...seed, Electricity: { ...seed.Electricity, '+': { Day: 0.5, Night: 0.3 } } });
    expect(ledger.day('2026-01-14')!.importEur).toBeCloseTo(0.4, 12);
    importT1(ledger, '2026-01-14T23:00:00Z', 1); // local midnight, nothing used overnight
    importT1(ledger, '2026-01-15T10:00:00Z', 1);
    importT1(ledger, '2026-01-15T11:00:00Z', 3); // 2 kWh before 12:00 local at 0.4 = 0.8
    importT1(ledger, '2026-01-15T12:00:00Z', 4); // 1 kWh after at 0.5
    importT1(ledger, '2026-01-15T14:00:00Z', 6); // 2 kWh at 0.5 = 1.0
    const d = ledger.day('2026-01-15')!;
    expect(d.importWh[0]).toBe(5000);
    expect(d.importEur).toBeCloseTo(2.3, 12);
    expect(ledger.day('2026-01-14')!.importEur).toBeCloseTo(0.4, 12);
  });

  it('a gap across a rate change is shared: half the energy at the old rate, half at the new', () => {
    const schedule = new RateSchedule(seed);
    schedule.change(Z('2026-01-15T11:00:00Z'), { ...seed, Electricity: { ...seed.Electricity, '+': { Day: 0.5, Night: 0.3 } } });
    const { ledger } = ledgerWith(schedule);
    importT1(ledger, '2026-01-15T10:00:00Z', 0);
    importT1(ledger, '2026-01-15T12:00:00Z', 2);
    expect(ledger.day('2026-01-15')!.importEur).toBeCloseTo(0.4 + 0.5, 12);
  });

  it('a meter replacement (counters go down) starts a new segment, logged; nothing is added for the swap', () => {
    const { ledger, lines } = ledgerWith();
    importT1(ledger, '2026-02-02T10:00:00Z', 5000);
    importT1(ledger, '2026-02-02T10:00:01Z', 5000.001);
    importT1(ledger, '2026-02-02T10:00:02Z', 3.000); // the new meter
    importT1(ledger, '2026-02-02T10:00:03Z', 3.001);
    importT1(ledger, '2026-02-02T10:00:04Z', 3.003);
    expect(ledger.day('2026-02-02')!.importWh[0]).toBe(1 + 1 + 2);
    expect(lines.some((l) => l.level === 40 && /electricity meter counters restarted \(a counter went down/.test(l.msg))).toBe(true);
    expect(ledger.lastReading('electricity')!.values[0]).toBe(3003);
  });

  it('a corrupted counter jump is refused and logged; the next good reading counts from the last good one', () => {
    const { ledger, lines } = ledgerWith();
    importT1(ledger, '2026-02-02T10:00:00Z', 100);
    importT1(ledger, '2026-02-02T10:00:01Z', 100.001);
    const events = importT1(ledger, '2026-02-02T10:00:02Z', 900.001); // 800 kWh in one second
    importT1(ledger, '2026-02-02T10:00:03Z', 100.003);
    expect(events.map((e) => e.kind)).toEqual(['refused']);
    expect(ledger.day('2026-02-02')!.importWh[0]).toBe(3);
    expect(lines.filter((l) => /electricity reading refused: electricity counters rose by 800000 in 1 s/.test(l.msg))).toHaveLength(1);
  });

  it('the connection limit: 43.5 kW for 10 s allows 120 Wh, refuses 200 Wh', () => {
    const { ledger } = ledgerWith();
    importT1(ledger, '2026-02-02T10:00:00Z', 100);
    expect(importT1(ledger, '2026-02-02T10:00:10Z', 100.12).map((e) => e.kind)).toEqual(['delta']);
    expect(importT1(ledger, '2026-02-02T10:00:20Z', 100.32).map((e) => e.kind)).toEqual(['refused']);
  });

  it('a jump that the following readings confirm becomes a new segment', () => {
    const { ledger } = ledgerWith();
    importT1(ledger, '2026-02-02T10:00:00Z', 100);
    importT1(ledger, '2026-02-02T10:00:01Z', 7000);
    importT1(ledger, '2026-02-02T10:00:02Z', 7000.002);
    const events = importT1(ledger, '2026-02-02T10:00:03Z', 7000.005);
    expect(events.map((e) => e.kind)).toEqual(['refused', 'segment', 'delta', 'delta']);
    expect(ledger.day('2026-02-02')!.importWh[0]).toBe(5);
  });

  it('a gas reading that arrives late is booked at the gas meter time, shared across midnight', () => {
    const { ledger } = ledgerWith();
    // 23:55 local on 14 January, then the 00:05 reading arrives in the 00:07 telegram
    ledger.addTelegram(telegramWithGas(Z('2026-01-14T22:56:00Z'), Z('2026-01-14T22:55:00Z'), 1000));
    ledger.addTelegram(telegramWithGas(Z('2026-01-14T23:06:59Z'), Z('2026-01-14T22:55:00Z'), 1000)); // repeated, old value
    ledger.addTelegram(telegramWithGas(Z('2026-01-14T23:07:00Z'), Z('2026-01-14T23:05:00Z'), 1000.1));
    expect(ledger.day('2026-01-14')!.gasLitres).toBeCloseTo(50, 9);
    expect(ledger.day('2026-01-15')!.gasLitres).toBeCloseTo(50, 9);
    expect(ledger.day('2026-01-15')!.gasEur).toBeCloseTo(0.05 * 1.576, 12);
    expect(ledger.day('2026-01-15')!.estimated).toBe(true); // a 10-minute gap: one reading missed
    const usage = usageIn(ledger.allDays(), dayRange('2026-01-15'), 11.51);
    expect(usage.gas.kwh).toBeCloseTo(0.05 * 11.51, 12);
    expect(usage.totalEur).toBeCloseTo(0.0788, 12);
  });

  it('the seed columns and periods: today and the three days before, ISO week, month, year', () => {
    const now = Z('2026-03-30T08:00:00Z'); // Monday 30 March, 10:00 summer time
    expect(periodRange('day-3', now)).toEqual({ start: Z('2026-03-26T23:00:00Z'), end: Z('2026-03-27T23:00:00Z') });
    expect(periodRange('yesterday', now)).toEqual({ start: Z('2026-03-28T23:00:00Z'), end: Z('2026-03-29T22:00:00Z') });
    expect(periodRange('week', Z('2026-03-29T12:00:00Z'))).toEqual({ start: Z('2026-03-22T23:00:00Z'), end: Z('2026-03-29T22:00:00Z') });
    expect(periodRange('month', now)).toEqual({ start: Z('2026-02-28T23:00:00Z'), end: Z('2026-03-31T22:00:00Z') });
    expect(periodRange('year', now)).toEqual({ start: Z('2025-12-31T23:00:00Z'), end: Z('2026-12-31T23:00:00Z') });
  });
});
