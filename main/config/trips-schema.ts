import { z } from 'zod';

/**
 * The `trips` section: the calendars to read and how to read them. The cars the calendar names
 * are the EV role's (`ev.cars`: `@car_<id>@`); an older file's `trips.cars` is moved there when
 * the file is loaded (main/config/trip-cars-migration.ts). Private iCal addresses and Google
 * tokens are secrets (`ical-url-<name>`, `google-calendar-token`), never here.
 */
const carNameSchema = z.string().regex(/^[A-Za-z0-9_-]{1,48}$/, 'letters, digits, - and _ (it is written as @car_<name>@ in event titles)');
/** a trip's need: a level ("80%") or a range ("120km") */
export const tripNeedSchema = z.string().regex(/^\s*\d{1,4}(?:[.,]\d{1,2})?\s*(%|km)\s*$/i, 'a level such as "80%" or a range such as "120km"');
const calendarNameSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'lowercase letters, digits and - (it names the secret ical-url-<name>)');

/** A car as `trips.cars` described it before the cars moved to `ev.cars` (read only to move it). */
export const legacyTripCarSchema = z.object({
  name: carNameSchema,
  batteryKwh: z.number().positive().max(500),
  consumptionKwhPer100Km: z.number().positive().max(100).default(18),
  /** the need of a trip whose title gives none */
  defaultNeed: tripNeedSchema.default('80%'),
  /** energy into the battery per energy from the grid */
  chargeEfficiency: z.number().gt(0).max(1).default(0.9),
}).strict();

export const calendarSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ical'),
    name: calendarNameSchema,
  }).strict(),
  z.object({
    type: z.literal('google'),
    name: calendarNameSchema,
    /** your own OAuth client (Desktop app) from Google Cloud; its secret is the secret google-calendar-client-secret */
    clientId: z.string().regex(/^[\w.-]+\.apps\.googleusercontent\.com$/, 'an OAuth client id ending in .apps.googleusercontent.com'),
    calendarId: z.string().min(1).max(300).default('primary'),
  }).strict(),
]);

export const tripsSchema = z.object({
  /** all-day dates, floating times and "ready by 17:00" are read in this zone */
  zone: z.string().default('Europe/Brussels').refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'an IANA time zone such as Europe/Brussels'),
  calendars: z.array(calendarSchema).default([]).refine(
    (list) => new Set(list.map((c) => c.name)).size === list.length, 'two calendars have the same name'),
  /** the car must be ready this long before the event starts */
  marginMinutes: z.number().int().min(0).max(24 * 60).default(30),
  refreshMinutes: z.number().min(1).max(24 * 60).default(5),
  horizonDays: z.number().int().min(1).max(31).default(7),
  /** all-day events are ignored unless this is set: they then depart at this local time */
  allDayDeparture: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM').nullable().default(null),
  timeoutSeconds: z.number().positive().max(300).default(30),
  /** a calendar answer larger than this is refused while it streams in */
  maxCalendarMb: z.number().positive().max(100).default(10),
}).strict();

export const TRIPS_DEFAULTS = {
  zone: 'Europe/Brussels', calendars: [], marginMinutes: 30, refreshMinutes: 5, horizonDays: 7,
  allDayDeparture: null, timeoutSeconds: 30, maxCalendarMb: 10,
} satisfies z.input<typeof tripsSchema>;

export type TripsConfig = z.infer<typeof tripsSchema>;
