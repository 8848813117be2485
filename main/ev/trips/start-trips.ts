import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { TripsState } from '../../../shared/trips/state.js';
import type { CarConfig } from '../../config/ev-schema.js';
import type { TripsConfig } from '../../config/trips-schema.js';
import { systemTimers, type Timers } from '../../p1/sources/timers.js';
import type { SecretStore } from '../../secrets/secret-store.js';
import { GoogleCalendarSource } from './google/google-source.js';
import type { GoogleEndpoints } from './google/oauth.js';
import { IcalSource } from './ical-source.js';
import { tripCar } from './trip-car.js';
import { TripsService } from './trips-service.js';
import { TripsStore } from './trips-store.js';
import { CalendarError, type CalendarEvent, type CalendarSource, type TimeWindow } from './types.js';

export interface StartTripsOptions {
  config: TripsConfig;
  /** the EV role's cars (ev.cars): the calendar's @car_<id>@ names one of them */
  cars: readonly CarConfig[];
  db: Database;
  secrets: SecretStore;
  log: Logger;
  onState: (state: TripsState) => void;
  timers?: Timers;
  /** tests: Google's endpoints on a local server */
  google?: { rootUrl: string; endpoints: GoogleEndpoints };
}

/**
 * An iCal calendar whose address is read from its secret at each read, so `secret set
 * ical-url-<name>` takes effect without a restart; without it, the read fails saying what to run.
 */
class IcalFromSecret implements CalendarSource {
  readonly kind = 'ical' as const;
  constructor(readonly name: string, private readonly secrets: SecretStore, private readonly make: (url: string) => IcalSource) {}

  async events(window: TimeWindow, signal?: AbortSignal): Promise<CalendarEvent[]> {
    const url = await this.secrets.get(`ical-url-${this.name}`);
    if (!url) throw new CalendarError('not-configured', `calendar '${this.name}' has no address: run \`digital-meter secret set ical-url-${this.name}\` with its private iCal address`);
    return this.make(url).events(window, signal);
  }
}

/** The trips service as configured, publishing into the state. */
export function createTrips(o: StartTripsOptions): TripsService {
  const { config } = o;
  const timeoutMs = config.timeoutSeconds * 1000;
  const sources = config.calendars.map((c): CalendarSource => c.type === 'ical'
    ? new IcalFromSecret(c.name, o.secrets, (url) => new IcalSource({ name: c.name, url, timeoutMs, maxBytes: config.maxCalendarMb * 1_048_576, zone: config.zone }))
    : new GoogleCalendarSource({
      name: c.name, clientId: c.clientId, calendarId: c.calendarId, secrets: o.secrets, timeoutMs, zone: config.zone,
      ...(o.google ? { rootUrl: o.google.rootUrl, endpoints: o.google.endpoints } : {}),
    }));
  return new TripsService({
    sources, cars: o.cars.map(tripCar), store: new TripsStore(o.db), timers: o.timers ?? systemTimers,
    refreshMs: config.refreshMinutes * 60_000, horizonDays: config.horizonDays, log: o.log, onState: o.onState,
    convention: { marginMinutes: config.marginMinutes, allDayDeparture: config.allDayDeparture, zone: config.zone },
  });
}
