/**
 * Everything every strategy sees alike: the days, the weather, the trips, the day-ahead series
 * and the price of each quarter, all from the seed. Base load and solar per second are made day
 * by day on demand (a year of seconds would not fit in memory twice over).
 */
import type { Rates } from '../../shared/tariff/rates-schema.js';
import { electricityEur, type SpotPrice } from '../tariff/pricing.js';
import { registerAt, simDays, type SimDay } from './calendar-days.js';
import { baseKwPerSecond } from './base-load.js';
import { dayAheadHours } from './day-ahead.js';
import type { Household } from './household.js';
import { tripsFor, type SimTrip } from './trips.js';
import { solarKwPerSecond, weatherFor, type DayWeather } from './weather.js';

export const QUARTER_MS = 900_000;

export interface Scenario {
  household: Household;
  seed: number;
  days: SimDay[];
  start: number;
  end: number;
  weather: DayWeather[];
  trips: SimTrip[];
  /** EUR/MWh per hour from `start`, or null without a day-ahead contract */
  spotHours: number[] | null;
  spot: SpotPrice | undefined;
  /** per quarter from `start`: EUR per kWh imported (with VAT) and exported, as the ledger bills */
  importPrice: Float64Array;
  exportPrice: Float64Array;
  /** per quarter: the meter's register (1 day, 2 night) */
  register: Uint8Array;
}

export interface DayInputs {
  /** kW per second of the day */
  baseKw: Float32Array;
  solarKw: Float32Array;
}

export function buildScenario(household: Household, seed: number, startKey: string, dayCount: number): Scenario {
  const days = simDays(startKey, dayCount);
  const start = days[0]!.start;
  const end = days[days.length - 1]!.end;
  const weather = weatherFor(seed, days);
  const trips = household.cars.flatMap((car) => tripsFor(seed, car, days)).sort((a, b) => a.departure - b.departure);
  let spotHours: number[] | null = null;
  let spot: SpotPrice | undefined;
  if (household.dayAhead) {
    spotHours = days.flatMap((d, i) => dayAheadHours(seed, d, weather[i]!));
    const hours = spotHours;
    spot = (time) => {
      const h = Math.floor((time - start) / 3_600_000);
      return h >= 0 && h < hours.length ? hours[h]! : null;
    };
  }
  const n = Math.round((end - start) / QUARTER_MS);
  const importPrice = new Float64Array(n);
  const exportPrice = new Float64Array(n);
  const register = new Uint8Array(n);
  let d = 0;
  for (let i = 0; i < n; i++) {
    const t = start + i * QUARTER_MS;
    while (t >= days[d]!.end) d++;
    const reg = registerAt(days[d]!, (t - days[d]!.start) / 1000);
    register[i] = reg;
    const p = pricesAt(household.rates, t, reg, spot);
    importPrice[i] = p.import;
    exportPrice[i] = p.export;
  }
  return { household, seed, days, start, end, weather, trips, spotHours, spot, importPrice, exportPrice, register };
}

/** EUR per kWh on a register at an instant, with the ledger's own pricing function */
export function pricesAt(rates: Rates, time: number, register: 1 | 2, spot: SpotPrice | undefined): { import: number; export: number } {
  const one = register === 1 ? [1000, 0] as const : [0, 1000] as const;
  const none = [0, 0] as const;
  return { import: electricityEur(rates, time, one, none, spot).importEur, export: electricityEur(rates, time, none, one, spot).exportEur };
}

export function dayInputs(s: Scenario, day: SimDay): DayInputs {
  const h = s.household;
  return {
    baseKw: baseKwPerSecond(s.seed, day, h.baseLoad.kwhPerYear, h.baseLoad.appliances),
    solarKw: solarKwPerSecond(s.seed, day, s.weather[day.index]!, h.pv.kwp, h.pv.orientation),
  };
}

/** Net base load per quarter (house minus solar, kWh) for the whole period: the optimum's perfect forecast. */
export function baseQuarters(s: Scenario): { net: Float64Array; solar: Float64Array } {
  const n = Math.round((s.end - s.start) / QUARTER_MS);
  const net = new Float64Array(n);
  const solar = new Float64Array(n);
  for (const day of s.days) {
    const { baseKw, solarKw } = dayInputs(s, day);
    const q0 = Math.round((day.start - s.start) / QUARTER_MS);
    for (let sec = 0; sec < baseKw.length; sec++) {
      const q = q0 + Math.floor(sec / 900);
      net[q] += (baseKw[sec]! - solarKw[sec]!) / 3600;
      solar[q] += solarKw[sec]! / 3600;
    }
  }
  return { net, solar };
}
