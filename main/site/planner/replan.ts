/**
 * When to plan again: every quarter, and sooner when what the plan was made from changed (a
 * trip, a price set, a plug-in, a state of charge) or the measured energy of a quarter strayed
 * from the plan by more than a set amount. Pure: the service compares snapshots.
 */
import { QUARTER_MS } from './types.js';

export interface PlanBasis {
  /** when the plan was made */
  madeAt: number;
  /** a fingerprint of the trips (e.g. JSON of the sorted trips) */
  trips: string;
  /** a fingerprint of the price set */
  prices: string;
  /** per car: plugged in or not */
  plugged: ReadonlyMap<string, boolean>;
  /** per device: state of charge in % */
  socPercent: ReadonlyMap<string, number>;
}

export interface ReplanOptions {
  /** a state of charge that moved this much (points) since the plan */
  socPoints: number;
  /** a quarter's measured energy that strays this much from the plan (kWh) */
  driftKwh: number;
}

export const DEFAULT_REPLAN: ReplanOptions = { socPoints: 5, driftKwh: 0.25 };

export type ReplanReason = 'quarter' | 'trips' | 'prices' | 'plug' | 'soc' | 'drift';

/**
 * @param measuredKwh / plannedKwh the energy at the connection in the running quarter so far, and what the plan put there up to now
 */
export function replanReason(
  basis: PlanBasis, now: PlanBasis, measuredKwh: number | null, plannedKwh: number | null, options: ReplanOptions = DEFAULT_REPLAN,
): ReplanReason | null {
  if (Math.floor(now.madeAt / QUARTER_MS) !== Math.floor(basis.madeAt / QUARTER_MS)) return 'quarter';
  if (now.trips !== basis.trips) return 'trips';
  if (now.prices !== basis.prices) return 'prices';
  for (const [id, plugged] of now.plugged) if (basis.plugged.get(id) !== plugged) return 'plug';
  for (const id of basis.plugged.keys()) if (!now.plugged.has(id)) return 'plug';
  for (const [id, soc] of now.socPercent) {
    const before = basis.socPercent.get(id);
    if (before === undefined || Math.abs(soc - before) >= options.socPoints) return 'soc';
  }
  if (measuredKwh !== null && plannedKwh !== null && Math.abs(measuredKwh - plannedKwh) > options.driftKwh) return 'drift';
  return null;
}
