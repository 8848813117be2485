import { z } from 'zod';
import { carSchema } from './ev-schema.js';
import { legacyTripCarSchema } from './trips-schema.js';

/**
 * One list of cars: the calendar's `@car_<id>@` names a car of `ev.cars`. Files written before
 * that described the calendar's cars in `trips.cars`; such a file still loads: each of those
 * cars is moved into `ev.cars` (unless a car with its id is already there, which then wins) and
 * a notice says what to change in the file. Works on the raw JSON, before the schema, so the
 * errors name the path as the user wrote it (`trips.cars.0.batteryKwh`).
 */
export interface TripCarsMigration {
  raw: unknown;
  /** what the user should change in the file; empty when nothing was moved */
  notices: string[];
  /** problems with the old cars, each naming its path; the file cannot load */
  problems: string[];
}

/** ev.cars' field for each trips.cars field, to name the user's own path in an error */
const FIELD_BACK = new Map<string, string>([
  ['id', 'name'], ['efficiency', 'chargeEfficiency'], ['consumptionKwhPer100km', 'consumptionKwhPer100Km'], ['tripNeed', 'defaultNeed'],
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function moveTripCars(raw: unknown): TripCarsMigration {
  if (!isObject(raw) || !isObject(raw.trips) || !Object.prototype.hasOwnProperty.call(raw.trips, 'cars')) return { raw, notices: [], problems: [] };
  const legacy = z.array(legacyTripCarSchema).safeParse(raw.trips.cars);
  if (!legacy.success) {
    return { raw, notices: [], problems: legacy.error.issues.map((i) => `${['trips', 'cars', ...i.path.map(String)].join('.')}: ${i.message}`) };
  }
  const { cars: _dropped, ...trips } = raw.trips;
  const ev = isObject(raw.ev) ? { ...raw.ev } : {};
  const evCars: unknown[] = Array.isArray(ev.cars) ? [...(ev.cars as unknown[])] : [];
  const existing = new Set(evCars.map((c) => (isObject(c) && typeof c.id === 'string' ? c.id : null)).filter((id): id is string => id !== null));
  const moved: string[] = [];
  const kept: string[] = [];
  const problems: string[] = [];
  legacy.data.forEach((car, i) => {
    const id = car.name.toLowerCase();
    if (existing.has(id)) {
      kept.push(`'${car.name}' (ev.cars already has "${id}")`);
      return;
    }
    const candidate = {
      id, name: car.name, batteryKwh: car.batteryKwh, consumptionKwhPer100km: car.consumptionKwhPer100Km,
      efficiency: car.chargeEfficiency, tripNeed: car.defaultNeed.trim(),
    };
    const checked = carSchema.safeParse(candidate);
    if (!checked.success) {
      for (const issue of checked.error.issues) {
        const field = FIELD_BACK.get(String(issue.path[0])) ?? String(issue.path[0] ?? '');
        problems.push(`trips.cars.${i}.${field}: ${issue.message} (the cars are now ev.cars; move this car there)`);
      }
      return;
    }
    existing.add(id);
    evCars.push(candidate);
    moved.push(`'${car.name}' -> ev.cars id "${id}"`);
  });
  if (problems.length) return { raw, notices: [], problems };
  const notices = [
    'trips.cars is no longer read: the calendar\'s @car_<id>@ names a car of ev.cars (one list for the chargers and the calendar). '
    + `${moved.length ? `Moved for now: ${moved.join(', ')}. ` : ''}${kept.length ? `Ignored: ${kept.join(', ')}. ` : ''}`
    + 'Put the cars in ev.cars (id, name, batteryKwh, consumptionKwhPer100km, efficiency, tripNeed) and remove trips.cars from the file.',
  ];
  return { raw: { ...raw, trips, ev: { ...ev, cars: evCars } }, notices, problems: [] };
}
