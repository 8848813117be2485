/**
 * What a device or the broker reads from the published plan: the energy planned for a device in
 * the quarter holding a time, and the month peak the plan allows then. Pure lookups on the
 * `plan` state (in-process or mirrored on a satellite); null where the plan says nothing.
 */
import { batteryBoughtKwh, firmBeforeDeparture, splitCharge } from './grid-share.js';
import type { PlanState } from './state.js';

const QUARTER_MS = 15 * 60_000;
/** a plan older than this is not followed: the service makes one every quarter */
export const PLAN_FRESH_MS = 2 * QUARTER_MS;

/** the plan when it is recent enough to follow at `time`, else null */
export function freshPlan(plan: PlanState | null | undefined, time: number): PlanState | null {
  if (!plan || plan.error !== null || plan.quarters.length === 0) return null;
  return time - plan.madeAt < PLAN_FRESH_MS && time >= plan.madeAt - PLAN_FRESH_MS ? plan : null;
}

function quarterAt(plan: PlanState, time: number): PlanState['quarters'][number] | null {
  if (plan.quarters.length === 0) return null;
  const index = Math.floor((time - plan.start) / QUARTER_MS);
  return index >= 0 && index < plan.quarters.length ? plan.quarters[index]! : null;
}

/**
 * kWh planned for `device` (a car's id, or the battery's device id: signed, + charge) in the
 * quarter holding `time`; null when the plan does not cover the device or the time. A car's is
 * the part the plan buys from the grid (grid-share.ts): what it expects from the sun the car
 * takes as surplus, when the surplus is there.
 */
export function plannedKwhFor(given: PlanState | null | undefined, device: string, time: number): number | null {
  const plan = freshPlan(given, time);
  if (!plan) return null;
  const q = quarterAt(plan, time);
  if (!q) return null;
  if (plan.cars.some((c) => c.id === device)) return carCharge(plan, q, device)?.boughtKwh ?? null;
  if (plan.battery && plan.battery.device === device) return batteryBoughtKwh(q.batteryKwh, q.importKwh, q.carKwh);
  return null;
}

/**
 * For the battery `device` in the quarter holding `time`: the import price then and what a kWh
 * drawn beyond the plan's discharge costs the plan's later quarters (EUR); null where the plan
 * does not cover the battery or the time, or says nothing of it
 */
export function batteryDrawFor(given: PlanState | null | undefined, device: string, time: number): { drawCostEur: number; importPriceEur: number } | null {
  const plan = freshPlan(given, time);
  const q = plan && plan.battery?.device === device ? quarterAt(plan, time) : null;
  if (!q || q.batteryDrawCostEur === undefined || q.batteryDrawCostEur === null) return null;
  return { drawCostEur: q.batteryDrawCostEur, importPriceEur: q.importPrice };
}

/**
 * kWh the plan expects car `device` to take from the sun in the quarter holding `time`: the part
 * of its planned energy the plan does not buy (grid-share.ts); null as for plannedKwhFor
 */
export function plannedSunKwhFor(given: PlanState | null | undefined, device: string, time: number): number | null {
  const plan = freshPlan(given, time);
  const q = plan ? quarterAt(plan, time) : null;
  return plan && q ? carCharge(plan, q, device)?.sunKwh ?? null : null;
}

/** a car's planned charge in quarter `q`, bought and from the sun; null when the plan has no such car */
function carCharge(plan: PlanState, q: PlanState['quarters'][number], device: string): { boughtKwh: number; sunKwh: number } | null {
  const car = plan.cars.findIndex((c) => c.id === device);
  const kwh = car >= 0 ? q.carKwh[car] : undefined;
  if (kwh === undefined) return null;
  const next = plan.cars[car]!.departures.find((d) => d.time > q.start)?.time ?? null;
  if (firmBeforeDeparture(q.start, next)) return { boughtKwh: kwh, sunKwh: 0 };
  const charges = q.carKwh.reduce((t, v) => t + Math.max(0, v), 0) + Math.max(0, q.batteryKwh);
  return splitCharge(kwh, q.importKwh, charges);
}

/**
 * The start of the first quarter after the one holding `time` in which the plan places energy
 * into car `device` (epoch ms); null when it places none in the rest of the horizon.
 */
export function nextChargeAt(given: PlanState | null | undefined, device: string, time: number): number | null {
  const plan = freshPlan(given, time);
  if (!plan) return null;
  const car = plan.cars.findIndex((c) => c.id === device);
  if (car < 0) return null;
  const from = Math.max(0, Math.floor((time - plan.start) / QUARTER_MS) + 1);
  // a Wh or two is a rounding of the solver, not a charge
  for (let i = from; i < plan.quarters.length; i++) if ((plan.quarters[i]!.carKwh[car] ?? 0) > 0.005) return plan.start + i * QUARTER_MS;
  return null;
}

/** the month peak the plan allows in the quarter holding `time` (kW), or null */
export function planTargetKw(given: PlanState | null | undefined, time: number): number | null {
  const plan = freshPlan(given, time);
  if (!plan) return null;
  return quarterAt(plan, time)?.targetPeakKw ?? null;
}
