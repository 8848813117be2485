/**
 * The expected base load for the rest of the quarter, B^ (site-control.md "Derived
 * quantities"): the lower of the base load now and the median of the last 30 s. A median
 * ignores anything shorter than half its window (a 10-s kettle leaves it where it was) and
 * follows a lasting change after 15 s (an oven): what the house really used is already in E, so
 * this lag only moves energy within the quarter. A drop (the oven off) counts at once.
 */
export const BASE_WINDOW_MS = 30_000;

export class BaseLoadEstimator {
  /** [monotonic ms, B kW], oldest first */
  private readonly samples: Array<[number, number]> = [];

  constructor(private readonly windowMs = BASE_WINDOW_MS) {}

  add(monoMs: number, baseKw: number): void {
    this.samples.push([monoMs, baseKw]);
    while (this.samples.length > 0 && this.samples[0]![0] <= monoMs - this.windowMs) this.samples.shift();
  }

  /** median of the window (the last sample alone when just started) */
  median(): number | null {
    if (this.samples.length === 0) return null;
    const sorted = this.samples.map((s) => s[1]).sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  }

  /** B^: min(B now, median of the window) */
  expected(baseNowKw: number): number {
    const median = this.median();
    return median === null ? baseNowKw : Math.min(baseNowKw, median);
  }

  /** the recent average, for judging a deadline (the base load assumed to hold until then) */
  average(): number | null {
    if (this.samples.length === 0) return null;
    return this.samples.reduce((sum, s) => sum + s[1], 0) / this.samples.length;
  }

  clear(): void {
    this.samples.length = 0;
  }
}
