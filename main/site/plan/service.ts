/**
 * The plan service's core: from a snapshot of what the site knows, the plan for the next 48 h
 * as the bus publishes it (`plan`, shared/plan/state.ts), and when to make it again.
 *
 * No timers, sockets or clocks inside: the caller passes the time with every call (meter time,
 * epoch ms) and everything else as plain data, so the same class runs beside the meter (driver.ts
 * schedules it on telegrams and state changes) and in a backtest on a simulated year.
 *
 * API
 *   const service = new PlanService({ solver: await loadSolver() });
 *   service.update(inputs)   -> PlanState when a new plan was made (the reason is in it), else null
 *   service.due(inputs)      -> the reason a new plan is due now, or null (cheap: no solve)
 *   service.replan(inputs, reason) -> a new plan now, whatever is due
 *   service.state            -> the last plan (or null)
 *   service.planInput(inputs) -> the planner's input the next plan would be made from (backtests)
 * PlanInputs (below): `now`; the cars (plugged or not, SoC, charger power, their trips); the
 * battery; the month peak so far, its price and the user's ceiling; the connection's kW; the kWh
 * imported so far in the running quarter (for the drift check); a fingerprint of the price set;
 * and `forecast(start, quarters)`, asked only when a plan is made, for the net base load and the
 * prices per quarter.
 *
 * A plan is due at the first call, every quarter, when the trips, the price set, a car's plug
 * or a state of charge (5 points) change, and when the running quarter's import strays from the
 * plan's by more than `driftKwh` (replan.ts).
 */
import type { Intention, PlanProblem, PlanReason, PlanState, PlannedCar } from '../../../shared/plan/state.js';
import { brusselsLocalToUtc, brusselsParts, startOfQuarter } from '../../../shared/time/brussels.js';
import { tripFixes } from '../planner/fixes.js';
import { plan as solvePlan } from '../planner/planner.js';
import { DEFAULT_REPLAN, replanReason, type PlanBasis, type ReplanOptions } from '../planner/replan.js';
import type { LpSolver } from '../planner/solver.js';
import { QUARTER_MS, type PlanCar, type PlanInput, type Span } from '../planner/types.js';

export interface PlanInputTrip {
  /** epoch ms the car must be ready */
  departure: number;
  /** % the battery must hold then */
  socPct: number;
  /** kWh the trip takes out of the battery (default 0: it comes back as it left) */
  usesKwh?: number;
}

export interface PlanInputCar {
  id: string;
  name: string;
  /** the charger it is on now, or null */
  charger: string | null;
  plugged: boolean;
  /** null when unknown: planned from `assumedSocPct` */
  socPct: number | null;
  /** planned from this when the SoC is unknown (the car's minimum, say) */
  assumedSocPct: number;
  capacityKwh: number;
  /** the most it can take at the connection, kW */
  maxKw: number;
  /** share of the energy drawn that reaches the battery */
  efficiency: number;
  trips: PlanInputTrip[];
  /** the state of charge above which it charges slower and slower (the car's `taperAbovePercent`); absent: not planned */
  taperAbovePercent?: number;
}

export interface PlanInputBattery {
  device: string;
  capacityKwh: number;
  socPct: number;
  maxChargeKw: number;
  maxDischargeKw: number;
  reservePct: number;
  /** one-way efficiency each way (default 0.95) */
  efficiency?: number;
}

export interface PlanForecast {
  /** per quarter: net base load kWh (+ import, - export: solar) */
  baseKwh: number[];
  /** per quarter: the most the house alone is likely to draw (forecast/base-high.ts), kWh; absent: no peak guard for the battery */
  baseHighKwh?: number[];
  importPrice: number[];
  exportPrice: number[];
}

export interface PlanInputs {
  /** meter time, epoch ms */
  now: number;
  cars: PlanInputCar[];
  battery: PlanInputBattery | null;
  peak: {
    /** the month peak so far, or the user's floor for it when higher (kW) */
    soFarKw: number;
    minimumKw: number;
    /** EUR per kW per year (rates.json Capacity); 0 without a capacity tariff */
    pricePerKwYear: number;
    /** the user's ceiling for the month peak (kW), null for none */
    ceilingKw: number | null;
  };
  /** the connection's capacity in kW (the main fuse) */
  connectionKw: number;
  /** kWh imported so far in the running quarter (quarter state E), null when unknown */
  quarterImportKwh: number | null;
  /** changes whenever the price set changes (a day-ahead set arrived, the rates were saved) */
  pricesKey: string;
  /** the forecast for `quarters` quarters from `start` (a quarter boundary); asked only when planning */
  forecast(start: number, quarters: number): PlanForecast;
}

