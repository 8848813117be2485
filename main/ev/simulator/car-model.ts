import { chargePowerKw, type GridType } from '../grid.js';

/**
 * A car on a simulated charger (nrgkick-api.md "Simulator requirements"): it draws what the
 * charger allows when not paused, ramping over a few seconds, and tapers near full. Pure:
 * time moves only through advanceTo(ms), so tests run it on a simulated clock.
 */
export interface SimulatedCarOptions {
  batteryKwh: number;
  /** phases the car's on-board charger can use */
  maxPhases: 1 | 3;
  /** the most current the car takes per phase, A */
  maxCurrentA: number;
  socPercent: number;
  efficiency?: number;
}

export interface ChargerSettings {
  currentSetA: number;
  paused: boolean;
  /** 1 or 3, as the charger is told */
  phaseCount: 1 | 3;
  energyLimitWh: number;
}

/** amps per second a car's current rises toward its target: 0 -> 16 A in about 3 s */
const RAMP_UP_A_PER_S = 5;
/**
 * amps per second it falls: a lower signalled current is followed within a second (16 A -> 0 in
 * 0.8 s), so a cut commanded on one telegram shows in the next; a car slower than that is the
 * charger-side fault the fuse check in the scenario tests would catch
 */
const RAMP_DOWN_A_PER_S = 20;
/** above this state of charge the car takes less and less, to 0 at 100% */
export const TAPER_FROM_PERCENT = 90;

export class CarModel {
  plugged = false;
  car: SimulatedCarOptions | null = null;
  /** current per phase the car draws now, A */
  actualA = 0;
  sessionWh = 0;
  totalWh = 0;
  errorCode: string | null = null;
  private atMs: number;

  constructor(readonly grid: GridType, readonly settings: ChargerSettings, nowMs: number) {
    this.atMs = nowMs;
  }

  plug(car: SimulatedCarOptions, nowMs: number): void {
    this.advanceTo(nowMs);
    this.car = { ...car };
    this.plugged = true;
    this.sessionWh = 0;
    this.actualA = 0;
  }

  unplug(nowMs: number): void {
    this.advanceTo(nowMs);
    this.plugged = false;
    this.actualA = 0;
  }

  /** the phases the charge uses: the fewer of the car's and the charger's; one on a 1 x 230 V grid */
  phasesInUse(): 1 | 3 {
    if (this.grid === '1x230' || !this.car) return 1;
    return this.car.maxPhases === 3 && this.settings.phaseCount === 3 ? 3 : 1;
  }

  /**
   * The session reached the charger's energy limit (0: none): the charger stops the car and
   * says ENERGY_LIMIT_REACHED, a warning, not an error; raising the limit (or 0) lets it charge again.
   */
  energyLimitReached(): boolean {
    return this.plugged && this.settings.energyLimitWh > 0 && this.sessionWh >= this.settings.energyLimitWh;
  }

  targetA(): number {
    const car = this.car;
    if (!this.plugged || !car || this.settings.paused || this.errorCode !== null) return 0;
    if (this.energyLimitReached()) return 0;
    if (this.settings.currentSetA < 6) return 0;
    let amps = Math.min(this.settings.currentSetA, car.maxCurrentA);
    if (car.socPercent >= 100) return 0;
    if (car.socPercent > TAPER_FROM_PERCENT) amps = Math.min(amps, car.maxCurrentA * (100 - car.socPercent) / (100 - TAPER_FROM_PERCENT));
    return amps;
  }

  powerKw(): number {
    return chargePowerKw(this.grid, this.phasesInUse(), this.actualA);
  }

  /** step in at most 100 ms pieces so the ramp and the energy integrate smoothly */
  advanceTo(nowMs: number): void {
    while (this.atMs < nowMs) {
      const stepMs = Math.min(100, nowMs - this.atMs);
      const target = this.targetA();
      const up = RAMP_UP_A_PER_S * stepMs / 1000;
      const down = RAMP_DOWN_A_PER_S * stepMs / 1000;
      this.actualA += Math.max(-down, Math.min(up, target - this.actualA));
      // a car holds no current below what the charger signals as the minimum
      if (target === 0 && this.actualA < 0.5) this.actualA = 0;
      const wh = this.powerKw() * 1000 * stepMs / 3_600_000;
      this.sessionWh += wh;
      this.totalWh += wh;
      if (this.car) {
        const stored = wh * (this.car.efficiency ?? 0.9) / 1000;
        this.car.socPercent = Math.min(100, this.car.socPercent + stored / this.car.batteryKwh * 100);
      }
      this.atMs += stepMs;
    }
  }

  /** STANDBY 1, CONNECTED 2, CHARGING 3, ERROR 6 (nrgkick-api.md) */
  status(): { word: string; code: number } {
    if (this.errorCode !== null) return { word: 'ERROR', code: 6 };
    if (!this.plugged) return { word: 'STANDBY', code: 1 };
    return this.actualA > 0.5 ? { word: 'CHARGING', code: 3 } : { word: 'CONNECTED', code: 2 };
  }
}
