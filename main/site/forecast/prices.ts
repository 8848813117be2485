/**
 * The price per quarter for the planner: the dynamic contract's formula on the day-ahead price
 * where the cache has one; otherwise the register (or clock band) rate of that quarter. Import
 * includes the electricity VAT; export does not (pricing.ts).
 */
import { brusselsParts } from '../../../shared/time/brussels.js';
import { electricityBand, electricityPrice, type SpotPrice } from '../../tariff/pricing.js';
import type { Rates } from '../../tariff/rates-schema.js';
import { dayKind } from './holidays.js';

const QUARTER_MS = 15 * 60_000;

/** the meter's tariff register (1 day, 2 night) at an instant */
export type RegisterAt = (time: number) => 1 | 2;

/**
 * The usual Belgian day/night meter: night from 22:00 to 07:00 on weekdays, all weekend and
 * on public holidays.
 */
export const belgianRegister: RegisterAt = (time) => {
  const p = brusselsParts(time);
  if (dayKind(time) >= 6) return 2;
  return p.hour >= 22 || p.hour < 7 ? 2 : 1;
};

/**
 * The register hours learned from the meter's tariff indicator (96-xxx in each telegram) over
 * past weeks: per day kind and clock quarter, the register seen most often; where nothing was
 * seen, `fallback`.
 */
export function learnedRegister(seen: ReadonlyArray<{ time: number; tariff: 1 | 2 }>, fallback: RegisterAt = belgianRegister): RegisterAt {
  const votes = new Map<number, number>();
  for (const s of seen) {
    const p = brusselsParts(s.time);
    const key = dayKind(s.time) * 100 + p.hour * 4 + Math.floor(p.minute / 15);
    votes.set(key, (votes.get(key) ?? 0) + (s.tariff === 1 ? 1 : -1));
  }
  return (time) => {
    const p = brusselsParts(time);
    const vote = votes.get(dayKind(time) * 100 + p.hour * 4 + Math.floor(p.minute / 15));
    if (vote === undefined || vote === 0) return fallback(time);
    return vote > 0 ? 1 : 2;
  };
}

export interface PriceForecast {
  importPrice: number[];
  exportPrice: number[];
  /** per quarter: whether the day-ahead price set it (false: register or band rate) */
  dayAhead: boolean[];
}

export function forecastPrices(rates: Rates, start: number, quarters: number, spot: SpotPrice, register: RegisterAt = belgianRegister): PriceForecast {
  const vat = 1 + (rates.Electricity.vat ?? 0);
  const importPrice: number[] = [];
  const exportPrice: number[] = [];
  const dayAhead: boolean[] = [];
  for (let i = 0; i < quarters; i++) {
    const t = start + i * QUARTER_MS;
    const band = electricityBand(rates, register(t), t);
    importPrice.push(electricityPrice(rates, '+', band, t, spot) * vat);
    exportPrice.push(electricityPrice(rates, '-', band, t, spot));
    dayAhead.push(rates.Electricity.dynamic !== undefined && spot(t) !== null);
  }
  return { importPrice, exportPrice, dayAhead };
}
