/**
 * The base load's energy per quarter: what the house imported and exported without the flexible
 * devices (site-control.md "Planning"), integrated telegram by telegram on the meter's clock.
 * The forecasts learn from it. A gap between telegrams longer than MAX_STEP_MS is not filled in
 * (the house did something we did not see); the quarter keeps what was seen.
 */
import { startOfQuarter } from '../../shared/time/brussels.js';

export const MAX_STEP_MS = 10_000;

export interface BaseQuarter {
  start: number;
  importKwh: number;
  exportKwh: number;
}

export class BaseEnergy {
  private current: BaseQuarter | null = null;
  private lastTime: number | null = null;
  private lastKw = 0;

  /** Add the base load seen at a telegram; returns the quarter that ended with it, if any. */
  add(time: number, baseKw: number): BaseQuarter | null {
    let closed: BaseQuarter | null = null;
    if (this.lastTime !== null && time > this.lastTime) {
      const step = Math.min(time - this.lastTime, MAX_STEP_MS);
      // the previous value holds until this telegram; split at the quarter boundary
      const boundary = startOfQuarter(time);
      const from = time - step;
      if (from < boundary && this.current && this.current.start < boundary) {
        this.book(boundary - from, this.lastKw);
        closed = this.current;
        this.current = { start: boundary, importKwh: 0, exportKwh: 0 };
        this.book(time - boundary, this.lastKw);
      } else {
        this.book(step, this.lastKw);
      }
    }
    if (!this.current || startOfQuarter(time) !== this.current.start) {
      if (this.current && !closed) closed = this.current;
      this.current = { start: startOfQuarter(time), importKwh: 0, exportKwh: 0 };
    }
    this.lastTime = time;
    this.lastKw = baseKw;
    return closed;
  }

  /** the running quarter so far */
  running(): BaseQuarter | null {
    return this.current ? { ...this.current } : null;
  }

  private book(ms: number, kw: number): void {
    if (!this.current || ms <= 0) return;
    const kwh = (kw * ms) / 3_600_000;
    if (kwh >= 0) this.current.importKwh += kwh;
    else this.current.exportKwh -= kwh;
  }
}
