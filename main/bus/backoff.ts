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

export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(options.maxMs, options.initialMs * options.factor ** Math.max(0, attempt));
  return Math.round(base * (1 - options.jitter * random()));
}
