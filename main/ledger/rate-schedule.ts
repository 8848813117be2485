import type { Rates } from '../tariff/rates-schema.js';

export interface RateEntry {
  /** epoch ms from which these rates are in force */
  from: number;
  rates: Rates;
}

/**
 * The rates in force over time. A change is appended with the instant it took effect, so
 * energy used before it keeps its old price: a rate change never rewrites the past.
 */
export class RateSchedule {
  private readonly entries: RateEntry[];

  constructor(initial: Rates | RateEntry[]) {
    this.entries = Array.isArray(initial) ? [...initial].sort((a, b) => a.from - b.from) : [{ from: -Infinity, rates: initial }];
    if (this.entries.length === 0) throw new Error('a rate schedule needs at least one entry');
  }

  /** Put new rates in force from `from` on; later entries (a correction of the future) are dropped. */
  change(from: number, rates: Rates): void {
    while (this.entries.length > 1 && this.entries[this.entries.length - 1]!.from >= from) this.entries.pop();
    if (this.entries.length === 1 && this.entries[0]!.from >= from) this.entries[0] = { from, rates };
    else this.entries.push({ from, rates });
  }

  at(time: number): Rates {
    let chosen = this.entries[0]!;
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const entry = this.entries[i]!;
      if (entry.from <= time) { chosen = entry; break; }
    }
    return chosen.rates;
  }

  /** The first change strictly after `time`, or null. */
  nextChange(time: number): number | null {
    for (const entry of this.entries) if (entry.from > time) return entry.from;
    return null;
  }

  list(): readonly RateEntry[] {
    return this.entries;
  }
}
