/**
 * The calendar's edges in the books: a leap day (the P1 stamp, the day, February and the year)
 * and the year's end in every period the dashboard shows (today, the three days before, the ISO
 * week that spans two years, the month, the year). The ledger is fed a reading every hour with
 * 1 kWh more each time, so every expected figure is a count of hours, worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../main/ledger/ledger.js';
import { PERIODS, periodRange, usageIn, type PeriodName } from '../../main/ledger/periods.js';
import { RateSchedule } from '../../main/ledger/rate-schedule.js';
import { silentLogger } from '../../main/log/logger.js';
import { parseP1Time } from '../../main/p1/timestamp.js';
import { ratesSchema } from '../../main/tariff/rates-schema.js';

const rates = ratesSchema.parse({ Electricity: { registers: { 1: 'Day', 2: 'Night' }, '+': { Day: 0.3, Night: 0.2 }, '-': { Day: 0, Night: 0 } } });
const HOUR = 3_600_000;
const Z = (iso: string) => Date.parse(iso);

/** A ledger with a reading every hour from `fromUtc` to `toUtc` (inclusive), 1 kWh per hour on register 1. */
function hourly(fromUtc: number, toUtc: number): Ledger {
  const ledger = new Ledger({ schedule: new RateSchedule(rates), log: silentLogger() });
  for (let t = fromUtc, kwh = 1000; t <= toUtc; t += HOUR, kwh += 1) ledger.addElectricity(t, [kwh, 0], [0, 0]);
  return ledger;
}

function kwhByPeriod(ledger: Ledger, now: number): Record<PeriodName, number> {
  const out = {} as Record<PeriodName, number>;
  for (const name of PERIODS) {
    const usage = usageIn(ledger.allDays(), periodRange(name, now), null);
    out[name] = Math.round((usage.importKwh.t1 + usage.importKwh.t2) * 1000) / 1000;
  }
  return out;
}

describe('the year ends in every period', () => {
  // readings from Monday 28 December 2026 00:00 Brussels (27 Dec 23:00 UTC, winter time: UTC+1)
  const ledger = hourly(Z('2026-12-27T23:00:00Z'), Z('2027-01-01T11:00:00Z'));

  it('on 1 January 2027 at 12:00: today 12 kWh, the three days before 24 each, the week from Monday 28 December 108, January and 2027 only today', () => {
    // by hand: 1 Jan 00:00-12:00 = 12 h; 31, 30, 29 Dec = 24 h each; the ISO week (Mon 28 Dec -
    // Sun 3 Jan, week 53 of 2026) = 4 x 24 + 12 = 108 h; the month and the year start at 1 Jan 00:00
    expect(kwhByPeriod(ledger, Z('2027-01-01T11:00:00Z'))).toEqual({
      today: 12, yesterday: 24, 'day-2': 24, 'day-3': 24, week: 108, month: 12, year: 12,
    });
    expect(periodRange('week', Z('2027-01-01T11:00:00Z'))).toEqual({ start: Z('2026-12-27T23:00:00Z'), end: Z('2027-01-03T23:00:00Z') });
  });

  it('on 31 December 2026 at 23:30: the same week, December and 2026 hold all 95 hours since Monday', () => {
    // by hand: 28, 29, 30 Dec = 72 h; 31 Dec 00:00-23:00 = 23 h (the 23:00 reading is the last) -> 95
    const soFar = hourly(Z('2026-12-27T23:00:00Z'), Z('2026-12-31T22:00:00Z'));
    expect(kwhByPeriod(soFar, Z('2026-12-31T22:30:00Z'))).toEqual({
      today: 23, yesterday: 24, 'day-2': 24, 'day-3': 24, week: 95, month: 95, year: 95,
    });
  });

  it('the hour across midnight on 31 December is booked in 2026 and 2027 by its minutes: a reading at 23:30 and one at 00:30 share 1 kWh half and half', () => {
    const l = new Ledger({ schedule: new RateSchedule(rates), log: silentLogger() });
    l.addElectricity(Z('2026-12-31T22:30:00Z'), [1000, 0], [0, 0]);
    l.addElectricity(Z('2026-12-31T23:30:00Z'), [1001, 0], [0, 0]);
    expect(l.day('2026-12-31')!.importWh[0]).toBe(500);
    expect(l.day('2027-01-01')!.importWh[0]).toBe(500);
  });
});

describe('a leap day', () => {
  it('the P1 stamp 280229 is a time (and 270229 is not)', () => {
    // 29 February 2028 12:00:00 winter time = 11:00 UTC
    expect(parseP1Time('280229120000W', 0, 13, null)).toBe(Z('2028-02-29T11:00:00Z'));
    expect(Number.isNaN(parseP1Time('270229120000W', 0, 13, null))).toBe(true);
    expect(Number.isNaN(parseP1Time('280230120000W', 0, 13, null))).toBe(true);
  });

  it('29 February 2028 is a day of 24 hours; February has 29 days; 2028 has 366', () => {
    // readings from 28 Feb 00:00 to 1 Mar 12:00 Brussels
    const ledger = hourly(Z('2028-02-27T23:00:00Z'), Z('2028-03-01T11:00:00Z'));
    expect(ledger.day('2028-02-29')!.importWh[0]).toBe(24_000);
    // on 1 March at 12:00: today 12; yesterday is the leap day; the day before is 28 February
    expect(kwhByPeriod(ledger, Z('2028-03-01T11:00:00Z'))).toMatchObject({ today: 12, yesterday: 24, 'day-2': 24, 'day-3': 0, month: 12 });
    const february = periodRange('month', Z('2028-02-29T11:00:00Z'));
    expect((february.end - february.start) / (24 * HOUR)).toBe(29);
    // February as booked: 28 and 29 February, 24 h each
    expect(kwhByPeriod(ledger, Z('2028-02-29T22:59:00Z')).month).toBe(48);
    const year = periodRange('year', Z('2028-02-29T11:00:00Z'));
    expect((year.end - year.start) / (24 * HOUR)).toBe(366);
    // the ISO week of the leap day: Monday 28 February - Sunday 5 March 2028 (by hand: 24 + 24 + 12)
    expect(kwhByPeriod(ledger, Z('2028-03-01T11:00:00Z')).week).toBe(60);
  });
});
