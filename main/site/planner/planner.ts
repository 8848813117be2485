/**
 * The site planner: one optimal plan for every car and the battery over the next quarters, and,
 * when a trip cannot be met within the month peak the user allows, the least peak that would
 * meet it and what that costs, said while there is still time to act.
 */
import { brusselsParts } from '../../../shared/time/brussels.js';
import { buildModel, DEFAULT_BATTERY_EFFICIENCY, type PlanModel } from './model.js';
import type { LpSolver, SolveResult } from './solver.js';
import { QUARTER_MS, type Plan, type PlanInput, type PlannedQuarter, type PeakRaiseAdvice, type TripOutcome } from './types.js';
import { validatePlanInput } from './validate.js';

/** far above any energy or peak price: a trip is missed only when nothing else helps (the backtest's optimum prices a miss with it) */
export const SHORTFALL_EUR_PER_KWH = 1_000;
/**
 * The plan's own weighting: trips first, then the month peak, then energy (the brief: never a
 * new peak unless a trip needs it). A raise that would only buy cheaper energy within the 48 h in
 * view is not made: every quarter after it may spend the raised target, and the backtest's
 * optimum, seeing the whole year, almost never makes one (flanders-register: 2.50-2.51 kW in ten
 * months of twelve). The plan's cost still prices a raise at its real euros.
 * A kW of month peak weighs 100 times its price (417 EUR at 50 EUR/kW/year): more than a 1 kW
 * raise could save on 48 h of energy at any Belgian spread (192 quarters x 0.25 kWh x 0.10-0.50
 * EUR = 5-24 EUR). A kWh a trip misses weighs 10,000 EUR: more than the 4 x 417 EUR of the kW a
 * quarter's kWh needs. Kept that small on purpose: with weights of 1,000 and 10^7 the two-cars
 * test's battery discharged 0.24 kWh in a cheap window, a cent-sized decision lost (most likely)
 * to the solver's tolerances among costs thirteen orders of magnitude apart.
 *
 * A trip's energy is wanted an hour before the car leaves at 0.05 EUR per kWh still missing then:
 * more than the small price differences of a night (a dynamic contract's neighbouring hours), less
 * than a register's Day/Night step, and far below the 8.7 EUR a kWh costs as a raise spread over
 * 48 h (417 EUR x 4 / 192), so the plan never raises the peak for it. On a dynamic December night
 * the plan used every quarter up to the car's 06:45 departure under the peak so far, and each
 * quarter in which the house drew above its forecast then raised the peak a little; the hour of
 * slack takes those quarters instead.
 */
/**
 * Energy a car still holds at the horizon's end is worth 0.9 of the import price that a quarter
 * of the quarters in view are at or below (per kWh at the connection, model.ts): a surplus goes
 * into a car with room rather than out for less; with flat or two-rate prices (the night rate
 * holds over a quarter of any 48 h) that is the cheapest price and buying only to hold never
 * pays; where prices vary through the day the car also fills in the few quarters that are cheaper
 * still, as a car needing hours of charge for its later trips would (dynamic household, year:
 * 1,102.84 -> 1,095.90 EUR against the cheapest price alone).
 */
export const CAR_END_VALUE_SHARE = 0.9;
export const CAR_END_VALUE_QUANTILE = 0.25;
const PLAN_WEIGHTS = {
  shortfallEurPerKwh: 10_000, peakWeight: 100, readyEarly: { quarters: 4, eurPerKwh: 0.05 },
  carEndValueShare: CAR_END_VALUE_SHARE, carEndValueQuantile: CAR_END_VALUE_QUANTILE,
};
/** below this a trip counts as met (kWh); solver tolerances are far smaller */
const MET_KWH = 0.005;

function round(v: number, digits = 6): number {
  const f = 10 ** digits;
  const r = Math.round(v * f) / f;
  return r === 0 ? 0 : r;
}

interface Costs {
  energyEur: number;
  peakEur: number;
  wearEur: number;
  totalEur: number;
}

/** the plan's real cost from the solution (no weights, no shortfall penalty) */
function costsOf(input: PlanInput, model: PlanModel, x: Float64Array): Costs {
  let energyEur = 0;
  let wearEur = 0;
  for (let i = 0; i < input.baseKwh.length; i++) {
    energyEur += input.importPrice[i] * x[model.importCols[i]] - model.effectiveExportPrice[i] * x[model.exportCols[i]];
    if (input.battery) wearEur += (input.battery.wearEurPerKwh ?? 0) * x[model.dischargeCols[i]];
  }
  let peakEur = 0;
  for (const m of model.months) peakEur += (x[m.col] - m.floorKw) * (input.peak.pricePerKwYear / 12);
  return { energyEur: round(energyEur, 4), peakEur: round(peakEur, 4), wearEur: round(wearEur, 4), totalEur: round(energyEur + peakEur + wearEur, 4) };
}

function tripOutcomes(model: PlanModel, x: Float64Array): TripOutcome[] {
  return model.trips.map((t) => {
    const short = Math.max(0, x[t.shortCol]);
    const atDeparture = t.socCol === null ? t.initialKwh : x[t.socCol];
    return {
      carId: t.carId,
      departure: t.departure,
      wantedPercent: round((t.wantedKwh / t.capacityKwh) * 100, 1),
      reachedPercent: round((Math.max(0, atDeparture) / t.capacityKwh) * 100, 1),
      shortKwh: short < MET_KWH ? 0 : round(short, 3),
    };
  });
}

