/**
 * `ours`: the product as configured, in-process. Every second the broker ticks on the telegram
 * with the standing demands, its grants go to the EV controllers (smart mode, the plan's energy
 * for the quarter as their intent) and to the battery, which decides with its strategy (peak
 * shaving on the quarter budget, the plan's grid charge as its target) and follows the grant as
 * the battery controller does. The plan is made at every quarter (plan-adapter.ts).
 */
import { decide, DEFAULT_STRATEGY } from '../battery/strategy.js';
import { EvController } from '../ev/controller.js';
import { DEFAULT_PHASE_SWITCH_GUARD_MS } from '../ev/nrgkick/charger.js';
import type { ChargerHealth, ChargerReading } from '../ev/charger.js';
import { allowedKw } from '../peak/budget.js';
import { Broker } from '../site/broker.js';
import type { BookEntry } from '../site/demand-book.js';
import { carIntent } from '../site/planner/intents.js';
import { FULL_PERCENT } from '../../shared/ev/full.js';
import { batteryBoughtKwh } from '../../shared/plan/grid-share.js';
import { TAPER_FROM_PERCENT } from '../ev/simulator/car-model.js';
import type { LpSolver } from '../site/planner/solver.js';
import type { Plan } from '../site/planner/types.js';
import type { SiteDemand, SiteDemandInput, SiteGrant } from '../../shared/site/contract.js';
import { planNow } from './plan-adapter.js';
import type { SiteView, Strategy } from './simulate.js';
import type { SimCar } from './devices.js';
import type { Household } from './household.js';

const HEALTHY: ChargerHealth = { ok: true, problem: null, message: null, sinceMonoMs: 0 };
const BATTERY_ID = 'battery';

/** the demand book's defaults, filled in without a schema parse per second (the controllers' demands are typed) */
function normalise(d: SiteDemandInput): SiteDemand {
  return {
    device: d.device, kind: d.kind, conductors: d.conductors, measuredKw: d.measuredKw, band: d.band,
    minRunKw: d.minRunKw ?? 0, class: d.class, priority: d.priority, deadline: d.deadline ?? null,
    plannedKwh: d.plannedKwh ?? null, plannedSunKwh: d.plannedSunKwh ?? null, interruptible: d.interruptible ?? true,
  };
}

export class Ours implements Strategy {
  readonly name = 'ours';
  private readonly broker: Broker;
  private readonly controllers = new Map<string, EvController>();
  private readonly book = new Map<string, BookEntry>();
  private readonly grants = new Map<string, { grant: SiteGrant; receivedAtMonoMs: number }>();
  private plan: Plan | null = null;
  private planQuarter = -1;
  /** plans made and the time they took, ms */
  plans = 0;
  planMs = 0;

  constructor(private readonly solver: LpSolver, h: Household) {
    const cap = h.rates.Capacity!;
    this.broker = new Broker({ fuse: h.fuse, eurPerKwYear: () => cap.eurPerKwYear });
    for (const car of h.cars) {
      this.controllers.set(car.id, new EvController({
        device: car.id, grid: h.fuse.grid,
        car: { id: car.id, name: car.name, batteryKwh: car.batteryKwh, maxPhases: car.maxPhases, maxCurrentA: car.maxCurrentA, efficiency: car.efficiency, minSocPercent: car.minSocPercent, consumptionKwhPer100km: car.consumptionKwhPer100km, defaultTripKm: 50 },
        chargerMaxCurrentA: car.chargerMaxCurrentA, chargerMinCurrentA: 6,
        phaseSwitching: car.phaseSwitching && car.maxPhases === 3 && h.fuse.grid !== '1x230', phaseSwitchGuardMs: DEFAULT_PHASE_SWITCH_GUARD_MS,
        firstPhase: 1, safeCurrentA: 0,
        control: { increaseHoldSeconds: 10, minOnSeconds: 60, minOffSeconds: 60, emergencyMayRaisePeak: true, meterStaleSeconds: 3 },
      }));
    }
  }

  private file(entry: SiteDemandInput | null, device: string, now: number): void {
    if (!entry) {
      this.book.delete(device);
      return;
    }
    const before = this.book.get(device);
    this.book.set(device, { demand: normalise(entry), door: 'backtest', since: before?.since ?? now, updated: now });
  }

