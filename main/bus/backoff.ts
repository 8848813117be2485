/**
 * Reconnect delays: exponential from `initialMs` up to `maxMs`, each shortened by a random part
 * (jitter) so that satellites cut off by the same outage do not all return in the same
 * millisecond. Pure: `random` is passed in.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** 0: none; 0.5: each delay falls in [base/2, base] */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 15_000, factor: 2, jitter: 0.5 };

/**
 * A satellite's link to the meter (the bus client): its devices sit in their safe state until the
 * link is back, so it retries at least every 3 s and finds a restarted meter within 3 s of it
 * listening again (with DEFAULT_BACKOFF's 15 s cap, up to 15 s later). One connection attempt every
 * 1.5-3 s against a meter that is down costs nothing on a LAN. (DEFAULT_BACKOFF stays for services
 * on the internet, e.g. a car's state of charge, where 15 s between failures is the polite pace.)
 */
export const LINK_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 3_000, factor: 2, jitter: 0.5 };

export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(options.maxMs, options.initialMs * options.factor ** Math.max(0, attempt));
  return Math.round(base * (1 - options.jitter * random()));
}
