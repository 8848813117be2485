/**
 * The plan's part of what a charger is asked (ChargeIntent): the energy the site plan placed in
 * the running quarter for the car on it, read from the `plan` in the bus state (the meter's own,
 * or mirrored on a satellite). When the plan expects the car's next trip to be met, the plan
 * places that trip's energy in the cheapest quarters, so the trip's deadline gives way to the
 * plan's energy per quarter; when it does not, the deadline stays (the broker then raises the
 * target for it). With the plan comes when it next charges the car, for the reason shown while
 * it waits. Without a fresh plan covering the car, the intent is left as it was.
 */
import { freshPlan, nextChargeAt, plannedKwhFor, plannedSunKwhFor } from '../../shared/plan/lookup.js';
import type { PlanState } from '../../shared/plan/state.js';
import type { ChargeIntent } from './controller.js';

export function withPlan(intent: ChargeIntent | undefined, plan: PlanState | null | undefined, carId: string | null, time: number): ChargeIntent | undefined {
  if (carId === null) return intent;
  const fresh = freshPlan(plan, time);
  const plannedKwh = plannedKwhFor(fresh, carId, time);
  if (fresh === null || plannedKwh === null) return intent;
  const trip = intent?.trip ?? null;
  const car = fresh.cars.find((c) => c.id === carId);
  // the plan's departure for the same trip (within a minute: a plan rounds nothing, but be lenient)
  const planned = trip ? car?.departures.find((d) => Math.abs(d.time - trip.time) < 60_000) : undefined;
  const keepTrip = trip !== null && (!planned || !planned.met);
  return { ...intent, plannedKwh: Math.max(0, plannedKwh), plannedSunKwh: plannedSunKwhFor(fresh, carId, time), planNextAt: nextChargeAt(fresh, carId, time), trip: keepTrip ? trip : null };
}