  control(view: SiteView): void {
    const now = view.now;
    if (view.quarterIndex !== this.planQuarter) {
      this.planQuarter = view.quarterIndex;
      const t0 = performance.now();
      this.plan = planNow(this.solver, view);
      this.planMs += performance.now() - t0;
      this.plans++;
    }
    const running = view.tracker.running();
    const planTarget = this.plan ? carIntent(this.plan, '', now).targetPeakKw : null;
    const targetKw = Math.max(view.scenario.household.rates.Capacity!.minimumKw, view.monthPeakKw, planTarget ?? 0);
    const tg = view.telegram;
    const { grants } = this.broker.tick({
      monoMs: now, time: now, netKw: view.gridKw,
      phases: tg.phases.map((p) => ({ phase: p.phase, currentA: p.currentA, importKw: p.importKw, exportKw: p.exportKw })),
      quarter: running ? { start: running.quarterStart, elapsedS: running.elapsedS, energyKwh: running.energyKwh, targetKw } : null,
      demands: [...this.book.values()],
    });
    for (const g of grants) this.grants.set(g.device, { grant: g, receivedAtMonoMs: now });

    for (const car of view.devices.cars) this.controlCar(car, view);
    this.controlBattery(view, running ? allowedKw(targetKw, running.energyKwh, running.elapsedS) : null, targetKw);
  }

  private controlCar(car: SimCar, view: SiteView): void {
    const id = car.config.id;
    const m = car.model;
    const reading: ChargerReading | null = m.plugged ? {
      state: m.actualA > 0.5 ? 'charging' : 'connected', chargerWords: m.status().word, powerKw: m.powerKw(), phases: [],
      sessionKwh: m.sessionWh / 1000, currentSetA: car.settings.currentSetA, paused: car.settings.paused, phaseCount: car.settings.phaseCount, atMonoMs: view.now,
    } : null;
    const intent = this.plan ? carIntent(this.plan, id, view.now) : null;
    // the plan's energy for the quarter; below the charger's minimum power the broker runs the
    // car at that minimum for part of the quarter
    const plannedKwh = intent?.plannedKwh ?? null;
    const plannedSunKwh = intent?.plannedSunKwh ?? null;
    const decision = this.controllers.get(id)!.decide({
      nowMono: view.now, mode: 'smart', reading, health: HEALTHY,
      soc: m.car ? { percent: m.car.socPercent, source: 'vehicle', basedOn: 'vehicle', readAtMonoMs: view.now } : null,
      tariff: view.telegram.tariff, meterAgeMs: 0, grant: this.grants.get(id) ?? null,
      intent: { plannedKwh, plannedSunKwh, trip: this.tripBehind(car, view.now) },
    });
    this.file(decision.demand, id, view.now);
    const a = decision.command.currentA;
    car.settings.currentSetA = a;
    car.settings.paused = a < 6;
    car.settings.phaseCount = decision.command.phases;
  }

  private tripBehind(car: SimCar, now: number): { time: number; kwh: number } | null {
    const trip = car.trips[car.next];
    if (!trip || !car.model.car) return null;
    const planned = this.plan?.trips.find((t) => t.carId === car.config.id && Math.abs(t.departure - trip.departure) < 60_000);
    return tripDeadline(trip, car, planned === undefined ? 'unplanned' : planned.shortKwh === 0 ? 'met' : 'short', now);
  }

  /**
   * The battery as the battery role runs it (main/battery/controller.ts): in auto mode with a
   * fresh plan that charges from the grid it files the plan's energy for the quarter as a `plan`
   * demand, its band the whole side the plan is on; otherwise the strategy's wish (with a plan:
   * the plan's discharge or hold, with any surplus the forecast missed stored; without: plain
   * self-consumption), within the quarter budget, as a `battery` demand. It follows the grant
   * within what it offered.
   */
  private controlBattery(view: SiteView, allowed: number | null, targetKw: number): void {
    const b = view.devices.battery;
    if (!b) return;
    const now = view.now;
    const powerKw = b.powerKw(now);
    const reservePct = view.scenario.household.battery!.reservePercent;
    const reading = { socPct: b.socPct, powerKw, capacityKwh: b.capacityKwh, maxChargeKw: b.maxChargeKw, maxDischargeKw: b.maxDischargeKw, reservePct, control: 'forced' as const };
    const planned = this.plannedBatteryKwh(now);
    const q = this.planQuarterAt(now);
    const d = decide({
      mode: 'auto', gridKw: view.gridKw, allowedKw: allowed, targetKw, tariff: view.telegram.tariff, time: now, battery: reading, plan: null,
      plannedKw: planned === null ? null : planned * 4, drawCostEur: q?.batteryDrawCostEur ?? null, importPriceEur: q?.importPrice ?? null,
    }, { ...DEFAULT_STRATEGY, reservePct });
    const dischargeable = b.socPct > reservePct ? b.maxDischargeKw : 0;
    let wish: { minKw: number; maxKw: number };
    let band: { minKw: number; maxKw: number };
    if (planned !== null && d.fromGrid) {
      band = planned >= 0 ? { minKw: 0, maxKw: b.socPct < 100 ? b.maxChargeKw : 0 } : { minKw: -dischargeable, maxKw: 0 };
      wish = band;
      this.file({ device: BATTERY_ID, kind: 'battery', conductors: [1, 2, 3], measuredKw: powerKw, band, class: 'plan', priority: 60, interruptible: true, plannedKwh: Math.round(planned * 1000) / 1000 }, BATTERY_ID, now);
    } else {
      const w = d.kw ?? 0;
      wish = { minKw: Math.min(w, 0), maxKw: Math.max(w, 0) };
      band = { minKw: Math.min(w, -dischargeable), maxKw: Math.max(w, 0) };
      this.file({ device: BATTERY_ID, kind: 'battery', conductors: [1, 2, 3], measuredKw: powerKw, band, class: 'battery', priority: 50, interruptible: true }, BATTERY_ID, now);
    }
    // follow the grant within what was offered, as the battery controller does
    const g = this.grants.get(BATTERY_ID);
    let kw = 0;
    if (g && now - g.receivedAtMonoMs < g.grant.validForMs) {
      const range = g.grant.reason.code === 'deadline' ? band : wish;
      kw = Math.min(range.maxKw, Math.max(range.minKw, g.grant.kw));
    }
    const c = b.control;
    if (!c || Math.abs(c.lowKw - kw) > 1e-9) b.setControl({ lowKw: kw, highKw: kw, revertS: 0 }, now);
  }

