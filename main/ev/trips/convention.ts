import type { Trip, TripSourceKind } from '../../../shared/trips/state.js';
import type { CalendarEvent, TripCar } from './types.js';
import { zonedToUtc } from './zoned-time.js';

/**
 * The calendar convention: an event whose title holds `@car_<name>@` is a trip for that car,
 * optionally followed by its need, `80%` (the level at departure) or `120km` (the range, turned
 * into energy with the car's consumption); otherwise the car's default need. Several cars may
 * share one event. The car must be ready `marginMinutes` before the event starts.
 */
export interface ConventionOptions {
  marginMinutes: number;
  /** all-day events are no trips unless this is set: then they depart at this local time, "HH:MM" */
  allDayDeparture: string | null;
  /** the zone all-day dates and the departure time are read in */
  zone: string;
}

export interface Need {
  socPct: number;
  kwh: number;
  /** as written, or 'default' */
  from: string;
}

const CAR_TOKEN = /@car_([^@\s]{1,48})@/gi;
const NEED_AFTER = /^\s*(\d{1,4}(?:[.,]\d{1,2})?)\s*(%|km)(?![a-z])/i;
const NEED_ALONE = /^\s*(\d{1,4}(?:[.,]\d{1,2})?)\s*(%|km)\s*$/i;

/** "80%" or "120km" for a car, or an error naming what is wrong with it. */
export function parseNeed(text: string, car: TripCar): Need | string {
  const m = NEED_ALONE.exec(text);
  if (!m) return `"${text}" is not a need (write 80% or 120km)`;
  return needFrom(Number(m[1]!.replace(',', '.')), m[2]!.toLowerCase() as '%' | 'km', car, `${m[1]}${m[2]!.toLowerCase()}`);
}

function needFrom(value: number, unit: '%' | 'km', car: TripCar, written: string): Need | string {
  if (unit === '%') {
    if (value <= 0 || value > 100) return `${written} is not a battery level (1-100%)`;
    return { socPct: value, kwh: round2(car.batteryKwh * value / 100), from: written };
  }
  const kwh = value * car.consumptionKwhPer100Km / 100;
  const socPct = kwh / car.batteryKwh * 100;
  if (socPct > 100) return `${written} needs ${round2(kwh)} kWh, more than ${car.name}'s battery holds (${car.batteryKwh} kWh)`;
  return { socPct: round2(socPct), kwh: round2(kwh), from: written };
}

export interface ConventionResult {
  trips: Trip[];
  problems: string[];
}

/** The trips in a calendar's events, and what in them could not be understood. */
export function tripsFromEvents(
  events: readonly CalendarEvent[], cars: readonly TripCar[],
  source: { kind: TripSourceKind; name: string }, options: ConventionOptions,
): ConventionResult {
  const byName = new Map(cars.map((c) => [c.name.toLowerCase(), c]));
  const trips: Trip[] = [];
  const problems: string[] = [];
  for (const event of events) {
    const tokens = [...event.title.matchAll(CAR_TOKEN)];
    if (tokens.length === 0) continue;
    const where = `"${event.title}" (${source.name}, ${new Date(event.start).toISOString().slice(0, 16)}Z)`;
    let eventStart = event.start;
    if (event.allDay) {
      if (options.allDayDeparture === null || event.date === null) continue;
      const [hour, minute] = options.allDayDeparture.split(':').map(Number) as [number, number];
      const [year, month, day] = event.date.split('-').map(Number) as [number, number, number];
      eventStart = zonedToUtc(options.zone, { year, month, day, hour, minute, second: 0 });
    }
    const seen = new Set<string>();
    for (const token of tokens) {
      const name = token[1]!;
      const car = byName.get(name.toLowerCase());
      if (!car) {
        problems.push(`${where}: ${unknownCar(name, cars)}`);
        continue;
      }
      if (seen.has(car.name)) continue;
      seen.add(car.name);
      const after = NEED_AFTER.exec(event.title.slice(token.index + token[0].length));
      const need = after
        ? needFrom(Number(after[1]!.replace(',', '.')), after[2]!.toLowerCase() as '%' | 'km', car, `${after[1]}${after[2]!.toLowerCase()}`)
        : parseNeed(car.defaultNeed, car);
      if (typeof need === 'string') {
        problems.push(`${where}: ${need}`);
        continue;
      }
      trips.push({
        id: `${source.name}:${event.uid}:${eventStart}:${car.name}`,
        car: car.name,
        departure: eventStart - options.marginMinutes * 60_000,
        eventStart,
        needSocPct: need.socPct,
        needKwh: need.kwh,
        needFrom: after ? need.from : 'default',
        source: source.kind,
        sourceName: source.name,
        eventUid: event.uid,
        eventTitle: event.title,
        urgent: false,
        met: null,
        shortKwh: null,
      });
    }
  }
  return { trips, problems };
}

/** "no car 'golf' in ev.cars (known: tesla, zoe)" */
export function unknownCar(name: string, cars: readonly TripCar[]): string {
  return `no car '${name}' in ev.cars (@car_<id>@ names a car by its id; known: ${cars.map((c) => c.name).join(', ') || 'none configured'})`;
}

/**
 * The energy the charger must deliver from the grid for a trip: what the battery lacks at the
 * trip's level, divided by the charging efficiency. 0 when the car already holds enough.
 */
export function gridKwhForTrip(trip: Pick<Trip, 'needKwh'>, car: Pick<TripCar, 'batteryKwh' | 'chargeEfficiency'>, socPct: number): number {
  const lacking = trip.needKwh - car.batteryKwh * socPct / 100;
  return lacking <= 0 ? 0 : round2(lacking / car.chargeEfficiency);
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