export interface PlanServiceOptions {
  solver: LpSolver;
  /** quarters planned (default 192: 48 h) */
  horizonQuarters?: number;
  replan?: ReplanOptions;
  /** battery wear, EUR per kWh out (default 0) */
  batteryWearEurPerKwh?: number;
  /** an unplugged car is assumed back on its charger at this Brussels time (default 18:00) */
  homeAt?: { hour: number; minute: number };
  /** how many quarters ahead intentions look (default 16: 4 h) */
  intentionQuarters?: number;
}

const round3 = (v: number): number => {
  const r = Math.round(v * 1000) / 1000;
  return r === 0 ? 0 : r;
};

/** below this a planned energy is nothing (kWh per quarter) */
const NOTHING_KWH = 0.005;

export class PlanService {
  private current: PlanState | null = null;
  private basis: PlanBasis | null = null;
  /** the import planned in the running quarter, and what had been imported when the plan was made */
  private quarterPlan: { start: number; madeAt: number; importKwh: number; importedAtMake: number } | null = null;
  private readonly horizon: number;
  private readonly replanOptions: ReplanOptions;

  constructor(private readonly o: PlanServiceOptions) {
    this.horizon = o.horizonQuarters ?? 192;
    this.replanOptions = o.replan ?? DEFAULT_REPLAN;
  }

  get state(): PlanState | null {
    return this.current;
  }

  due(inputs: PlanInputs): PlanReason | null {
    if (!this.basis || !this.current) return 'start';
    const reason = replanReason(this.basis, basisOf(inputs), inputs.quarterImportKwh, this.plannedImportSoFar(inputs.now), this.replanOptions);
    return reason;
  }

  update(inputs: PlanInputs): PlanState | null {
    const reason = this.due(inputs);
    return reason === null ? null : this.replan(inputs, reason);
  }

  replan(inputs: PlanInputs, reason: PlanReason): PlanState {
    const basis = basisOf(inputs);
    let state: PlanState;
    try {
      state = this.solve(inputs, this.planInput(inputs), reason);
    } catch (error) {
      state = {
        madeAt: inputs.now, reason, start: startOfQuarter(inputs.now), cars: carsOf(inputs, null), battery: null, quarters: [], intentions: [], problems: [],
        cost: { energyEur: 0, peakEur: 0, totalEur: 0 }, ceilingKw: inputs.peak.ceilingKw, error: (error as Error).message,
      };
    }
    this.current = state;
    this.basis = basis;
    const q0 = state.quarters[0];
    this.quarterPlan = q0 ? { start: q0.start, madeAt: inputs.now, importKwh: q0.importKwh, importedAtMake: inputs.quarterImportKwh ?? 0 } : null;
    return state;
  }

