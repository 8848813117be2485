/**
 * A token bucket: `capacity` messages at once, refilled at `perSecond`. Pure, with the clock
 * passed in, so tests drive it with literal times.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  take(now: number, count = 1): boolean {
    if (this.available(now) < count) return false;
    this.tokens -= count;
    return true;
  }

  /** Messages that may pass now (fractional: refilled continuously). */
  available(now: number): number {
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      this.last = now;
    }
    return this.tokens;
  }
}
