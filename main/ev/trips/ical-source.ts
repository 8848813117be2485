import { Agent, interceptors, request } from 'undici';
import { parseIcal } from './ical-parse.js';
import { CalendarError, type CalendarEvent, type CalendarSource, type TimeWindow } from './types.js';

/** Published calendars (Outlook's, iCloud's) answer through a redirect or two. */
const followRedirects = new Agent().compose(interceptors.redirect({ maxRedirections: 3 }));

export interface IcalSourceOptions {
  name: string;
  /** the calendar's private address (https:, http: or webcal:); it holds a secret, so messages show only its host */
  url: string;
  /** the whole fetch, headers and body, must finish within this */
  timeoutMs: number;
  /** a larger answer is refused while it streams in, never held in memory whole */
  maxBytes: number;
  /** floating times and all-day dates */
  zone: string;
}

/**
 * A calendar's private iCal address (Google's "secret address in iCal format", Outlook's
 * published .ics, Nextcloud, iCloud): fetched with undici under one overall timeout and a size
 * limit, then parsed and expanded for the window.
 */
export class IcalSource implements CalendarSource {
  readonly kind = 'ical' as const;
  readonly name: string;
  private readonly url: URL;
  private readonly shown: string;

  constructor(private readonly options: IcalSourceOptions) {
    this.name = options.name;
    let url: URL;
    try {
      url = new URL(options.url.replace(/^webcals?:/i, 'https:'));
    } catch {
      throw new CalendarError('not-configured', `calendar '${options.name}': the address is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new CalendarError('not-configured', `calendar '${options.name}': the address must start with https:, http: or webcal:, not ${url.protocol}`);
    }
    this.url = url;
    this.shown = `${url.protocol}//${url.host}/…`;
  }

  async events(window: TimeWindow, signal?: AbortSignal): Promise<CalendarEvent[]> {
    const text = await this.fetchText(signal);
    try {
      return parseIcal(text, window, { zone: this.options.zone });
    } catch (error) {
      throw new CalendarError('invalid', `${this.shown}: ${(error as Error).message}`);
    }
  }

  private async fetchText(signal?: AbortSignal): Promise<string> {
    const { timeoutMs, maxBytes } = this.options;
    // a timer cleared once done, so no abort reaches a request that is already over
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal;
    try {
      const response = await request(this.url, {
        method: 'GET', signal: combined, dispatcher: followRedirects,
        headers: { accept: 'text/calendar, */*;q=0.1', 'user-agent': 'digital-meter' },
      });
      // errors after we stopped reading (a body cut short on purpose) are no one's business
      response.body.on('error', () => {});
      if (response.statusCode >= 300) {
        response.body.destroy();
        const hint = response.statusCode === 401 || response.statusCode === 403 || response.statusCode === 404
          ? ' (was the private address reset? copy the new one into the secret)' : '';
        throw new CalendarError('http', `${this.shown} answered HTTP ${response.statusCode}${hint}`);
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        response.body.destroy();
        throw tooLarge(this.shown, maxBytes);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body) {
        size += (chunk as Buffer).length;
        if (size > maxBytes) {
          response.body.destroy();
          throw tooLarge(this.shown, maxBytes);
        }
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks).toString('utf8');
    } catch (error) {
      if (error instanceof CalendarError) throw error;
      if (timeout.signal.aborted) throw new CalendarError('timeout', `no complete answer from ${this.shown} within ${timeoutMs / 1000} s`);
      if (signal?.aborted) throw new CalendarError('unreachable', `reading ${this.shown} was cancelled`);
      const err = error as Error & { code?: string };
      throw new CalendarError('unreachable', `cannot reach ${this.shown}: ${err.code ?? err.message}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

function tooLarge(shown: string, maxBytes: number): CalendarError {
  return new CalendarError('too-large', `${shown} sent more than ${(maxBytes / 1_048_576).toFixed(0)} MB; not read (raise trips.maxCalendarMb if this calendar really is that large)`);
}
