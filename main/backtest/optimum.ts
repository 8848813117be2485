/**
 * `optimum`: the planner's own model (main/site/planner/model.ts) solved with perfect knowledge
 * of every quarter's load, solar, price and trip, one month at a time. It is a lower bound on
 * the cost of every strategy that misses no trip because (README "Backtest"):
 * - the first month starts from the same states as the simulations; later months start free
 *   (a relaxation), and the final state is free (the battery's end level is not held);
 * - limits and efficiencies are the simulators': the cars' kW at the connection and 90% into the
 *   battery (the car model's), the battery's kW and the square root of its round trip each way
 *   (the battery model's), the connection's kW for import and export (the sims keep the fuse);
 *   nothing models the ramps, the taper near full or the 6 A minimum, which only cost the sims;
 * - the battery reserve is the device's own floor, which the simulated battery holds for all;
 * - import and export in one quarter are netted (the meter does not net), which only helps;
 * - each month's peak is priced exactly as the bill does (at least the minimum, x price / 12);
 * - no wear cost.
 */
import { startOfBrusselsMonth } from '../../shared/time/brussels.js';
import { buildModel, type PlanModel } from '../site/planner/model.js';
import type { LpSolver } from '../site/planner/solver.js';
import type { PlanCar, PlanInput, Span } from '../site/planner/types.js';
import { metWithinKwh } from './devices.js';
import { connectionKw } from './household.js';
import { QUARTER_MS, type Scenario } from './scenario.js';

export const SHORTFALL_EUR_PER_KWH = 1000;

export interface MonthModel {
  /** quarter index range in the scenario, [from, to) */
  from: number;
  to: number;
  input: PlanInput;
  model: PlanModel;
}

/** The scenario's months as quarter ranges. */
export function monthRanges(s: Scenario): Array<{ from: number; to: number }> {
  const n = s.importPrice.length;
  const out: Array<{ from: number; to: number }> = [];
  let from = 0;
  for (let i = 1; i <= n; i++) {
    if (i === n || startOfBrusselsMonth(s.start + i * QUARTER_MS) !== startOfBrusselsMonth(s.start + from * QUARTER_MS)) {
      out.push({ from, to: i });
      from = i;
    }
  }
  return out;
}

/** The model of one month; `first` keeps the simulations' starting states, later months start free. */
export function monthModel(s: Scenario, baseNet: Float64Array, range: { from: number; to: number }, first: boolean): MonthModel {
  const h = s.household;
  const start = s.start + range.from * QUARTER_MS;
  const end = s.start + range.to * QUARTER_MS;
  const cars: PlanCar[] = h.cars.map((car) => {
    const mine = s.trips.filter((t) => t.carId === car.id);
    const plugged: Span[] = [];
    // away across the month's start: back when the trip ends
    const across = mine.find((t) => t.departure < start && t.back > start);
    let from: number | null = across ? across.back : start;
    const inside = mine.filter((t) => t.departure >= start && t.departure < end);
    for (const trip of inside) {
      if (from !== null && trip.departure > from) plugged.push({ from, to: trip.departure });
      from = trip.back;
    }
    if (from !== null && from < end) plugged.push({ from, to: end });
    const phases = car.maxPhases === 3 && h.fuse.grid !== '1x230' ? 3 : 1;
    const amps = Math.min(car.maxCurrentA, car.chargerMaxCurrentA);
    const maxKw = h.fuse.grid === '3x230' && phases === 3 ? (Math.sqrt(3) * 230 * amps) / 1000 : (phases * 230 * amps) / 1000;
    return {
      id: car.id, capacityKwh: car.batteryKwh, socPercent: first ? car.startSocPercent : 100, maxKw,
      chargeEfficiency: car.efficiency, plugged,
      trips: inside.map((t) => ({ departure: t.departure, socPercent: (t.needKwh / car.batteryKwh) * 100, usesKwh: t.usesKwh })),
    };
  });
  const b = h.battery;
  const cap = h.rates.Capacity!;
  const input: PlanInput = {
    start,
    baseKwh: Array.from(baseNet.subarray(range.from, range.to)),
    importPrice: Array.from(s.importPrice.subarray(range.from, range.to)),
    exportPrice: Array.from(s.exportPrice.subarray(range.from, range.to)),
    connectionKw: connectionKw(h),
    peak: { pricePerKwYear: cap.eurPerKwYear, minimumKw: cap.minimumKw, soFarKw: 0 },
    cars,
    battery: b ? {
      capacityKwh: b.capacityKwh, socPercent: first ? b.startSocPercent : 100, maxChargeKw: b.maxChargeKw, maxDischargeKw: b.maxDischargeKw,
      chargeEfficiency: Math.sqrt(b.roundTrip), dischargeEfficiency: Math.sqrt(b.roundTrip), reservePercent: b.reservePercent, endSocPercent: 0,
    } : undefined,
  };
  const model = buildModel(input, { shortfallEurPerKwh: SHORTFALL_EUR_PER_KWH, peakWeight: 1 });
  if (!first) freeStart(model, input);
  return { from: range.from, to: range.to, input, model };
}

