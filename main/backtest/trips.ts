/**
 * The cars' trips for the backtest, known in advance (a commute repeats, calendar trips are in
 * the calendar): when each car leaves, when it is back, how far it drives and what it needs at
 * departure (the trip's energy plus the car's reserve share, at most a full battery).
 */
import { localTime, type SimDay } from './calendar-days.js';
import type { HouseholdCar } from './household.js';
import { streamRng } from './rng.js';

export interface SimTrip {
  carId: string;
  departure: number;
  back: number;
  km: number;
  /** energy the trip takes out of the battery, kWh (never more than the battery holds) */
  usesKwh: number;
  /** the state of charge the car needs at departure, kWh */
  needKwh: number;
}

const QUARTER = 900_000;

function quarterRound(t: number): number {
  return Math.round(t / QUARTER) * QUARTER;
}

export function tripsFor(seed: number, car: HouseholdCar, days: readonly SimDay[]): SimTrip[] {
  const out: SimTrip[] = [];
  const plan = car.trips;
  for (const day of days) {
    let departure: number;
    let back: number;
    let km: number;
    if (plan.kind === 'commute') {
      if (!plan.weekdays.includes(day.isoWeekday) || day.holiday) continue;
      departure = localTime(day, plan.leave);
      back = localTime(day, plan.back);
      km = plan.km;
    } else {
      const rng = streamRng(seed, `trips:${car.id}`, day.index);
      if (!rng.chance(plan.perWeek / 7)) continue;
      const from = localTime(day, plan.leaveFrom);
      const to = localTime(day, plan.leaveTo);
      departure = quarterRound(rng.between(from, to));
      back = Math.min(quarterRound(departure + rng.between(plan.hoursMin, plan.hoursMax) * 3_600_000), day.end - 2 * QUARTER);
      km = Math.round(rng.between(plan.kmMin, plan.kmMax));
    }
    const usesKwh = Math.min(car.batteryKwh, (km * car.consumptionKwhPer100km) / 100);
    const needKwh = Math.min(car.batteryKwh, usesKwh + (car.reservePercent / 100) * car.batteryKwh);
    out.push({ carId: car.id, departure, back, km, usesKwh, needKwh });
  }
  return out;
}
