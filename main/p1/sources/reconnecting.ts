import { ConditionLog, silentLogger, type Logger } from '../../log/logger.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { systemTimers, type TimerHandle, type Timers } from './timers.js';
import { SourceFailure, type P1Source, type SourceSink, type SourceState, type SourceStatus } from './types.js';

/** What a live link (serial port, TCP socket) tells the supervisor. */
export interface LinkHandlers {
  data(chunk: Uint8Array): void;
  /** the link went away by itself (not through Link.close) */
  lost(failure: SourceFailure): void;
}

export interface Link {
  /** Close without calling `lost`. */
  close(): Promise<void>;
}

/** The thin I/O half of a serial or TCP source: open one link, or fail with words for people. */
export interface LinkDriver {
  readonly kind: 'serial' | 'tcp';
  readonly description: string;
  /** Open a link; reject with a SourceFailure saying what went wrong and what to do. */
  open(handlers: LinkHandlers): Promise<Link>;
  /** e.g. 'Opened /dev/ttyUSB0 at 115200 8N1' */
  openedMessage(): string;
  /** the advice when an open link has delivered nothing for `seconds` */
  silentMessage(seconds: number): string;
}

export interface ReconnectingOptions {
  timers?: Timers;
  /** an open link that delivers nothing for this long is reported silent; default 10 s */
  silenceMs?: number;
  backoff?: BackoffOptions;
  log?: Logger;
}

/**
 * The pure half of the serial and TCP sources: open, and when that fails or the link drops,
 * retry with capped backoff; watch for silence; turn all of it into status changes. Each
 * condition is reported (and logged) once when it begins, not on every retry.
 */
export class ReconnectingSource implements P1Source {
  readonly kind: 'serial' | 'tcp';
  readonly description: string;
  private readonly timers: Timers;
  private readonly silenceMs: number;
  private readonly backoff: Backoff;
  private readonly conditions: ConditionLog;
  private readonly maxRetryMs: number;
  private sink: SourceSink | null = null;
  private current: SourceStatus;
  private link: Link | null = null;
  /** bumped on every attempt and on stop, so callbacks from an old link are ignored */
  private generation = 0;
  private retryTimer: TimerHandle | null = null;
  private silenceTimer: TimerHandle | null = null;
  private lastDataAt = 0;
  private dataSinceOpen = false;
  /** since when the link has been down, and why (each reason once, in order), for the recovery message */
  private outage: { since: number; reasons: string[] } | null = null;
  private stopped = false;

  constructor(private readonly driver: LinkDriver, options: ReconnectingOptions = {}) {
    this.kind = driver.kind;
    this.description = driver.description;
    this.timers = options.timers ?? systemTimers;
    this.silenceMs = options.silenceMs ?? 10_000;
    this.backoff = new Backoff(options.backoff);
    this.maxRetryMs = options.backoff?.maxMs ?? 30_000;
    this.conditions = new ConditionLog(options.log ?? silentLogger());
    this.current = { state: 'stopped', reason: 'not-started', message: `${driver.description}: not started`, since: this.timers.now() };
  }

  status(): SourceStatus {
    return this.current;
  }

  start(sink: SourceSink): void {
    if (this.sink) throw new Error(`P1 source ${this.description} was already started`);
    this.sink = sink;
    this.setStatus('connecting', 'opening', `Opening ${this.description}`);
    void this.attempt();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.generation++;
    this.clearTimers();
    const link = this.link;
    this.link = null;
    if (link) await link.close().catch(() => undefined);
    this.setStatus('stopped', 'stopped', `Stopped reading ${this.description}`);
  }

