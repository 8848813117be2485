import { calendar, type calendar_v3 } from 'googleapis/build/src/apis/calendar/index.js';
import type { SecretStore } from '../../../secrets/secret-store.js';
import { CalendarError, type CalendarEvent, type CalendarSource, type TimeWindow } from '../types.js';
import { zonedDate, zonedToUtc } from '../zoned-time.js';
import { createOAuthClient, CLIENT_SECRET, googleReason, isRevoked, loadToken, saveToken, type GoogleEndpoints } from './oauth.js';

export interface GoogleSourceOptions {
  name: string;
  clientId: string;
  /** 'primary' or a calendar's id (Settings -> the calendar -> Integrate calendar) */
  calendarId: string;
  secrets: SecretStore;
  timeoutMs: number;
  zone: string;
  /** tests: a local server shaped like Google's */
  rootUrl?: string;
  endpoints?: GoogleEndpoints;
}

const REAUTHORIZE = 'run `digital-meter calendar authorize` again';
/** 2 500 per page, 10 pages: far beyond a week of anyone's calendar */
const MAX_PAGES = 10;

/**
 * Google Calendar through its API (googleapis' calendar part): the events of the window with
 * recurrences expanded by Google (singleEvents), read with the stored refresh token. A refreshed
 * access token is stored again; a refused refresh (expired or revoked) is a clear message.
 */
export class GoogleCalendarSource implements CalendarSource {
  readonly kind = 'google' as const;
  readonly name: string;

  constructor(private readonly o: GoogleSourceOptions) {
    this.name = o.name;
  }

  async events(window: TimeWindow, signal?: AbortSignal): Promise<CalendarEvent[]> {
    const { secrets } = this.o;
    const token = await loadToken(secrets);
    if (!token) throw new CalendarError('not-configured', `Google calendar '${this.name}' is not authorized yet: run \`digital-meter calendar authorize\``);
    const client = createOAuthClient(this.o.clientId, await secrets.get(CLIENT_SECRET), undefined, this.o.endpoints);
    client.setCredentials({ refresh_token: token.refresh_token, access_token: token.access_token ?? null, expiry_date: token.expiry_date ?? null });
    client.on('tokens', (fresh) => {
      void saveToken(secrets, {
        refresh_token: fresh.refresh_token ?? token.refresh_token,
        access_token: fresh.access_token ?? null, expiry_date: fresh.expiry_date ?? null, scope: fresh.scope ?? token.scope ?? null,
      });
    });
    const api = calendar({ version: 'v3', auth: client, ...(this.o.rootUrl ? { rootUrl: this.o.rootUrl } : {}), timeout: this.o.timeoutMs, retry: false });
    const items: calendar_v3.Schema$Event[] = [];
    let pageToken: string | undefined;
    try {
      for (let page = 0; page < MAX_PAGES; page++) {
        const { data } = await api.events.list({
          calendarId: this.o.calendarId, timeMin: new Date(window.start).toISOString(), timeMax: new Date(window.end).toISOString(),
          singleEvents: true, orderBy: 'startTime', maxResults: 2500, showDeleted: false, ...(pageToken ? { pageToken } : {}),
        }, { signal });
        items.push(...(data.items ?? []));
        pageToken = data.nextPageToken ?? undefined;
        if (!pageToken) break;
      }
    } catch (error) {
      if (isRevoked(error)) throw new CalendarError('unauthorized', `Google refused the stored authorization (expired or revoked: ${googleReason(error)}); ${REAUTHORIZE}`);
      const status = (error as { response?: { status?: number } }).response?.status;
      if (status) throw new CalendarError('http', `Google Calendar answered HTTP ${status}: ${googleReason(error)}`);
      const code = (error as { code?: string }).code;
      if (code === 'ETIMEDOUT' || /timeout/i.test((error as Error).message)) throw new CalendarError('timeout', `no answer from Google Calendar within ${this.o.timeoutMs / 1000} s`);
      throw new CalendarError('unreachable', `cannot reach Google Calendar: ${googleReason(error)}`);
    }
    return items.flatMap((item) => toEvent(item, this.o.zone));
  }
}

function toEvent(item: calendar_v3.Schema$Event, zone: string): CalendarEvent[] {
  if (item.status === 'cancelled' || !item.start) return [];
  const uid = item.id ?? item.iCalUID ?? '';
  const title = item.summary ?? '';
  if (item.start.dateTime) {
    const start = Date.parse(item.start.dateTime);
    return Number.isFinite(start) ? [{ uid, title, start, allDay: false, date: null }] : [];
  }
  if (item.start.date && /^\d{4}-\d{2}-\d{2}$/.test(item.start.date)) {
    const [year, month, day] = item.start.date.split('-').map(Number) as [number, number, number];
    const start = zonedToUtc(zone, { year, month, day, hour: 0, minute: 0, second: 0 });
    return [{ uid, title, start, allDay: true, date: zonedDate(zone, start) }];
  }
  return [];
}
