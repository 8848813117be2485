import type { Timers } from '../../main/p1/sources/timers.js';

/** A fake clock for sources: time moves only when the test says so. */
export class ManualTimers implements Timers {
  private time: number;
  private nextId = 1;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();

  constructor(start = Date.UTC(2024, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): number {
    const id = this.nextId++;
    this.pending.set(id, { at: this.time + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Move the clock forward, firing each due timer at its own time, in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let dueId: number | null = null;
      let dueAt = Infinity;
      for (const [id, timer] of this.pending) {
        if (timer.at <= end && timer.at < dueAt) { dueId = id; dueAt = timer.at; }
      }
      if (dueId === null) break;
      const timer = this.pending.get(dueId)!;
      this.pending.delete(dueId);
      this.time = timer.at;
      timer.fn();
    }
    this.time = end;
  }

  /** timers still waiting */
  get count(): number {
    return this.pending.size;
  }
}