  /** The planner's input for a plan made now (exposed for backtests and tests). */
  planInput(inputs: PlanInputs): PlanInput {
    const start = startOfQuarter(inputs.now);
    const n = this.horizon;
    const f = inputs.forecast(start, n);
    if (f.baseKwh.length !== n || f.importPrice.length !== n || f.exportPrice.length !== n) {
      throw new Error(`plan: the forecast gave ${f.baseKwh.length}/${f.importPrice.length}/${f.exportPrice.length} quarters, ${n} asked`);
    }
    const baseKwh = [...f.baseKwh];
    // the running quarter: what was imported already counts for its peak, the forecast only for the rest
    const elapsed = (inputs.now - start) / QUARTER_MS;
    if (inputs.quarterImportKwh !== null && elapsed > 0) baseKwh[0] = inputs.quarterImportKwh + f.baseKwh[0]! * (1 - elapsed);
    const horizonEnd = start + n * QUARTER_MS;
    const cars: PlanCar[] = inputs.cars.map((car) => ({
      id: car.id,
      capacityKwh: car.capacityKwh,
      socPercent: car.socPct ?? car.assumedSocPct,
      maxKw: car.maxKw,
      chargeEfficiency: car.efficiency,
      plugged: this.pluggedSpans(car, inputs.now, horizonEnd),
      trips: car.trips.filter((t) => t.departure > inputs.now).map((t) => ({ departure: t.departure, socPercent: t.socPct, usesKwh: t.usesKwh ?? 0 })),
      taperAbovePercent: car.taperAbovePercent,
    }));
    const b = inputs.battery;
    return {
      start, baseKwh, ...(f.baseHighKwh ? { baseHighKwh: f.baseHighKwh } : {}), importPrice: f.importPrice, exportPrice: f.exportPrice, connectionKw: inputs.connectionKw,
      peak: {
        pricePerKwYear: inputs.peak.pricePerKwYear, minimumKw: inputs.peak.minimumKw, soFarKw: inputs.peak.soFarKw,
        ...(inputs.peak.ceilingKw !== null ? { ceilingKw: inputs.peak.ceilingKw } : {}),
      },
      cars,
      ...(b ? {
        battery: {
          capacityKwh: b.capacityKwh, socPercent: b.socPct, maxChargeKw: b.maxChargeKw, maxDischargeKw: b.maxDischargeKw,
          reservePercent: Math.min(b.reservePct, b.socPct), chargeEfficiency: b.efficiency, dischargeEfficiency: b.efficiency,
          wearEurPerKwh: this.o.batteryWearEurPerKwh ?? 0,
        },
      } : {}),
    };
  }

  /**
   * When the car is on its charger: from now until its next departure if plugged in now, and
   * from the next homecoming (homeAt) after each departure until the one after; an unplugged car
   * is assumed back at the next homecoming.
   */
  private pluggedSpans(car: PlanInputCar, now: number, end: number): Span[] {
    const departures = car.trips.map((t) => t.departure).filter((d) => d > now).sort((a, b) => a - b);
    const spans: Span[] = [];
    let from = car.plugged ? now : this.nextHome(now);
    for (const d of departures) {
      if (from >= end) break;
      if (d > from) spans.push({ from, to: d });
      from = Math.max(from, this.nextHome(d));
    }
    if (from < end) spans.push({ from, to: end });
    return spans;
  }

  private nextHome(after: number): number {
    const home = this.o.homeAt ?? { hour: 18, minute: 0 };
    const p = brusselsParts(after);
    for (let day = 0; day < 3; day++) {
      const t = brusselsLocalToUtc(p.year, p.month, p.day + day, home.hour, home.minute);
      if (t > after) return t;
    }
    return after + 86_400_000;
  }

  private plannedImportSoFar(now: number): number | null {
    const q = this.quarterPlan;
    if (!q || startOfQuarter(now) !== q.start) return null;
    // the plan's import for the rest of the quarter, spread evenly from when it was made
    const end = q.start + QUARTER_MS;
    const share = (Math.min(now, end) - q.madeAt) / Math.max(1, end - q.madeAt);
    return q.importedAtMake + (q.importKwh - q.importedAtMake) * Math.max(0, share);
  }

  private solve(inputs: PlanInputs, input: PlanInput, reason: PlanReason): PlanState {
    const p = solvePlan(this.o.solver, input);
    const cars = carsOf(inputs, p.trips);
    const quarters = p.quarters.map((q, i) => {
      const base = input.baseKwh[i]!;
      return {
        start: q.start,
        baseKwh: round3(base),
        houseKwh: round3(Math.max(0, base)),
        solarKwh: round3(Math.max(0, -base)),
        carKwh: inputs.cars.map((c) => round3(q.carKwh.get(c.id) ?? 0)),
        batteryKwh: round3(q.batteryChargeKwh - q.batteryDischargeKwh),
        importKwh: round3(q.importKwh),
        exportKwh: round3(q.exportKwh),
        importPrice: Math.round(q.importPrice * 1e5) / 1e5,
        targetPeakKw: Math.round(q.targetPeakKw * 100) / 100,
        batteryDrawCostEur: q.batteryDrawCostEur === null ? null : Math.round(q.batteryDrawCostEur * 1e5) / 1e5,
      };
    });
    const problems: PlanProblem[] = [];
    for (const t of p.trips) {
      if (t.shortKwh <= 0) continue;
      const fixes = tripFixes(this.o.solver, input, t.carId, t.departure);
      const month = monthIndexAt(p.monthPeakKw, t.departure);
      const peakKw = p.advice?.meetsAll && month !== null ? p.advice.peakKw.get(month) ?? null : null;
      problems.push({
        car: t.carId, departure: t.departure, wantedPct: t.wantedPercent, expectedPct: Math.floor(t.reachedPercent),
        fixes: { startNow: fixes.startNow, peak: peakKw === null ? null : { kw: peakKw, extraEur: p.advice!.extraEur }, leaveAt: fixes.leaveAt },
      });
    }
    const b = inputs.battery;
    return {
      madeAt: inputs.now, reason, start: input.start, cars,
      battery: b ? { device: b.device, socPct: b.socPct, capacityKwh: b.capacityKwh } : null,
      quarters,
      intentions: intentionsOf(inputs, quarters, this.o.intentionQuarters ?? 16),
      problems,
      cost: { energyEur: p.cost.energyEur, peakEur: p.cost.peakEur, totalEur: p.cost.totalEur },
      ceilingKw: inputs.peak.ceilingKw,
      error: null,
    };
  }
}

