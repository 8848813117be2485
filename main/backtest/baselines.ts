/**
 * The two strategies ours is compared with (issue 21):
 * - plugAndCharge: every car charges at full power from plug-in; the battery runs plain
 *   self-consumption (no peak, no price);
 * - instantCap30s: like evcc today: every 30 s one charger (in turn) is set against an instant
 *   grid power cap equal to the month peak so far (at least 2.5 kW), which also charges from
 *   solar surplus; a weekday-repeating departure plan charges at full power from the latest
 *   start that still reaches its level; battery as above. A charger that may switch phases
 *   charges a three-phase car on one phase when the room is below its three-phase minimum, as
 *   evcc's automatic phase switching does, at most once per guard time.
 * Both keep the connection's fuse as an installer's load limit does: the chargers never take
 * the site's import above the connection's kW.
 */
import { decide, DEFAULT_STRATEGY, type StrategySettings } from '../battery/strategy.js';
import { brusselsParts } from '../../shared/time/brussels.js';
import { chargePowerKw, currentForPowerA } from '../ev/grid.js';
import { DEFAULT_PHASE_SWITCH_GUARD_MS } from '../ev/nrgkick/charger.js';
import type { SimCar } from './devices.js';
import { connectionKw } from './household.js';
import type { SiteView, Strategy } from './simulate.js';

const SELF_CONSUMPTION: StrategySettings = { ...DEFAULT_STRATEGY, peakShaving: false, nightChargeToPct: null, reservePct: 0 };
/** NRGkick's and the cars' minimum current */
const MIN_A = 6;

/** The battery in plain self-consumption: it covers import and stores export, every second. */
export function selfConsumption(view: SiteView): void {
  const b = view.devices.battery;
  if (!b) return;
  const powerKw = b.powerKw(view.now);
  const d = decide({
    mode: 'auto', gridKw: view.gridKw, allowedKw: null, tariff: view.telegram.tariff, time: view.now, plan: null,
    battery: { socPct: b.socPct, powerKw, capacityKwh: b.capacityKwh, maxChargeKw: b.maxChargeKw, maxDischargeKw: b.maxDischargeKw, reservePct: b.minSocPct, control: 'forced' },
  }, SELF_CONSUMPTION);
  const kw = d.kw ?? 0;
  const w = b.control;
  if (!w || Math.abs(w.lowKw - kw) > 1e-9) b.setControl({ lowKw: kw, highKw: kw, revertS: 0 }, view.now);
}

function setCurrent(car: SimCar, amps: number): void {
  const a = amps >= MIN_A ? Math.floor(Math.min(amps, car.config.chargerMaxCurrentA) * 10) / 10 : 0;
  car.settings.currentSetA = a;
  car.settings.paused = a < MIN_A;
}

/** the kW the cars may add: the fuse less what the site imports without them */
function fuseRoomKw(view: SiteView): number {
  let cars = 0;
  for (const car of view.devices.cars) cars += car.model.powerKw();
  return connectionKw(view.scenario.household) * 0.98 - (view.gridKw - cars);
}

function capToFuse(view: SiteView): void {
  const room = fuseRoomKw(view);
  let wanted = 0;
  const grid = view.devices.grid;
  for (const car of view.devices.cars) if (car.model.plugged && !car.settings.paused) wanted += car.maxKw * Math.min(1, car.settings.currentSetA / car.config.maxCurrentA);
  if (wanted <= room) return;
  // share the room in proportion, the smaller charger first keeps its minimum when it can
  const scale = Math.max(0, room) / wanted;
  for (const car of view.devices.cars) {
    if (!car.model.plugged || car.settings.paused) continue;
    setCurrent(car, car.settings.currentSetA * scale);
    void grid;
  }
}

export class PlugAndCharge implements Strategy {
  readonly name = 'plugAndCharge';

  control(view: SiteView): void {
    for (const car of view.devices.cars) setCurrent(car, car.model.plugged ? car.config.maxCurrentA : 0);
    capToFuse(view);
    selfConsumption(view);
  }
}

