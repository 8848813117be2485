import type { EvState } from '../../../shared/ev/state.js';
import type { Trip, TripsState } from '../../../shared/trips/state.js';
import type { StateHub } from '../../bus/state-hub.js';
import type { CarConfig } from '../../config/ev-schema.js';
import type { ChargeIntent } from '../controller.js';
import { judgeTrip, nextTripIntent } from './intent.js';
import { tripCar } from './trip-car.js';
import type { TripsService } from './trips-service.js';

/**
 * The trips' part of a charger's intent, and the controller's verdict on its car's trips: what
 * the EV role (main/ev/role.ts) asks of each charger from the `trips` in its hub (published by
 * the trips service beside it, or mirrored from the meter on a satellite). Pure: the role calls
 * it on every decision with the car on the charger, its SoC and the wall clock. The plan's part
 * of the intent is worked out elsewhere and combined beside it.
 */
export type TripChargeIntent = NonNullable<ChargeIntent['trip']> & { id: string };

/** The trip the charger charges for now (a sudden one first, else the earliest the car lacks energy for), or null. */
export function tripIntentFor(trips: TripsState | null | undefined, car: CarConfig | null, socPercent: number | null, now: number): TripChargeIntent | null {
  if (!trips || !car) return null;
  const next = nextTripIntent(trips.trips, tripCar(car), socPercent, now);
  if (!next) return null;
  return { id: next.tripId, time: next.time, kwh: next.kwh, label: next.label, urgent: next.urgent, now };
}

export interface TripVerdict {
  tripId: string;
  met: boolean;
  /** kWh the battery will lack at departure, null when met */
  shortKwh: number | null;
}

/**
 * Will each of the car's trips be met, charging at the charger's most from now on (the broker
 * raises the quarter's target for a deadline it cannot meet otherwise, so the charger's power
 * is the limit)? Each trip is judged on its own from the SoC now; none without a SoC.
 */
export function verdictsFor(trips: TripsState | null | undefined, car: CarConfig | null, socPercent: number | null, maxKw: number, now: number): TripVerdict[] {
  if (!trips || !car || socPercent === null) return [];
  const asTrip = tripCar(car);
  const out: TripVerdict[] = [];
  for (const trip of trips.trips) {
    if (trip.car !== asTrip.name || trip.departure <= now) continue;
    const verdict = judgeTrip(trip, asTrip, socPercent, maxKw, now);
    if (verdict) out.push({ tripId: trip.id, ...verdict });
  }
  return out;
}

/**
 * The euros the broker's words put on this charge ("... about 1.84 EUR": an emergency above the
 * quarter's budget, or a target raised for a deadline), or null when they name none. The grant
 * reason carries the figure only in its text (shared/site/contract.ts has no field for it).
 */
export function eurosIn(text: string): number | null {
  const m = /about (\d+(?:\.\d+)?) EUR/.exec(text);
  return m ? Number(m[1]) : null;
}

/** The verdict the charger's EV state holds for a trip, wherever the charger runs. */
export function verdictFromChargers(chargers: ReadonlyArray<{ tripVerdicts?: TripVerdict[] | undefined }> | undefined, trip: Pick<Trip, 'id'>): TripVerdict | null {
  for (const charger of chargers ?? []) {
    const found = charger.tripVerdicts?.find((v) => v.tripId === trip.id);
    if (found) return found;
  }
  return null;
}

/**
 * Beside the meter: the trips' state carries the EV role's verdicts too (met, short by), taken
 * from the chargers in the hub, and is published again whenever those verdicts change.
 */
export function judgeTripsFromChargers(trips: Pick<TripsService, 'setJudge' | 'republish'>, hub: StateHub): () => void {
  const chargers = (): EvState['chargers'] | undefined => hub.current.ev?.chargers;
  trips.setJudge((trip) => {
    const v = verdictFromChargers(chargers(), trip);
    return v && { met: v.met, shortKwh: v.shortKwh };
  });
  let seen = '';
  return hub.subscribe((delta) => {
    // a delta names what changed by path: 'ev', or deeper ('ev.chargers.0.tripVerdicts.0.met')
    if (!Object.keys(delta.set).some((path) => path === 'ev' || path.startsWith('ev.'))) return;
    const now = JSON.stringify(chargers()?.map((c) => c.tripVerdicts ?? []) ?? []);
    if (now === seen) return;
    seen = now;
    trips.republish();
  });
}
