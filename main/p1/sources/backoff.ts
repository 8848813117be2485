/**
 * Retry delays after a failed or lost link: 1 s, 2 s, 4 s ... capped (30 s by default), so a
 * pulled cable is found again within seconds and a long outage costs one attempt per 30 s.
 * Reset once a link has delivered data (not merely opened: a port that opens and drops at once
 * must not be hammered every second).
 */
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
}

export class Backoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private failures = 0;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 1000;
    this.maxMs = options.maxMs ?? 30_000;
  }

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    const delay = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.failures, 30));
    this.failures++;
    return delay;
  }

  reset(): void {
    this.failures = 0;
  }

  get attempts(): number {
    return this.failures;
  }
}
