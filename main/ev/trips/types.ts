/**
 * What the trips module needs to know of a car (an `ev.cars` entry narrows to this: tripCar in
 * start-trips.ts) and the calendar events it reads, whatever the calendar.
 */
export interface TripCar {
  /** the car's id in ev.cars, as written in `@car_<id>@` (compared without regard to case) */
  name: string;
  /** the car's name for people (ev.cars' name) */
  label?: string;
  batteryKwh: number;
  /** kWh per 100 km, to turn "120km" into energy */
  consumptionKwhPer100Km: number;
  /** the need of a trip whose title gives none: "80%" or "120km" */
  defaultNeed: string;
  /** energy into the battery / energy from the grid, 0-1 */
  chargeEfficiency: number;
}

/** One occurrence of a calendar event, recurrences already expanded. */
export interface CalendarEvent {
  uid: string;
  title: string;
  /** epoch ms UTC; for an all-day event local midnight of its first day */
  start: number;
  allDay: boolean;
  /** for an all-day event its date, YYYY-MM-DD */
  date: string | null;
}

export interface TimeWindow {
  start: number;
  end: number;
}

/** A calendar the service reads: an iCal address, Google Calendar, a simulator in tests. */
export interface CalendarSource {
  readonly name: string;
  readonly kind: 'ical' | 'google';
  /** the occurrences starting inside the window; throws CalendarError on failure */
  events(window: TimeWindow, signal?: AbortSignal): Promise<CalendarEvent[]>;
}

export type CalendarErrorCode = 'unreachable' | 'timeout' | 'too-large' | 'http' | 'invalid' | 'unauthorized' | 'not-configured';

export class CalendarError extends Error {
  override name = 'CalendarError';
  constructor(readonly code: CalendarErrorCode, message: string) {
    super(message);
  }
}
