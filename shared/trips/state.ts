import { z } from 'zod';

/**
 * The trips part of the bus state (main/ev/trips/): the departures of the coming days per car,
 * each with what it needs, where it came from and, once the EV controller judges it, whether it
 * will be met. Plain JSON so the dashboard, satellites and the MQTT bridge read it unchanged.
 */

export const tripSourceKindSchema = z.enum(['ical', 'google', 'sudden']);
export type TripSourceKind = z.infer<typeof tripSourceKindSchema>;

export const tripSchema = z.object({
  /** stable per occurrence: source name, event uid, occurrence start and car */
  id: z.string(),
  /** the car's id in ev.cars (`@car_<id>@`) */
  car: z.string(),
  /** when the car must be ready: the event's start minus the margin, epoch ms UTC */
  departure: z.number(),
  /** the event's own start, epoch ms UTC */
  eventStart: z.number(),
  /** the level the battery must hold at departure, % and kWh in the battery */
  needSocPct: z.number(),
  needKwh: z.number(),
  /** how the need was given: '80%', '120km' from the title, or 'default' */
  needFrom: z.string(),
  source: tripSourceKindSchema,
  /** which configured calendar (or 'sudden') */
  sourceName: z.string(),
  eventUid: z.string(),
  eventTitle: z.string(),
  /** a sudden trip: charge at once, whatever the rate or the peak */
  urgent: z.boolean(),
  /** the EV controller's verdict: null until it has judged the trip */
  met: z.boolean().nullable(),
  /** kWh the car will lack at departure when not met */
  shortKwh: z.number().nullable(),
});
export type Trip = z.infer<typeof tripSchema>;

export const calendarStatusSchema = z.object({
  name: z.string(),
  kind: z.enum(['ical', 'google']),
  status: z.enum(['starting', 'ok', 'error']),
  /** what went wrong, in words; null while ok */
  message: z.string().nullable(),
  /** epoch ms of the last successful read (the list shown is from then) */
  lastGoodAt: z.number().nullable(),
  /** epoch ms of the first failure of the current outage */
  failingSince: z.number().nullable(),
});
export type CalendarStatus = z.infer<typeof calendarStatusSchema>;

export const tripsStateSchema = z.object({
  /** every trip of the horizon, by departure */
  trips: z.array(tripSchema),
  /** the first trip per configured car, or null */
  next: z.array(z.object({ car: z.string(), name: z.string().optional(), trip: tripSchema.nullable() })),
  calendars: z.array(calendarStatusSchema),
  /** titles naming an unknown car and other things the user should fix in the calendar */
  problems: z.array(z.string()),
  horizonDays: z.number(),
  /** epoch ms the list was computed */
  updatedAt: z.number(),
});
export type TripsState = z.infer<typeof tripsStateSchema>;
