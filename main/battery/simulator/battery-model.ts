/**
 * The physics of the simulated battery (pure; the caller passes the monotonic time): energy in
 * kWh, charge and discharge limits, a round-trip efficiency (half of its loss on the way in, half
 * on the way out), the inverter's own mode, and the control window a controller sets through
 * SunSpec model 124 with its revert timeout. Signs: + charging, - discharging.
 */
export interface BatteryModelOptions {
  capacityKwh: number;
  socPct: number;
  maxChargeKw: number;
  maxDischargeKw: number;
  /** 0.9 = 90 % of what went in comes back out */
  roundTrip: number;
  /** the device's own floor, % */
  minSocPct: number;
  /** what the inverter does in its own mode, kW (a test or the demo sets it; 0 = standby) */
  ownModeKw?: number;
}

export interface ControlWindow {
  /** kW, signed; the power is kept within [lowKw, highKw] */
  lowKw: number;
  highKw: number;
  /** seconds after the last control write at which the device returns to its own mode; 0 = never */
  revertS: number;
}

export class BatteryModel {
  readonly capacityKwh: number;
  readonly maxChargeKw: number;
  readonly maxDischargeKw: number;
  readonly minSocPct: number;
  private readonly legEfficiency: number;
  private energyKwh: number;
  private window: ControlWindow | null = null;
  private lastControlAt = 0;
  private lastStepAt: number | null = null;
  ownModeKw: number;
  /** energy that entered and left the cells, kWh (for the round-trip check) */
  chargedKwh = 0;
  dischargedKwh = 0;
  /** how many times the revert timeout handed control back */
  reverts = 0;

  constructor(o: BatteryModelOptions) {
    this.capacityKwh = o.capacityKwh;
    this.maxChargeKw = o.maxChargeKw;
    this.maxDischargeKw = o.maxDischargeKw;
    this.minSocPct = o.minSocPct;
    this.legEfficiency = Math.sqrt(o.roundTrip);
    this.energyKwh = (o.capacityKwh * o.socPct) / 100;
    this.ownModeKw = o.ownModeKw ?? 0;
  }

  get socPct(): number {
    return (100 * this.energyKwh) / this.capacityKwh;
  }

  get forced(): boolean {
    return this.window !== null;
  }

  get control(): ControlWindow | null {
    return this.window;
  }

  /** A controller wrote the window (or null: its own mode) at `now`. */
  setControl(window: ControlWindow | null, now: number): void {
    this.step(now);
    this.window = window;
    this.lastControlAt = now;
  }

  /** The power the battery runs at now: its own mode's wish, kept in the window, the limits and the SoC. */
  powerKw(now: number): number {
    this.step(now);
    return this.powerAt();
  }

  /** Advance the energy to `now`, and hand control back if the revert timeout ran out. */
  step(now: number): void {
    if (this.lastStepAt === null) {
      this.lastStepAt = now;
      return;
    }
    const revertAt = this.window && this.window.revertS > 0 ? this.lastControlAt + this.window.revertS * 1000 : Infinity;
    if (revertAt <= now && revertAt > this.lastStepAt) {
      this.integrate(revertAt);
      this.window = null;
      this.reverts++;
    }
    this.integrate(now);
  }

  private integrate(until: number): void {
    const hours = Math.max(0, until - (this.lastStepAt ?? until)) / 3_600_000;
    this.lastStepAt = Math.max(this.lastStepAt ?? until, until);
    if (hours === 0) return;
    const kw = this.powerAt();
    if (kw > 0) {
      const stored = Math.min(kw * hours * this.legEfficiency, this.capacityKwh - this.energyKwh);
      this.energyKwh += stored;
      this.chargedKwh += stored / this.legEfficiency;
    } else if (kw < 0) {
      const floor = (this.capacityKwh * this.minSocPct) / 100;
      const taken = Math.min((-kw * hours) / this.legEfficiency, Math.max(0, this.energyKwh - floor));
      this.energyKwh -= taken;
      this.dischargedKwh += taken * this.legEfficiency;
    }
  }

  private powerAt(): number {
    let kw = this.ownModeKw;
    if (this.window) kw = Math.min(this.window.highKw, Math.max(this.window.lowKw, kw));
    kw = Math.min(this.maxChargeKw, Math.max(-this.maxDischargeKw, kw));
    if (kw > 0 && this.energyKwh >= this.capacityKwh - 1e-9) return 0;
    if (kw < 0 && this.energyKwh <= (this.capacityKwh * this.minSocPct) / 100 + 1e-9) return 0;
    return kw;
  }
}
