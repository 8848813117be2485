import type { Trip } from '../../../shared/trips/state.js';
import { gridKwhForTrip } from './convention.js';
import type { TripCar } from './types.js';

/**
 * What the EV controller is asked for one car: the energy from the grid needed by the next
 * trip's departure (a deadline demand), and whether it is urgent (a sudden trip: charge at once,
 * ignoring rates and the peak). Pure, so the controller's loop can call it every telegram.
 */
export interface TripIntent {
  /** departure, epoch ms */
  time: number;
  /** kWh from the grid (the battery's lack divided by the charging efficiency) */
  kwh: number;
  label: string;
  urgent: boolean;
  tripId: string;
}

/**
 * The trip to charge for now: a sudden trip first (the user asked for it explicitly), else the
 * earliest trip the car does not yet hold enough for. With no SoC known the whole need counts
 * (the car stops by itself when full).
 */
export function nextTripIntent(trips: readonly Trip[], car: TripCar, socPct: number | null, now: number): TripIntent | null {
  const mine = trips.filter((t) => t.car === car.name && t.departure > now);
  const lacking = (t: Trip) => gridKwhForTrip(t, car, socPct ?? 0);
  const pick = mine.find((t) => t.urgent && lacking(t) > 0) ?? mine.find((t) => lacking(t) > 0);
  if (!pick) return null;
  return { time: pick.departure, kwh: lacking(pick), label: pick.eventTitle, urgent: pick.urgent, tripId: pick.id };
}

/**
 * Will the trip be met charging at `maxKw` from now on? The shortfall is in the battery's kWh:
 * what the hours left cannot bring, times the efficiency.
 */
export function judgeTrip(trip: Trip, car: TripCar, socPct: number | null, maxKw: number, now: number): { met: boolean; shortKwh: number | null } | null {
  if (socPct === null) return null;
  const grid = gridKwhForTrip(trip, car, socPct);
  const deliverable = Math.max(0, (trip.departure - now) / 3_600_000) * maxKw;
  if (grid <= deliverable) return { met: true, shortKwh: null };
  return { met: false, shortKwh: Math.round((grid - deliverable) * car.chargeEfficiency * 100) / 100 };
}

/**
 * The demand fields a trip asks the broker for (site-control.md "Allocation order"): a calendar
 * trip is a deadline (energy by a time; the broker raises the target only when it cannot be met
 * otherwise); a sudden trip is charged at once whatever the rate or the peak: class emergency,
 * at least the charger's running power from now on, with the deadline kept for the record.
 */
export function tripDemandFields(intent: TripIntent, minRunKw: number): {
  class: 'deadline' | 'emergency'; priority: number; deadline: { time: number; kwh: number }; minKw: number;
} {
  const deadline = { time: intent.time, kwh: Math.round(intent.kwh * 1000) / 1000 };
  return intent.urgent
    ? { class: 'emergency', priority: 90, deadline, minKw: minRunKw }
    : { class: 'deadline', priority: 60, deadline, minKw: 0 };
}
