/**
 * "On change, at most every N seconds", per key: a changed value goes out at once when the key
 * has been quiet for the interval, otherwise it waits and the latest value goes out when the
 * interval is over (intermediate values are skipped: Home Assistant needs the current value,
 * not every second's). Pure: times are passed in, the bridge owns the timer.
 */
export class ChangeThrottle<V> {
  private readonly keys = new Map<string, { sent: V | undefined; sentAt: number; pending: V | undefined; hasPending: boolean }>();

  constructor(private readonly intervalMs: number) {}

  /** true: publish `value` now; false: unchanged, or held until `due` returns it. */
  offer(key: string, value: V, now: number): boolean {
    const entry = this.keys.get(key);
    if (!entry) {
      this.keys.set(key, { sent: value, sentAt: now, pending: undefined, hasPending: false });
      return true;
    }
    if (!entry.hasPending && entry.sent === value) return false;
    if (now - entry.sentAt >= this.intervalMs) {
      entry.sent = value;
      entry.sentAt = now;
      entry.pending = undefined;
      entry.hasPending = false;
      return true;
    }
    if (entry.sent === value) {
      // changed and changed back within the interval: nothing to send
      entry.pending = undefined;
      entry.hasPending = false;
    } else {
      entry.pending = value;
      entry.hasPending = true;
    }
    return false;
  }

  /** Held values whose interval is over, now marked as sent. */
  due(now: number): Array<[string, V]> {
    const out: Array<[string, V]> = [];
    for (const [key, entry] of this.keys) {
      if (entry.hasPending && now - entry.sentAt >= this.intervalMs) {
        out.push([key, entry.pending as V]);
        entry.sent = entry.pending;
        entry.sentAt = now;
        entry.pending = undefined;
        entry.hasPending = false;
      }
    }
    return out;
  }

  /** Milliseconds until the next held value is due, or null when nothing is held. */
  nextDueIn(now: number): number | null {
    let next: number | null = null;
    for (const entry of this.keys.values()) {
      if (!entry.hasPending) continue;
      const wait = Math.max(0, entry.sentAt + this.intervalMs - now);
      if (next === null || wait < next) next = wait;
    }
    return next;
  }

  /** Forget what was sent (after a reconnect everything is published again). */
  reset(): void {
    this.keys.clear();
  }
}
