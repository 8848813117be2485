/**
 * "A new peak in the making", with hysteresis so that a 10-second kettle early in the quarter
 * does not flip it (early on, F is close to P itself, so any short spike over T would).
 *
 * Rule (by meter time):
 * - raw condition: F > T (the quarter would end above the target if P held);
 * - the flag turns ON once the raw condition has held on every telegram for at least `dwellMs`
 *   (default 30 s), and turns OFF once it has been false on every telegram for `dwellMs`;
 * - it turns ON at once, without waiting, when the energy already used makes it certain
 *   (4 x E > T: the quarter ends above the target whatever happens next); it cannot turn off then,
 *   as F >= 4 x E > T for the rest of the quarter;
 * - the flag carries over a quarter boundary: a steady 3 kW load against a 2.5 kW target stays
 *   flagged instead of blinking off for 30 s at every :00/:15/:30/:45.
 * The budget numbers (A, G, shed now) are never delayed: only this indicator is.
 */
export const DEFAULT_PEAK_FLAG_DWELL_MS = 30_000;

export class NewPeakFlag {
  private on = false;
  /** meter time since which the raw condition has differed from `on`; null while it agrees */
  private changingSince: number | null = null;

  constructor(private readonly dwellMs = DEFAULT_PEAK_FLAG_DWELL_MS) {}

  /** Feed one telegram's figures; returns the flag. */
  update(time: number, forecastKw: number, averageSoFarKw: number, targetKw: number): boolean {
    if (averageSoFarKw > targetKw) {
      this.on = true;
      this.changingSince = null;
      return true;
    }
    const raw = forecastKw > targetKw;
    if (raw === this.on) {
      this.changingSince = null;
    } else if (this.changingSince === null) {
      this.changingSince = time;
    }
    if (this.changingSince !== null && time - this.changingSince >= this.dwellMs) {
      this.on = raw;
      this.changingSince = null;
    }
    return this.on;
  }

  get value(): boolean {
    return this.on;
  }
}