/** the month (its start) holding `time` among the plan's months */
function monthIndexAt(months: ReadonlyMap<number, number>, time: number): number | null {
  let found: number | null = null;
  for (const start of months.keys()) if (start < time && (found === null || start > found)) found = start;
  return found;
}

function carsOf(inputs: PlanInputs, trips: ReturnType<typeof solvePlan>['trips'] | null): PlannedCar[] {
  return inputs.cars.map((car) => ({
    id: car.id, name: car.name, charger: car.charger, socPct: car.socPct, plugged: car.plugged,
    departures: (trips ?? []).filter((t) => t.carId === car.id).map((t) => ({
      time: t.departure, wantedPct: t.wantedPercent, expectedPct: Math.floor(t.reachedPercent * 10) / 10, met: t.shortKwh === 0, shortKwh: t.shortKwh,
    })),
  }));
}

function basisOf(inputs: PlanInputs): PlanBasis {
  const plugged = new Map<string, boolean>();
  const soc = new Map<string, number>();
  for (const car of inputs.cars) {
    plugged.set(car.id, car.plugged);
    if (car.socPct !== null) soc.set(car.id, car.socPct);
  }
  if (inputs.battery) soc.set(`battery:${inputs.battery.device}`, inputs.battery.socPct);
  const trips = inputs.cars.map((c) => `${c.id}:${c.trips.map((t) => `${t.departure}/${t.socPct}`).join(',')}`).join(';');
  return { madeAt: inputs.now, trips, prices: inputs.pricesKey, plugged, socPercent: soc };
}

/**
 * Per device, what it does next: the first block of quarters (within `ahead`) in which the plan
 * gives it energy, with the average power and price; idle when none.
 */
function intentionsOf(inputs: PlanInputs, quarters: PlanState['quarters'], ahead: number): Intention[] {
  const out: Intention[] = [];
  const window = quarters.slice(0, ahead);
  const block = (device: string, kind: Intention['kind'], kwhAt: (i: number) => number): void => {
    const first = window.findIndex((_, i) => Math.abs(kwhAt(i)) >= NOTHING_KWH);
    if (first < 0) {
      out.push({ device, kind, action: 'idle', from: null, to: null, kw: 0, priceEur: null });
      return;
    }
    const sign = Math.sign(kwhAt(first));
    let last = first;
    while (last + 1 < window.length && Math.sign(kwhAt(last + 1)) === sign && Math.abs(kwhAt(last + 1)) >= NOTHING_KWH) last++;
    let kwh = 0;
    let eur = 0;
    for (let i = first; i <= last; i++) {
      kwh += Math.abs(kwhAt(i));
      eur += Math.abs(kwhAt(i)) * window[i]!.importPrice;
    }
    const quartersIn = last - first + 1;
    out.push({
      device, kind, action: sign > 0 ? 'charge' : 'discharge',
      from: window[first]!.start, to: window[last]!.start + QUARTER_MS,
      kw: Math.round((kwh * 4 / quartersIn) * 100) / 100, priceEur: kwh > 0 ? Math.round((eur / kwh) * 1000) / 1000 : null,
    });
  };
  inputs.cars.forEach((car, c) => block(car.id, 'car', (i) => window[i]!.carKwh[c] ?? 0));
  if (inputs.battery) block(inputs.battery.device, 'battery', (i) => window[i]!.batteryKwh);
  return out;
}
