/**
 * The most the house alone is likely to draw in each coming quarter (the planner's
 * `baseHighKwh`): the highest net base load stored at that clock time, or a quarter either side
 * of it, on any day of the recent weeks. The base load forecast is an average, and an average
 * evening is lower than every real one: the oven and the kettle run at a different quarter each
 * day. The planner keeps the battery able to hold the month peak against this high.
 */

/** quarters either side of a clock time that count as the same time (a dinner 15 minutes later) */
export const HIGH_NEIGHBOUR_QUARTERS = 1;

/** The highest net base load seen at each clock time (quarter of the day), from the past quarters. */
export class ClockHighs {
  private readonly high: number[];

  constructor(private readonly clocksPerDay = 96) {
    this.high = new Array<number>(clocksPerDay).fill(-Infinity);
  }

  add(clock: number, kwh: number): void {
    if (kwh > this.high[clock]!) this.high[clock] = kwh;
  }

  /**
   * Per coming quarter (by its clock time), the highest seen at that clock or its neighbours;
   * where nothing was seen, the forecast's own value (no guard beyond it).
   */
  forQuarters(clocks: readonly number[], forecast: readonly number[]): number[] {
    return clocks.map((clock, i) => {
      let most = -Infinity;
      for (let d = -HIGH_NEIGHBOUR_QUARTERS; d <= HIGH_NEIGHBOUR_QUARTERS; d++) {
        const v = this.high[(((clock + d) % this.clocksPerDay) + this.clocksPerDay) % this.clocksPerDay]!;
        if (v > most) most = v;
      }
      return Math.max(most, forecast[i]!);
    });
  }
}
