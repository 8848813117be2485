import { startOfQuarter } from '../../../shared/time/brussels.js';
import { consumerPriceEurPerKwh, type Direction, type DynamicContract } from './consumer-price.js';
import { QUARTER_MS } from './types.js';

/** Spot price (EUR/MWh) of the quarter starting at `quarterStart`, null when unknown. */
export type SpotLookup = (quarterStart: number) => number | null;

/**
 * The price per kWh at an instant on a dynamic contract, or null when the quarter has no spot
 * price (the caller then uses the register rate). This is what the ledger asks per energy delta.
 */
export class DynamicPricer {
  constructor(private readonly contract: DynamicContract, private readonly spotAt: SpotLookup) {}

  eurPerKwh(time: number, direction: Direction): number | null {
    const spot = this.spotAt(startOfQuarter(time));
    return spot === null ? null : consumerPriceEurPerKwh(this.contract, direction, spot);
  }
}

/** Counters as a telegram carries them (a Telegram fits): kWh per register, null when absent. */
export interface CounterReading {
  time: number | null;
  importKwh: { t1: number | null; t2: number | null } | null;
  exportKwh: { t1: number | null; t2: number | null } | null;
}

/** Register rates in EUR/kWh (rates.json "+"/"-" Day/Night), used for quarters without a price. */
export interface RegisterRates {
  import: { t1: number; t2: number };
  export: { t1: number; t2: number };
}

export interface DynamicCostResult {
  /** import cost minus export compensation, EUR */
  costEur: number;
  importKwh: number;
  exportKwh: number;
  /** energy (import + export) priced at register rates because its quarter had no price */
  fallbackKwh: number;
}

function registerDelta(before: CounterReading['importKwh'], after: CounterReading['importKwh'], register: 't1' | 't2'): number {
  const a = before?.[register];
  const b = after?.[register];
  // A missing value or a counter that went down (new meter) contributes nothing: never guess.
  if (a == null || b == null || b < a) return 0;
  return b - a;
}

/**
 * The cost of the energy between consecutive readings, each delta priced at its quarter's
 * dynamic price. A delta belongs to the interval (previous reading, reading]; when that
 * interval crosses quarter boundaries (a gap in the readings) it is shared out over the
 * quarters in proportion to time. A quarter without a spot price is priced at the register
 * rate of the register the energy was counted on.
 */
export function dynamicEnergyCost(
  readings: Iterable<CounterReading>, pricer: DynamicPricer, fallback: RegisterRates,
): DynamicCostResult {
  const result: DynamicCostResult = { costEur: 0, importKwh: 0, exportKwh: 0, fallbackKwh: 0 };
  let previous: CounterReading | null = null;
  for (const reading of readings) {
    if (reading.time === null) continue;
    if (previous && previous.time !== null && reading.time > previous.time) {
      for (const direction of ['import', 'export'] as const) {
        const key = direction === 'import' ? 'importKwh' : 'exportKwh';
        const sign = direction === 'import' ? 1 : -1;
        for (const register of ['t1', 't2'] as const) {
          const kwh = registerDelta(previous[key], reading[key], register);
          if (kwh === 0) continue;
          result[key] += kwh;
          for (const share of quarterShares(previous.time, reading.time)) {
            const part = kwh * share.fraction;
            const price = pricer.eurPerKwh(share.quarterStart, direction);
            if (price === null) result.fallbackKwh += part;
            result.costEur += sign * part * (price ?? fallback[direction][register]);
          }
        }
      }
    }
    previous = reading;
  }
  return result;
}

/** The quarters the interval (from, to] overlaps, with the fraction of its length in each. */
export function quarterShares(from: number, to: number): { quarterStart: number; fraction: number }[] {
  const shares: { quarterStart: number; fraction: number }[] = [];
  // The instant just after `from` decides the first quarter: a reading at 18:00:00 closes 17:45.
  for (let q = startOfQuarter(from); q < to; q += QUARTER_MS) {
    const overlap = Math.min(to, q + QUARTER_MS) - Math.max(from, q);
    if (overlap > 0) shares.push({ quarterStart: q, fraction: overlap / (to - from) });
  }
  return shares;
}