/** the first row that holds column `col` */
function firstRowWith(model: PlanModel, col: number): number {
  const lp = model.lp;
  for (let r = 0; r < lp.numRows; r++) {
    for (let k = lp.starts[r]!; k < lp.starts[r + 1]!; k++) if (lp.indices[k] === col) return r;
  }
  throw new Error(`optimum: column ${col} is in no row`);
}

/** Let the month start from any state of charge (each car's and the battery's first balance row). */
function freeStart(model: PlanModel, input: PlanInput): void {
  const lp = model.lp;
  input.cars.forEach((car, c) => {
    const r = firstRowWith(model, model.carCols[c]![0]!);
    // soc_0 - eff e_0 = initial - uses_0: keep uses_0, let the initial be anything in [0, capacity]
    const uses = car.capacityKwh - lp.rowLower[r]!;
    lp.rowLower[r] = -uses;
    lp.rowUpper[r] = car.capacityKwh - uses;
  });
  const b = input.battery;
  if (b && model.chargeCols.length > 0) {
    const r = firstRowWith(model, model.chargeCols[0]!);
    lp.rowLower[r] = ((b.reservePercent ?? 0) / 100) * b.capacityKwh;
    lp.rowUpper[r] = b.capacityKwh;
  }
}

export interface OptimumResult {
  energyEur: number;
  capacityEur: number;
  months: Array<{ start: number; peakKw: number }>;
  /** per day key: the energy cost */
  days: Array<{ key: string; energyEur: number }>;
  exportKwh: number;
  importKwh: number;
  tripsMissed: number;
  kwhShort: number;
  importQ: Float64Array;
  exportQ: Float64Array;
  solveMs: number;
}

export function solveOptimum(solver: LpSolver, s: Scenario, baseNet: Float64Array): OptimumResult {
  const n = s.importPrice.length;
  const importQ = new Float64Array(n);
  const exportQ = new Float64Array(n);
  const months: Array<{ start: number; peakKw: number }> = [];
  let tripsMissed = 0;
  let kwhShort = 0;
  let solveMs = 0;
  const cap = s.household.rates.Capacity!;
  monthRanges(s).forEach((range, m) => {
    const mm = monthModel(s, baseNet, range, m === 0);
    const t0 = performance.now();
    const result = solver.solve(mm.model.lp);
    solveMs += performance.now() - t0;
    if (result.status !== 'optimal') throw new Error(`optimum: month ${m + 1} is ${result.detail}`);
    const x = result.values;
    for (let i = range.from; i < range.to; i++) {
      importQ[i] = x[mm.model.importCols[i - range.from]!]!;
      exportQ[i] = x[mm.model.exportCols[i - range.from]!]!;
    }
    for (const month of mm.model.months) months.push({ start: month.monthStart, peakKw: x[month.col]! });
    for (const t of mm.model.trips) {
      const short = x[t.shortCol]! - metWithinKwh(t.capacityKwh);
      if (short > 0) { tripsMissed++; kwhShort += short; }
    }
  });
  const days = s.days.map((d) => {
    const a = Math.round((d.start - s.start) / QUARTER_MS);
    const b = Math.round((d.end - s.start) / QUARTER_MS);
    let eur = 0;
    for (let i = a; i < b; i++) eur += importQ[i]! * s.importPrice[i]! - exportQ[i]! * s.exportPrice[i]!;
    return { key: d.key, energyEur: eur };
  });
  return {
    energyEur: days.reduce((t, d) => t + d.energyEur, 0),
    capacityEur: months.reduce((t, m) => t + (Math.max(m.peakKw, cap.minimumKw) * cap.eurPerKwYear) / 12, 0),
    months, days,
    exportKwh: exportQ.reduce((t, v) => t + v, 0),
    importKwh: importQ.reduce((t, v) => t + v, 0),
    tripsMissed, kwhShort, importQ, exportQ, solveMs,
  };
}
