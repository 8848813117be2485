/**
 * What would make an unmet trip feasible, besides a higher month peak (planner.ts gives that
 * one with its euros): starting now (the car plugged in and charging from the plan's first
 * quarter on) and leaving later (the earliest quarter boundary by which the plan meets it, the
 * car staying plugged in until then). Each is found by planning again with the changed input,
 * within the same peak ceiling, so the answer accounts for the other cars and the battery.
 */
import { tripsUnder } from './planner.js';
import type { LpSolver } from './solver.js';
import { QUARTER_MS, type PlanCar, type PlanInput, type Span } from './types.js';

export interface TripFixes {
  /** plugging in now and charging from now on meets the trip (false when the car is plugged in already) */
  startNow: boolean;
  /** the earliest departure (a quarter boundary) the plan meets the trip by; null when none in the horizon */
  leaveAt: number | null;
}

function metUnder(solver: LpSolver, input: PlanInput, carId: string, departure: number): boolean {
  const outcome = tripsUnder(solver, input).find((t) => t.carId === carId && t.departure === departure);
  return outcome !== undefined && outcome.shortKwh === 0;
}

function withCar(input: PlanInput, carId: string, change: (car: PlanCar) => PlanCar): PlanInput {
  return { ...input, cars: input.cars.map((c) => (c.id === carId ? change(c) : c)) };
}

function pluggedAt(spans: readonly Span[], time: number): boolean {
  return spans.some((s) => s.from <= time && time < s.to);
}

/** @param departure the unmet trip's departure (as in the input) */
export function tripFixes(solver: LpSolver, input: PlanInput, carId: string, departure: number): TripFixes {
  const car = input.cars.find((c) => c.id === carId);
  if (!car) throw new Error(`planner: no car ${JSON.stringify(carId)} to fix a trip for`);

  // start now: only says something when the car is not plugged in at the start
  let startNow = false;
  if (!pluggedAt(car.plugged, input.start) && departure > input.start) {
    startNow = metUnder(solver, withCar(input, carId, (c) => ({ ...c, plugged: [...c.plugged, { from: input.start, to: departure }] })), carId, departure);
  }

  // leave later: the car stays plugged in past the departure until the new one; whether the trip
  // is met can only improve with a later departure, so the earliest is found by halving
  const later = (at: number): PlanInput => withCar(input, carId, (c) => ({
    ...c,
    plugged: c.plugged.map((s) => (s.from < departure && s.to >= departure ? { from: s.from, to: Math.max(s.to, at) } : s)),
    trips: c.trips.map((t) => (t.departure === departure ? { ...t, departure: at } : t)),
  }));
  const boundary = (j: number): number => input.start + j * QUARTER_MS;
  const metBy = (j: number): boolean => metUnder(solver, later(boundary(j)), carId, boundary(j));
  // candidates: the quarter boundaries after the departure, up to the horizon's end
  const n = input.baseKwh.length;
  const firstJ = Math.max(1, Math.floor((departure - input.start) / QUARTER_MS) + 1);
  let leaveAt: number | null = null;
  if (firstJ <= n && metBy(n)) {
    let lo = firstJ - 1; // not met (at or before the departure itself)
    let hi = n; // met
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (metBy(mid)) hi = mid;
      else lo = mid;
    }
    leaveAt = boundary(hi);
  }
  return { startNow, leaveAt };
}
