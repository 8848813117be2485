import { brusselsParts, startOfQuarter } from '../../../shared/time/brussels.js';
import { ConditionLog, silentLogger, type Logger } from '../../log/logger.js';
import type { CachedQuarter, PriceCache } from './price-cache.js';
import { cacheCovers, fetchIntoCache, SOURCE_LABEL, type FetchOutcome } from './fetch-into-cache.js';
import { brusselsDay, nextAttemptAt, publicationTime } from './schedule.js';
import type { PriceSource, PriceStatus, TimeRange } from './types.js';

export interface Clock {
  now(): number;
}

/** setTimeout/clearTimeout, injectable so tests drive the schedule by hand. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = { now: () => Date.now() };
export const systemTimers: Timers = {
  // unref: a pending fetch (up to a day away) must not keep a finished process alive
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface PriceServiceOptions {
  /** in order of preference: ENTSO-E (when a token is set), then Energy-Charts */
  sources: PriceSource[];
  cache: PriceCache;
  clock?: Clock;
  timers?: Timers;
  log?: Logger;
  /** called whenever the status object changes (the dashboard shows it) */
  onStatus?: (status: PriceStatus) => void;
}


/** "2025-10-06 00:00" in Brussels time: the status is read by people in Belgium. */
export function brusselsLabel(ms: number): string {
  const p = brusselsParts(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}`;
}

/**
 * Keeps today's and (from ~13:00) tomorrow's day-ahead prices in the cache: fetches at start,
 * then after each daily publication, retrying with backoff while a day is missing. Sources are
 * tried in order until the days are complete, so Energy-Charts fills in when ENTSO-E fails.
 * The cache carries on through outages; when no price is known the status says register
 * rates apply.
 */
export class PriceService {
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly conditions: ConditionLog;
  private readonly startedAt: number;
  private lastAttempt: FetchOutcome | null = null;
  private failedAttempts = 0;
  private timer: unknown = null;
  private running: Promise<void> | null = null;
  private readonly abort = new AbortController();
  private stopped = false;
  private lastStatusKey = '';

  constructor(private readonly options: PriceServiceOptions) {
    this.clock = options.clock ?? systemClock;
    this.timers = options.timers ?? systemTimers;
    this.conditions = new ConditionLog(options.log ?? silentLogger());
    this.startedAt = this.clock.now();
  }

  /** First fetch, then the schedule runs by itself until stop(). */
  async start(): Promise<void> {
    await this.refresh();
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Fetch what is missing now (one attempt over the sources), then schedule the next one. */
  refresh(): Promise<void> {
    this.running ??= this.attempt().finally(() => {
      this.running = null;
      this.schedule();
      this.publish();
    });
    return this.running;
  }

  /** The spot price of the quarter containing `t`, from the cache; null when unknown. */
  spotAt(t: number): CachedQuarter | null {
    return this.options.cache.at(startOfQuarter(t));
  }

  status(): PriceStatus {
    const now = this.clock.now();
    const { coversUntil, fetchedAt } = this.options.cache.summary();
    const inForce = this.spotAt(now);
    const attempt = this.lastAttempt;
    const trouble = attempt && attempt.failures.length ? attempt.failures.join('; ') : '';
    if (!inForce) {
      return {
        source: 'none', fetchedAt, coversUntil,
        message: `No day-ahead price for this quarter${trouble ? ` (${trouble})` : ''}: register rates apply.`,
      };
    }
    const until = coversUntil === null ? '' : ` up to ${brusselsLabel(coversUntil)}`;
    if (attempt && attempt.delivered.length === 0 && attempt.answeredEmpty.length === 0 && trouble) {
      return { source: 'cache', fetchedAt, coversUntil, message: `Price sources unavailable (${trouble}); using cached prices${until}.` };
    }
    const source = inForce.fetchedAt >= this.startedAt ? inForce.source : 'cache';
    const from = source === 'cache' ? 'cached prices' : `prices from ${SOURCE_LABEL[source]}`;
    const fallback = trouble && attempt?.delivered.length ? ` Last fetch from ${attempt.delivered.map((s) => SOURCE_LABEL[s]).join(', ')} after: ${trouble}.` : '';
    const waiting = this.awaitingTomorrow(now) ? " Tomorrow's prices are not published yet; retrying." : '';
    return { source, fetchedAt, coversUntil, message: `Day-ahead ${from}${until}.${fallback}${waiting}` };
  }

  /** After the publication time, tomorrow's prices are expected; true while they are missing. */
  private awaitingTomorrow(now: number): boolean {
    const { wanted, tomorrow } = this.days(now);
    return wanted.length === 2 && !this.complete(tomorrow);
  }

  private days(now: number): { wanted: TimeRange[]; today: TimeRange; tomorrow: TimeRange } {
    const today = brusselsDay(now);
    const tomorrow = brusselsDay(today.end);
    return { today, tomorrow, wanted: now >= publicationTime(now) ? [today, tomorrow] : [today] };
  }

  private complete(day: TimeRange): boolean {
    return cacheCovers(this.options.cache, day);
  }

  private async attempt(): Promise<void> {
    const now = this.clock.now();
    const needed = this.days(now).wanted.filter((day) => !this.complete(day));
    if (needed.length === 0) {
      // everything needed is cached: an old failure is no longer news
      this.lastAttempt = null;
      this.failedAttempts = 0;
      return;
    }
    const range = { start: needed[0]!.start, end: needed[needed.length - 1]!.end };
    const outcome = await fetchIntoCache(this.options.sources, this.options.cache, range, needed, () => this.clock.now(), this.abort.signal);
    if (this.stopped) return;
    this.lastAttempt = outcome;
    this.failedAttempts = needed.every((day) => this.complete(day)) ? 0 : this.failedAttempts + 1;
  }

  private schedule(): void {
    if (this.stopped) return;
    const now = this.clock.now();
    const { today, tomorrow } = this.days(now);
    let at = nextAttemptAt(now, { today: this.complete(today), tomorrow: this.complete(tomorrow) }, this.failedAttempts);
    // also wake when the cache runs out, so the state says "register rates apply" on time
    const { coversUntil } = this.options.cache.summary();
    if (coversUntil !== null && coversUntil > now) at = Math.min(at, coversUntil);
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      void this.refresh();
    }, Math.max(0, at - now));
  }

  /** Tell the dashboard and the log when the status changes, not on every attempt. */
  private publish(): void {
    const status = this.status();
    const key = `${status.source}|${status.message}`;
    if (key === this.lastStatusKey) return;
    this.lastStatusKey = key;
    const level = status.source === 'none' ? 'warn' : status.source === 'cache' ? 'warn' : 'info';
    this.conditions.report('prices', `${status.source}:${status.message}`, level, status.message, { source: status.source });
    this.options.onStatus?.(status);
  }
}