export class InstantCap30s implements Strategy {
  readonly name = 'instantCap30s';
  private turn = 0;
  /** per car: when it last switched phases */
  private readonly switchedAt = new Map<string, number>();

  control(view: SiteView): void {
    const cars = view.devices.cars;
    if (cars.length > 0 && Math.floor(view.now / 1000) % 30 === 0) {
      const car = cars[this.turn % cars.length]!;
      this.turn++;
      if (!car.model.plugged) setCurrent(car, 0);
      else if (this.planActive(car, view.now)) {
        this.setPhases(car, 3, view.now);
        setCurrent(car, car.config.maxCurrentA);
      } else {
        const capKw = Math.max(2.5, view.monthPeakKw);
        // what this car may draw: the cap less the site's import without this car
        const availableKw = capKw - (view.gridKw - car.model.powerKw());
        const phases = this.setPhases(car, this.phasesFor(car, availableKw, view.devices.grid), view.now);
        setCurrent(car, currentForPowerA(view.devices.grid, phases, availableKw));
      }
    }
    capToFuse(view);
    selfConsumption(view);
  }

  /**
   * One phase below the three-phase minimum; three from 15% above it (no flapping at the edge),
   * or as soon as one phase cannot carry what is available
   */
  private phasesFor(car: SimCar, availableKw: number, grid: SiteView['devices']['grid']): 1 | 3 {
    if (!car.switchesPhases) return car.conductors.length === 3 ? 3 : 1;
    const threeMinKw = chargePowerKw(grid, 3, MIN_A);
    if (car.settings.phaseCount === 3) return availableKw < threeMinKw ? 1 : 3;
    const oneMaxKw = chargePowerKw(grid, 1, Math.min(car.config.maxCurrentA, car.config.chargerMaxCurrentA));
    return availableKw >= threeMinKw && (availableKw >= threeMinKw * 1.15 || availableKw > oneMaxKw + 0.05) ? 3 : 1;
  }

  /** switches when the charger may (its guard time since the last switch); returns the phases in use */
  private setPhases(car: SimCar, phases: 1 | 3, now: number): 1 | 3 {
    if (!car.switchesPhases) return car.conductors.length === 3 ? 3 : 1;
    if (car.settings.phaseCount === phases) return phases;
    const last = this.switchedAt.get(car.config.id);
    if (last !== undefined && now - last < DEFAULT_PHASE_SWITCH_GUARD_MS) return car.settings.phaseCount;
    this.switchedAt.set(car.config.id, now);
    car.settings.phaseCount = phases;
    return phases;
  }

  /** full power from the latest start that reaches the plan's level by its time (weekdays as set) */
  private planActive(car: SimCar, now: number): boolean {
    const plan = car.config.repeatingPlan;
    const socKwh = (car.model.car!.socPercent / 100) * car.config.batteryKwh;
    const wantKwh = (plan.socPercent / 100) * car.config.batteryKwh;
    if (socKwh >= wantKwh) return false;
    const deadline = nextPlanTime(plan.weekdays, plan.time, now);
    if (deadline === null) return false;
    const hours = (wantKwh - socKwh) / car.config.efficiency / car.maxKw;
    // a quarter of margin, as evcc plans start a little early
    return now >= deadline - hours * 3_600_000 - 900_000;
  }
}

/** the next time HH:MM on one of the weekdays, within 24 h of now */
function nextPlanTime(weekdays: readonly number[], hhmm: string, now: number): number | null {
  const p = brusselsParts(now);
  const target = Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const minute = p.hour * 60 + p.minute;
  const todayLeft = target - minute;
  if (todayLeft > 0 && weekdays.includes(p.isoWeekday)) return now + todayLeft * 60_000 - p.second * 1000;
  const tomorrow = (p.isoWeekday % 7) + 1;
  if (weekdays.includes(tomorrow)) return now + (todayLeft + 1440) * 60_000 - p.second * 1000;
  return null;
}