  /** the plan's signed battery energy (+ charge) for the quarter holding `now`, as shared/plan/lookup.ts reads it */
  private plannedBatteryKwh(now: number): number | null {
    // as the battery role reads it (shared/plan/lookup.ts): a charge only in the part the plan buys
    const q = this.planQuarterAt(now);
    return q ? batteryBoughtKwh(q.batteryChargeKwh - q.batteryDischargeKwh, q.importKwh, q.carKwh.values()) : null;
  }

  private planQuarterAt(now: number): Plan['quarters'][number] | null {
    const p = this.plan;
    return p ? p.quarters[Math.floor((now - p.start) / 900_000)] ?? null : null;
  }
}

/**
 * The next trip as a deadline, as the EV role gives the controller (main/ev/plan-intent.ts):
 * while the plan does not expect to meet it. Beyond the role: a trip no plan covers, with less
 * than an hour to spare. The deadline is
 * moved earlier by the extra time the slow charge above 90% takes, so the broker's average need
 * allows for it.
 * @param plan what the plan expects of the trip: met, short, or not in it ('unplanned')
 */
export function tripDeadline(trip: { departure: number; needKwh: number }, car: SimCar, plan: 'met' | 'short' | 'unplanned', now: number): { time: number; kwh: number } | null {
  if (!car.model.car) return null;
  const socKwh = (car.model.car.socPercent / 100) * car.config.batteryKwh;
  const lackKwh = (trip.needKwh - socKwh) / car.config.efficiency;
  if (lackKwh <= 0) return null;
  const hoursLeft = (trip.departure - now) / 3_600_000;
  const hours = hoursToCharge(socKwh, trip.needKwh, car);
  // a trip the plan meets gives way to the plan, as in the EV role (main/ev/plan-intent.ts): the
  // plan raises its target when it falls behind; full power at the last moment set month peaks
  // of 4.7-5.1 kW where the plan needed 3.0-3.5 (register year: 2,556.16 -> 2,544.42 EUR)
  if (plan === 'met') return null;
  if (plan === 'unplanned' && hours < hoursLeft - 1) return null;
  const slowHours = Math.max(0, hours - lackKwh / car.maxKw);
  return { time: Math.max(now + 60_000, trip.departure - slowHours * 3_600_000), kwh: lackKwh };
}

/**
 * Hours at full power from `fromKwh` to `toKwh` in the car's battery, with the charger
 * simulator's taper (above TAPER_FROM_PERCENT the current falls in proportion to what is left to
 * 100%; a car counts as full at FULL_PERCENT, as the EV controller and the planner have it).
 */
export function hoursToCharge(fromKwh: number, toKwh: number, car: SimCar): number {
  const cap = car.config.batteryKwh;
  const perHourPct = (car.maxKw * car.config.efficiency / cap) * 100;
  const from = (fromKwh / cap) * 100;
  const to = Math.min(FULL_PERCENT, (toKwh / cap) * 100);
  if (to <= from) return 0;
  const taper = TAPER_FROM_PERCENT;
  let hours = Math.max(0, Math.min(to, taper) - from) / perHourPct;
  if (to > taper) {
    // d(soc)/dt = perHour x (100 - soc) / (100 - taper) above the taper:
    // t = (100 - taper) / perHour x ln((100 - a) / (100 - b))
    const a = Math.max(taper, from);
    hours += ((100 - taper) / perHourPct) * Math.log((100 - a) / (100 - to));
  }
  return hours;
}