function solveOrThrow(solver: LpSolver, model: PlanModel, what: string): SolveResult {
  const result = solver.solve(model.lp);
  // with soft trips and a ceiling that yields to the house, the model is always feasible
  if (result.status !== 'optimal') throw new Error(`planner: the ${what} could not be solved (HiGHS: ${result.detail})`);
  return result;
}

function clock(t: number): string {
  const p = brusselsParts(t);
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

function warningsFor(trips: TripOutcome[], advice: PeakRaiseAdvice | null, quarterMonth: (t: number) => number): string[] {
  return trips.filter((t) => t.shortKwh > 0).map((t) => {
    const head = `${t.carId} will reach ${Math.floor(t.reachedPercent)}% by ${clock(t.departure)}, not ${Math.round(t.wantedPercent)}%`;
    const peak = advice?.meetsAll ? advice.peakKw.get(quarterMonth(t.departure)) : undefined;
    if (advice?.meetsAll && peak !== undefined) {
      return `${head}: allow a peak of ${peak.toFixed(1)} kW (about ${advice.extraEur.toFixed(2)} EUR more), or plug in sooner or leave later`;
    }
    return `${head}: no peak the connection allows is enough; plug in sooner, charge faster or leave later`;
  });
}

/**
 * What each trip gets under the plan for `input`, and nothing else (one solve): the probes that
 * look for what would fix an unmet trip (fixes.ts) need no more.
 */
export function tripsUnder(solver: LpSolver, input: PlanInput): TripOutcome[] {
  const model = buildModel(input, PLAN_WEIGHTS);
  return tripOutcomes(model, solveOrThrow(solver, model, 'plan').values);
}

/**
 * Per quarter, what a kWh drawn from the battery beyond the plan costs its later quarters: the
 * state-of-charge row into the next quarter says what one more kWh held then would save the plan
 * (its dual, with the plan's own weights: a kWh the peak or its guard needs is dear), and the
 * discharge's loss takes 1/effOut held kWh per kWh at the meter. The battery covers an import
 * the forecast missed where the price now is above it (battery/strategy.ts).
 */
function batteryDrawCosts(input: PlanInput, model: PlanModel, rowDuals: Float64Array): number[] | null {
  const b = input.battery;
  if (!b) return null;
  const effOut = b.dischargeEfficiency ?? DEFAULT_BATTERY_EFFICIENCY;
  const rows = model.batterySocRows;
  return rows.map((_, i) => round(Math.max(0, -rowDuals[rows[Math.min(i + 1, rows.length - 1)]!]!) / effOut, 5));
}

export function plan(solver: LpSolver, input: PlanInput): Plan {
  validatePlanInput(input);
  const model = buildModel(input, PLAN_WEIGHTS);
  const solved = solveOrThrow(solver, model, 'plan');
  const x = solved.values;
  const trips = tripOutcomes(model, x);
  const drawCost = batteryDrawCosts(input, model, solved.rowDuals);
  const cost = costsOf(input, model, x);

  let advice: PeakRaiseAdvice | null = null;
  const ceiling = input.peak.ceilingKw;
  if (trips.some((t) => t.shortKwh > 0) && ceiling !== undefined && ceiling < input.connectionKw) {
    // the same plan with the peak free up to the connection (the plan's weights already ask for the least peak first)
    const free = buildModel(input, { ...PLAN_WEIGHTS, ceilingKw: input.connectionKw });
    const y = solveOrThrow(solver, free, 'least peak').values;
    const freeTrips = tripOutcomes(free, y);
    const peakKw = new Map<number, number>();
    // round up to 0.1 kW so that the advised peak is enough
    for (const m of free.months) peakKw.set(m.monthStart, Math.ceil(round(y[m.col], 4) * 10) / 10);
    advice = {
      peakKw,
      extraEur: round(costsOf(input, free, y).totalEur - cost.totalEur, 2),
      meetsAll: freeTrips.every((t) => t.shortKwh === 0),
    };
  }

  const quarters: PlannedQuarter[] = [];
  for (let i = 0; i < input.baseKwh.length; i++) {
    const carKwh = new Map<string, number>();
    input.cars.forEach((car, c) => carKwh.set(car.id, round(x[model.carCols[c][i]])));
    quarters.push({
      start: input.start + i * QUARTER_MS,
      importKwh: round(x[model.importCols[i]]),
      exportKwh: round(x[model.exportCols[i]]),
      carKwh,
      batteryChargeKwh: input.battery ? round(x[model.chargeCols[i]]) : 0,
      batteryDischargeKwh: input.battery ? round(x[model.dischargeCols[i]]) : 0,
      batterySocKwh: input.battery ? round(x[model.batterySocCols[i]]) : 0,
      batteryDrawCostEur: drawCost ? drawCost[i]! : null,
      targetPeakKw: round(x[model.months[model.quarterMonth[i]].col], 4),
      importPrice: input.importPrice[i],
      exportPrice: input.exportPrice[i],
    });
  }
  const monthPeakKw = new Map<number, number>();
  for (const m of model.months) monthPeakKw.set(m.monthStart, round(x[m.col], 4));
  const monthOf = (t: number): number => {
    const i = Math.min(input.baseKwh.length - 1, Math.max(0, Math.ceil((t - input.start) / QUARTER_MS) - 1));
    return model.months[model.quarterMonth[i]].monthStart;
  };
  return { start: input.start, quarters, monthPeakKw, trips, cost, advice, warnings: warningsFor(trips, advice, monthOf) };
}
