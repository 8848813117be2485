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
 * otherwise), its floor what the charger must keep (its minimum on-time); a sudden trip is
 * charged at once whatever the rate or the peak: class emergency, asking at least the average
 * power that brings its energy by its time (never less than the charger's running power, never
 * more than its most), so the broker goes above the quarter's target only as far as it must and
 * prices that; the deadline is kept for the record. Both aim at READY_EARLY_MS before departure.
 */
/**
 * The broker meets a deadline just in time (it spreads the energy to the last second), and a
 * SoC estimate is a little off: the car is asked to be ready a quarter hour before it leaves,
 * when there is still a quarter hour to go.
 */
export const READY_EARLY_MS = 15 * 60_000;

export function tripDemandFields(
  trip: { time: number; kwh: number; urgent?: boolean },
  power: { minRunKw: number; maxKw: number; keepKw: number },
  /** wall time, epoch ms; null: not known, an urgent trip then asks for the charger's most */
  now: number | null,
): { class: 'deadline' | 'emergency'; priority: number; deadline: { time: number; kwh: number }; minKw: number } {
  const early = trip.time - READY_EARLY_MS;
  // without the wall time it cannot tell whether a quarter hour is left: the departure itself
  const readyBy = now !== null && early > now ? early : trip.time;
  const deadline = { time: readyBy, kwh: Math.round(trip.kwh * 1000) / 1000 };
  if (!trip.urgent) return { class: 'deadline', priority: 60, deadline, minKw: power.keepKw };
  const hours = now === null ? 0 : Math.max((readyBy - now) / 3_600_000, 0);
  const needKw = hours <= 0 ? power.maxKw : Math.min(power.maxKw, Math.max(power.minRunKw, trip.kwh / hours));
  return { class: 'emergency', priority: 90, deadline, minKw: Math.round(needKw * 1000) / 1000 };
}