  private async attempt(): Promise<void> {
    const generation = ++this.generation;
    const handlers: LinkHandlers = {
      data: (chunk) => { if (generation === this.generation) this.onData(chunk); },
      lost: (failure) => { if (generation === this.generation) this.onLost(failure); },
    };
    let link: Link;
    try {
      link = await this.driver.open(handlers);
    } catch (error) {
      if (generation !== this.generation) return;
      const failure = toFailure(error);
      this.noteOutage(failure.reason);
      this.setStatus('error', failure.reason, `${failure.message} ${this.retryNote()}`);
      this.scheduleRetry();
      return;
    }
    if (generation !== this.generation) {
      // stopped while opening: do not leave the port open behind us
      await link.close().catch(() => undefined);
      return;
    }
    this.link = link;
    const now = this.timers.now();
    this.lastDataAt = now;
    this.dataSinceOpen = false;
    const outage = this.outage;
    this.outage = null;
    const message = outage
      ? `${this.driver.openedMessage()}, after ${formatSeconds(now - outage.since)} down (${outage.reasons.join(', then ')})`
      : this.driver.openedMessage();
    this.setStatus('open', outage ? 'reopened' : 'opened', message);
    this.armSilenceTimer(this.silenceMs);
  }

  private onData(chunk: Uint8Array): void {
    this.lastDataAt = this.timers.now();
    if (!this.dataSinceOpen) {
      this.dataSinceOpen = true;
      // only a link that delivers counts as healthy: reset the backoff now, not at open
      this.backoff.reset();
    }
    if (this.current.state === 'silent') {
      const silentFor = this.lastDataAt - this.current.since + this.silenceMs;
      this.setStatus('open', 'data-again', `Data again from ${this.description} after ${formatSeconds(silentFor)} of silence`);
      this.armSilenceTimer(this.silenceMs);
    }
    this.sink?.data(chunk);
  }

  private onLost(failure: SourceFailure): void {
    this.link = null;
    this.clearTimers();
    this.noteOutage(failure.reason);
    this.setStatus('disconnected', failure.reason, `${failure.message} ${this.retryNote()}`);
    this.scheduleRetry();
  }

  private noteOutage(reason: string): void {
    this.outage ??= { since: this.timers.now(), reasons: [] };
    if (!this.outage.reasons.includes(reason)) this.outage.reasons.push(reason);
  }

  /**
   * One timer per silence period, not one per chunk: when it fires early relative to the last
   * data it is simply re-armed for the remainder.
   */
  private armSilenceTimer(ms: number): void {
    if (this.silenceTimer !== null) this.timers.clearTimeout(this.silenceTimer);
    this.silenceTimer = this.timers.setTimeout(() => {
      this.silenceTimer = null;
      if (!this.link || this.current.state !== 'open') return;
      const quietFor = this.timers.now() - this.lastDataAt;
      if (quietFor < this.silenceMs) {
        this.armSilenceTimer(this.silenceMs - quietFor);
        return;
      }
      this.setStatus('silent', 'silent', this.driver.silentMessage(Math.round(this.silenceMs / 1000)));
    }, ms);
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    const delay = this.backoff.next();
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      void this.attempt();
    }, delay);
  }

  private clearTimers(): void {
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer);
    if (this.silenceTimer !== null) this.timers.clearTimeout(this.silenceTimer);
    this.retryTimer = null;
    this.silenceTimer = null;
  }

  private retryNote(): string {
    return `Retrying by itself (1 s, 2 s, 4 s ... then every ${Math.round(this.maxRetryMs / 1000)} s).`;
  }

  private setStatus(state: SourceState, reason: string, message: string): void {
    if (this.current.state === state && this.current.reason === reason) return;
    this.current = { state, reason, message, since: this.timers.now() };
    const level = state === 'error' ? 'error' : state === 'silent' || state === 'disconnected' ? 'warn' : 'info';
    this.conditions.report(`p1 ${this.description}`, `${state}:${reason}`, level, message, { source: this.kind });
    this.sink?.status(this.current);
  }
}

function toFailure(error: unknown): SourceFailure {
  if (error instanceof SourceFailure) return error;
  return new SourceFailure('failed', error instanceof Error ? error.message : String(error));
}

export function formatSeconds(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}
