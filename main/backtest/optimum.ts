/**
 * `optimum`: the planner's own model (main/site/planner/model.ts) solved with perfect knowledge
 * of every quarter's load, solar, price and trip, over the whole period in one linear program
 * (each month with its own peak). It is a lower bound on the cost of every strategy that misses
 * no trip because (README "Backtest"):
 * - it starts from the same states as the simulations, and the final state is free (the cars'
 *   and the battery's end levels are not held);
 * - limits and efficiencies are the simulators': the cars' kW at the connection and 90% into the
 *   battery (the car model's), the battery's kW and the square root of its round trip each way
 *   (the battery model's), the connection's kW for import and export (the sims keep the fuse);
 *   nothing models the ramps, the taper near full or the 6 A minimum, which only cost the sims;
 * - the battery reserve is the device's own floor, which the simulated battery holds for all;
 * - import and export in one quarter are netted (the meter does not net), which only helps;
 * - each month's peak is priced exactly as the bill does (at least the minimum, x price / 12);
 * - no wear cost.
 */
import { buildModel, type PlanModel } from '../site/planner/model.js';
import type { LpSolver } from '../site/planner/solver.js';
import type { PlanCar, PlanInput, Span } from '../site/planner/types.js';
import { metWithinKwh } from './devices.js';
import { connectionKw } from './household.js';
import { QUARTER_MS, type Scenario } from './scenario.js';

export const SHORTFALL_EUR_PER_KWH = 1000;

export interface PeriodModel {
  input: PlanInput;
  model: PlanModel;
}

/**
 * The model of the whole period, from the simulations' starting states. One linear program, not
 * one per month: a month solved on its own may start with full batteries and end with empty ones,
 * energy the strategies have to buy (on the register household that relaxation was worth ~15% of
 * a year's bill), and the whole year solves in ~15 s. Each month keeps its own peak column.
 */
export function periodModel(s: Scenario, baseNet: Float64Array): PeriodModel {
  const h = s.household;
  const start = s.start;
  const n = s.importPrice.length;
  const end = s.start + n * QUARTER_MS;
  const cars: PlanCar[] = h.cars.map((car) => {
    const mine = s.trips.filter((t) => t.carId === car.id);
    const plugged: Span[] = [];
    // away across the start: back when the trip ends
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
      id: car.id, capacityKwh: car.batteryKwh, socPercent: car.startSocPercent, maxKw,
      chargeEfficiency: car.efficiency, plugged,
      trips: inside.map((t) => ({ departure: t.departure, socPercent: (t.needKwh / car.batteryKwh) * 100, usesKwh: t.usesKwh })),
    };
  });
  const b = h.battery;
  const cap = h.rates.Capacity!;
  const input: PlanInput = {
    start,
    baseKwh: Array.from(baseNet),
    importPrice: Array.from(s.importPrice),
    exportPrice: Array.from(s.exportPrice),
    connectionKw: connectionKw(h),
    peak: { pricePerKwYear: cap.eurPerKwYear, minimumKw: cap.minimumKw, soFarKw: 0 },
    cars,
    battery: b ? {
      capacityKwh: b.capacityKwh, socPercent: b.startSocPercent, maxChargeKw: b.maxChargeKw, maxDischargeKw: b.maxDischargeKw,
      chargeEfficiency: Math.sqrt(b.roundTrip), dischargeEfficiency: Math.sqrt(b.roundTrip), reservePercent: b.reservePercent, endSocPercent: 0,
    } : undefined,
  };
  const model = buildModel(input, { shortfallEurPerKwh: SHORTFALL_EUR_PER_KWH, peakWeight: 1 });
  return { input, model };
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
  const pm = periodModel(s, baseNet);
  const t0 = performance.now();
  const result = solver.solve(pm.model.lp);
  solveMs += performance.now() - t0;
  if (result.status !== 'optimal') throw new Error(`optimum: the period's model is ${result.detail}`);
  const x = result.values;
  for (let i = 0; i < n; i++) {
    importQ[i] = x[pm.model.importCols[i]!]!;
    exportQ[i] = x[pm.model.exportCols[i]!]!;
  }
  for (const month of pm.model.months) months.push({ start: month.monthStart, peakKw: x[month.col]! });
  for (const t of pm.model.trips) {
    const short = x[t.shortCol]! - metWithinKwh(t.capacityKwh);
    if (short > 0) { tripsMissed++; kwhShort += short; }
  }
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
