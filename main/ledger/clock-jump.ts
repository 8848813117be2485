/**
 * The meter's clock as the books follow it. A corrupted frame that slips past the CRC can carry
 * a time far ahead (a year digit 2 -> 6, a month 11 -> 12); taken as given it would make every
 * real telegram after it look old, and the books would stop until the clock caught up. So a
 * time more than MAX_CLOCK_STEP_MS ahead of the last accepted one is held as a suspect, like a
 * counter jump (counter-channel.ts): it is released, with the readings that confirm it, when
 * CLOCK_CONFIRMATIONS readings in a row agree with it (each at or after the one before). A reading near the accepted time (or at or before it) shows the jump
 * was a corruption: the held ones are dropped and the stream continues.
 *
 * Why 15 minutes: a meter sends every 1 s (e-MUCS) or 10 s (DSMR 4) and an M-Bus gas or water
 * stamp moves by 5 minutes (DSMR 5), so a step above 15 minutes is never the normal cadence; a
 * legitimate larger step (a gap in reception, an hourly DSMR 4 gas stamp, a clock corrected by
 * the grid operator) costs only the wait for the next telegram, which repeats or continues the
 * new time. (A tighter step would also catch minute-digit corruptions, but readings fed minutes
 * apart, as the pure ledger and tracker accept, would then wait too.) One confirmation: a
 * corrupted frame is followed by a real one at the old time, which is never at or after it.
 * The first reading of a run (after a restart from stored state) is taken as it comes: how long
 * the meter went unheard is unknown, so a jump from the stored time is expected there.
 * Pure: no clocks, only the meter times offered.
 */
export const MAX_CLOCK_STEP_MS = 15 * 60_000;
export const CLOCK_CONFIRMATIONS = 2;

export interface ClockDecision<T> {
  /** what to process now, oldest first (empty while a jump is held) */
  pass: T[];
  /** the offered item was held as a time jump */
  held: boolean;
  /** held items dropped because this reading contradicted the jump */
  dropped: number;
}

export class ClockJumpGuard<T> {
  private held: { time: number; item: T }[] = [];
  /** a reading passed in this run: before it, the time since the stored last one is unknown */
  private started = false;

  constructor(private readonly maxStepMs = MAX_CLOCK_STEP_MS, private readonly confirmations = CLOCK_CONFIRMATIONS) {}

  /** How many readings are held as a possible jump. */
  get holding(): number {
    return this.held.length;
  }

  /** `last` is the meter time of the last reading the consumer accepted (null: none yet). */
  offer(last: number | null, time: number, item: T): ClockDecision<T> {
    // the first reading after a (re)start is taken as it comes: how long the meter was unheard is unknown
    if (last === null || !this.started || time - last <= this.maxStepMs) {
      this.started = true;
      const dropped = this.held.length;
      this.held = [];
      return { pass: [item], held: false, dropped };
    }
    const previous = this.held[this.held.length - 1];
    const chained = previous !== undefined && time >= previous.time;
    const dropped = chained ? 0 : this.held.length;
    this.held = chained ? [...this.held, { time, item }] : [{ time, item }];
    if (this.held.length < this.confirmations) return { pass: [], held: true, dropped };
    const pass = this.held.map((h) => h.item);
    this.held = [];
    return { pass, held: false, dropped };
  }

  /** Forget what is held (a restart from stored state). */
  clear(): void {
    this.held = [];
  }
}
