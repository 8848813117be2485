/**
 * Forecasts for the site planner: base load by weekday and clock time over recent weeks
 * (holidays as Sundays) and the price per quarter. Expected values worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { forecastBaseLoad } from '../../main/site/forecast/base-load.js';
import { dayKind, easterSunday, isBelgianHoliday } from '../../main/site/forecast/holidays.js';
import { belgianRegister, forecastPrices, learnedRegister } from '../../main/site/forecast/prices.js';
import type { BaseQuarter } from '../../main/site/base-energy.js';
import { ratesSchema } from '../../main/tariff/rates-schema.js';
import { brusselsLocalToUtc } from '../../shared/time/brussels.js';

const at = (y: number, mo: number, d: number, h = 0, mi = 0): number => brusselsLocalToUtc(y, mo, d, h, mi);

describe('Belgian public holidays', () => {
  it('knows Easter and the holidays that move with it', () => {
    // Easter Sunday: 20 April 2025, 5 April 2026, 28 March 2027 (published tables)
    expect(easterSunday(2025)).toEqual([4, 20]);
    expect(easterSunday(2026)).toEqual([4, 5]);
    expect(easterSunday(2027)).toEqual([3, 28]);
    // 2026: Easter Monday 6 April, Ascension 14 May (Easter + 39), Whit Monday 25 May (+ 50)
    for (const [m, d] of [[1, 1], [4, 6], [5, 1], [5, 14], [5, 25], [7, 21], [8, 15], [11, 1], [11, 11], [12, 25]]) {
      expect(isBelgianHoliday(2026, m, d), `${d}/${m}`).toBe(true);
    }
    expect(isBelgianHoliday(2026, 4, 7)).toBe(false);
    expect(isBelgianHoliday(2026, 12, 26)).toBe(false);
    // Easter Monday 2026 counts as a Sunday; the Tuesday after is a Tuesday
    expect(dayKind(at(2026, 4, 6, 8))).toBe(7);
    expect(dayKind(at(2026, 4, 7, 8))).toBe(2);
  });
});

describe('base load forecast', () => {
  // these check the weekday rule alone (recentSky false); the recent sky is checked below and in
  // site-forecast-recent-sky.test.ts
  // four weeks before Monday 6 April 2026 (Easter Monday), at 08:00 and 08:15 each day
  const history: BaseQuarter[] = [];
  const mondays = [[9, 0.5], [16, 0.7], [23, 0.6], [30, 0.8]] as const; // March 2026
  for (const [d, kwh] of mondays) history.push({ start: at(2026, 3, d, 8), importKwh: kwh, exportKwh: 0 });
  for (const d of [8, 15, 22, 29]) history.push({ start: at(2026, 3, d, 8), importKwh: 0.2, exportKwh: 0 }); // Sundays
  history.push({ start: at(2026, 4, 5, 8), importKwh: 0.1, exportKwh: 0.5 }); // Easter Sunday, sunny: net -0.4
  for (const d of [10, 17, 24, 31]) history.push({ start: at(2026, 3, d, 8), importKwh: 0.4, exportKwh: 0.1 }); // Tuesdays: net 0.3
  history.push({ start: at(2026, 2, 23, 8), importKwh: 9, exportKwh: 0 }); // a Monday 6 weeks back: too old

  it('takes the same weekday and clock time over the last four weeks', () => {
    // Monday 30 March 08:00 from the Mondays before it: (0.5 + 0.7 + 0.6) / 3 = 0.6
    const f = forecastBaseLoad(history, at(2026, 3, 30, 8), 1, 4, false);
    expect(f.kwh[0]).toBeCloseTo(0.6, 9);
    expect(f.samples[0]).toBe(3);
  });

  it('treats a public holiday as a Sunday, solar export included', () => {
    // Easter Monday 08:00: four weeks back reach 9 March 08:00, so the Sundays 15, 22 and 29
    // March (0.2 each; 8 March is too old) and Easter Sunday (-0.4): (0.6 - 0.4) / 4 = 0.05.
    // The Tuesday after, from 10 March 08:00 on: (0.3 x 4) / 4 = 0.3. Summer time started on
    // 29 March: 08:00 is still 08:00 on the clock.
    const f = forecastBaseLoad(history, at(2026, 4, 6, 8), 1, 4, false);
    expect(f.kwh[0]).toBeCloseTo(0.05, 9);
    expect(f.samples[0]).toBe(4);
    const tuesday = forecastBaseLoad(history, at(2026, 4, 7, 8), 1, 4, false);
    expect(tuesday.kwh[0]).toBeCloseTo(0.3, 9);
  });

  it('falls back to the clock time on any day, then to 0', () => {
    // Wednesday 8 April 08:00: no Wednesday in the history; every 08:00 of the last four weeks
    // before it (1 April 08:00 is not there; 11 March onward): Mondays 0.7 + 0.6 + 0.8 (16, 23,
    // 30 March; 9 March is before 11 March), Sundays 0.2 x 3 (15, 22, 29) and -0.4 (5 April),
    // Tuesdays 0.3 x 3 (17, 24, 31): (2.1 + 0.6 - 0.4 + 0.9) / 10 = 0.32. 08:15: nothing, 0.
    const f = forecastBaseLoad(history, at(2026, 4, 8, 8), 2, 4, false);
    expect(f.kwh[0]).toBeCloseTo(0.32, 9);
    expect(f.samples).toEqual([10, 0]);
    expect(f.kwh[1]).toBe(0);
  });
});

describe('price per quarter', () => {
  const rates = (dynamic?: object) => ratesSchema.parse({
    Electricity: { '+': { Day: 0.4, Night: 0.3 }, '-': { Day: 0.05, Night: 0.04 }, vat: 0.06, ...(dynamic ? { dynamic } : {}) },
  });

  it('uses the register rates when there is no day-ahead price: night until 07:00 on a weekday', () => {
    // Monday 12 January 2026 06:45 night: 0.30 x 1.06 = 0.318 import, 0.04 export; 07:00 day:
    // 0.40 x 1.06 = 0.424, 0.05
    const f = forecastPrices(rates(), at(2026, 1, 12, 6, 45), 2, () => null);
    expect(f.importPrice[0]).toBeCloseTo(0.318, 9);
    expect(f.importPrice[1]).toBeCloseTo(0.424, 9);
    expect(f.exportPrice).toEqual([0.04, 0.05]);
    expect(f.dayAhead).toEqual([false, false]);
  });

  it('uses the dynamic formula on the day-ahead price, and the register rate where none is known', () => {
    // spot 100 EUR/MWh, import 0.1 x 100 + 1 = 11 c/kWh x 1.06 = 0.1166; export 0.1 x 100 - 1 =
    // 9 c/kWh = 0.09. The second quarter has no spot price: day rate 0.424 / 0.05.
    const t = at(2026, 1, 12, 10);
    const f = forecastPrices(rates({ unit: 'c/kWh', '+': { factor: 0.1, base: 1 }, '-': { factor: 0.1, base: -1 } }), t, 2, (time) => (time === t ? 100 : null));
    expect(f.importPrice[0]).toBeCloseTo(0.1166, 9);
    expect(f.exportPrice[0]).toBeCloseTo(0.09, 9);
    expect(f.importPrice[1]).toBeCloseTo(0.424, 9);
    expect(f.dayAhead).toEqual([true, false]);
  });

  it('learns the register hours from the meter where they differ from the usual ones', () => {
    // this meter stays on night until 07:15 on Mondays: seen twice; the usual table says day
    const seen = [{ time: at(2026, 1, 5, 7), tariff: 2 as const }, { time: at(2026, 1, 12, 7), tariff: 2 as const }];
    const register = learnedRegister(seen);
    expect(belgianRegister(at(2026, 1, 19, 7))).toBe(1);
    expect(register(at(2026, 1, 19, 7))).toBe(2);
    expect(register(at(2026, 1, 19, 7, 15))).toBe(1); // not seen: the usual table
    expect(register(at(2026, 1, 1, 12))).toBe(2); // New Year's Day (a Thursday): night all day
  });
});
