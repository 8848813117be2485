/**
 * One meter's cumulative counters (electricity: import t1, t2, export t1, t2 in Wh; gas or
 * water: litres) and the rules that keep a bad reading out of the ledger:
 * - a counter that goes down means a new meter (or a reset): a new segment starts there and
 *   nothing is added for the unknown interval (the seed added 10^digits);
 * - an increase larger than the connection can deliver in the elapsed time is a corrupted frame
 *   that slipped past the CRC: refused.
 * Both are first held as suspects: a single bad frame is refused and the next good reading
 * counts from the last good one. When CONFIRMATIONS readings in a row agree with each other
 * (each plausible from the one before), the meter really changed: a new segment starts at the
 * first of them and the rest count normally, so a meter swap recovers on its own.
 */
export interface CounterReading {
  /** meter time, epoch ms */
  time: number;
  values: number[];
}

export interface ChannelLimits {
  /** groups of value indexes whose sum is limited (import registers, export registers) */
  groups: number[][];
  /** largest plausible increase of one group per hour (Wh/h = W, or litres/h) */
  maxPerHour: number;
  /** counter resolution and timestamp rounding (in value units) */
  slack: number;
}

export type ChannelEvent =
  | { kind: 'first'; reading: CounterReading }
  | { kind: 'delta'; from: CounterReading; to: CounterReading }
  | { kind: 'segment'; reason: 'decrease' | 'jump-confirmed'; before: CounterReading; reading: CounterReading }
  | { kind: 'refused'; reason: string; last: CounterReading; reading: CounterReading };

export interface ChannelState {
  last: CounterReading | null;
  suspects: CounterReading[];
}

export const CONFIRMATIONS = 3;

export class CounterChannel {
  private last: CounterReading | null;
  private suspects: CounterReading[];

  constructor(readonly name: string, private readonly limits: ChannelLimits, state?: ChannelState) {
    this.last = state?.last ?? null;
    this.suspects = state?.suspects ?? [];
  }

  get lastReading(): CounterReading | null {
    return this.last;
  }

  state(): ChannelState {
    return { last: this.last, suspects: [...this.suspects] };
  }

  /**
   * Feed one reading; returns what it meant (nothing for a repeat of an already-seen time).
   * `unseenMs`: time that passed since the last reading although the meter times do not show it
   * (its clock went back and the readings in between were skipped); the counters may have risen
   * that much more.
   */
  add(reading: CounterReading, unseenMs = 0): ChannelEvent[] {
    const last = this.last;
    if (!last) {
      this.last = reading;
      return [{ kind: 'first', reading }];
    }
    if (reading.time <= last.time) return [];
    const problem = this.decrease(last, reading) ?? this.implausible(last, reading, unseenMs);
    if (!problem) {
      this.suspects = [];
      this.last = reading;
      return [{ kind: 'delta', from: last, to: reading }];
    }
    return this.suspect(last, reading, problem);
  }

  private suspect(last: CounterReading, reading: CounterReading, problem: string): ChannelEvent[] {
    const previous = this.suspects[this.suspects.length - 1];
    const chained = previous && reading.time > previous.time && !this.decrease(previous, reading) && !this.implausible(previous, reading);
    this.suspects = chained ? [...this.suspects, reading] : [reading];
    const events: ChannelEvent[] = [{ kind: 'refused', reason: problem, last, reading }];
    if (this.suspects.length >= CONFIRMATIONS) {
      const [first, ...rest] = this.suspects;
      const reason = this.decrease(last, first!) ? 'decrease' : 'jump-confirmed';
      events.push({ kind: 'segment', reason, before: last, reading: first! });
      let from = first!;
      for (const next of rest) {
        events.push({ kind: 'delta', from, to: next });
        from = next;
      }
      this.last = from;
      this.suspects = [];
    }
    return events;
  }

  private decrease(from: CounterReading, to: CounterReading): string | null {
    const i = to.values.findIndex((v, k) => v < from.values[k]!);
    return i < 0 ? null : `${this.name} counter ${i + 1} went down from ${from.values[i]} to ${to.values[i]}`;
  }

  /** Why an increase is impossible, or null when it is plausible. */
  private implausible(from: CounterReading, to: CounterReading, unseenMs = 0): string | null {
    const hours = (to.time - from.time + 1000 + unseenMs) / 3_600_000;
    const allowed = this.limits.maxPerHour * hours + this.limits.slack;
    for (const group of this.limits.groups) {
      let increase = 0;
      for (const i of group) increase += to.values[i]! - from.values[i]!;
      if (increase > allowed) {
        return `${this.name} counters rose by ${increase} in ${Math.round((to.time - from.time) / 1000)} s, more than the ${allowed.toFixed(0)} the connection can deliver`;
      }
    }
    return null;
  }
}
