/**
 * The site plan as one linear program (site-control.md "Planning"). Per quarter i:
 *   import_i - export_i - sum_c car_{c,i} - charge_i + discharge_i = base_i        (the meter)
 *   4 * import_i <= peak_m                       (the quarter's average kW, month m of quarter i)
 *   soc_{c,i} = soc_{c,i-1} + eff_c * car_{c,i} - trip energy leaving at i
 *   eff_c * car_{c,i} <= fill_c * (capacity_c - soc_{c,i-1})     (a car that tapers near full)
 *   bat_i = bat_{i-1} + eff_in * charge_i - discharge_i / eff_out
 *   soc_{c, quarter before departure} + short_trip >= wanted                    (soft: priced)
 * and it minimizes energy bought minus energy sold, plus each month's peak at its marginal
 * price (price per kW per year / 12, capacity-tariff.md), battery wear and shortfalls.
 * Every row has a handful of terms, whatever the number of devices.
 */
import { FULL_PERCENT } from '../../../shared/ev/full.js';
import { startOfBrusselsMonth } from '../../../shared/time/brussels.js';
import { LpBuilder } from './lp-builder.js';
import { QUARTER_MS, type PlanCar, type PlanInput } from './types.js';

export const DEFAULT_CAR_EFFICIENCY = 0.9;
export const DEFAULT_BATTERY_EFFICIENCY = 0.95;
/** the tie-break toward earlier charging: far below any price difference that matters */
const EARLIER_EUR_PER_KWH_QUARTER = 1e-6;

export interface ModelOptions {
  /** EUR per kWh a trip misses at departure: far above any price, so it is the last resort */
  shortfallEurPerKwh: number;
  /** multiplies the peak's price: >1 asks for the least peak first, energy cost second */
  peakWeight: number;
  /** the month peak's ceiling to use instead of the input's (kW) */
  ceilingKw?: number;
  /**
   * Slack before departures: EUR per kWh a trip's car still lacks `quarters` before it leaves
   * (where it is home all that time). Priced above small price differences and far below what a
   * peak raise costs per kWh, it makes the plan finish early where the peak allows at little
   * cost, so that a house drawing more than its forecast in the night uses the slack instead of
   * raising the month peak for the trip
   */
  readyEarly?: { quarters: number; eurPerKwh: number };
  /**
   * What energy left in a car at the horizon's end is worth, as a share of an import price in
   * view (carEndValueQuantile; the cheapest by default) per kWh at the connection: the car's
   * later trips will take it, and it saves buying it then. Without it a plan that sees no trip
   * needing more exports a surplus it could have stored in the car for nothing and buys the same
   * energy back the day a trip comes into view. Below 1, so that buying energy at that price only
   * to hold it never pays. Absent: energy left is worth nothing (the backtest's optimum, whose
   * final state is free).
   */
  carEndValueShare?: number;
  /**
   * Which import price in view that share is of: the one that this share of the horizon's
   * quarters are at or below (0: the cheapest). A car's later trips take hours of charging, not
   * one quarter's, so the purchase a kWh left saves is dearer than the single cheapest quarter
   * wherever prices vary through the day; above 0 the plan also buys in the cheapest quarters to
   * hold, as far as they are below that share of the price
   */
  carEndValueQuantile?: number;
}

export interface TripColumns {
  carId: string;
  departure: number;
  wantedKwh: number;
  capacityKwh: number;
  /** column of the car's state of charge at departure; null when the departure is in the first instant */
  socCol: number | null;
  initialKwh: number;
  shortCol: number;
}

export interface MonthColumn {
  monthStart: number;
  col: number;
  floorKw: number;
}

export interface PlanModel {
  lp: LpBuilder;
  importCols: number[];
  exportCols: number[];
  /** per car (input order), per quarter */
  carCols: number[][];
  chargeCols: number[];
  dischargeCols: number[];
  batterySocCols: number[];
  /** per quarter: the row that carries the battery's state of charge from the quarter before */
  batterySocRows: number[];
  months: MonthColumn[];
  /** month index of each quarter */
  quarterMonth: number[];
  trips: TripColumns[];
  effectiveExportPrice: number[];
}

/** share of quarter [qStart, qStart + 15 min) covered by the spans */
export function pluggedShare(spans: readonly { from: number; to: number }[], qStart: number): number {
  let covered = 0;
  for (const s of spans) {
    const from = Math.max(s.from, qStart);
    const to = Math.min(s.to, qStart + QUARTER_MS);
    if (to > from) covered += to - from;
  }
  return Math.min(1, covered / QUARTER_MS);
}

/** plugged in for the whole of quarters from..to (a car back later cannot be ready earlier) */
function homeAll(car: PlanCar, start: number, from: number, to: number): boolean {
  for (let i = from; i <= to; i++) if (pluggedShare(car.plugged, start + i * QUARTER_MS) < 1) return false;
  return true;
}

function carColumns(lp: LpBuilder, input: PlanInput, car: PlanCar, options: ModelOptions, trips: TripColumns[]): number[] {
  const n = input.baseKwh.length;
  const eff = car.chargeEfficiency ?? DEFAULT_CAR_EFFICIENCY;
  const initialKwh = Math.min(car.capacityKwh, Math.max(0, (car.socPercent / 100) * car.capacityKwh));
  // energy a trip takes, booked in the quarter after the one it leaves at the end of
  const usesAt = new Map<number, number>();
  const sorted = [...car.trips].sort((a, b) => a.departure - b.departure);
  const departures: Array<{ last: number; trip: (typeof sorted)[number] }> = [];
  for (const trip of sorted) {
    // the last quarter before the car leaves: the one that ends at or after the departure
    const last = Math.ceil((trip.departure - input.start) / QUARTER_MS) - 1;
    if (last >= n) continue; // beyond the horizon: the next plans see it
    if (trip.departure <= input.start) continue; // already gone
    departures.push({ last, trip });
    if (last + 1 < n) usesAt.set(last + 1, (usesAt.get(last + 1) ?? 0) + (trip.usesKwh ?? 0));
  }
  const energy: number[] = [];
  const soc: number[] = [];
  // per kWh in the car: the purchase it saves, at the connection, counts its losses
  const endValue = options.carEndValueShare && n > 0 ? (options.carEndValueShare * Math.max(0, endValuePrice(input.importPrice, options.carEndValueQuantile ?? 0))) / eff : 0;
  // the taper near full: over a quarter at most the share `taperFill` of the room left to full
  // goes in (the room shrinks exponentially at the rate full power gives at the taper's start)
  const taperFrom = car.taperAbovePercent;
  const taperFill = taperFrom !== undefined && car.capacityKwh > 0
    ? 1 - Math.exp(-((car.maxKw * eff) / (((100 - taperFrom) / 100) * car.capacityKwh)) * (QUARTER_MS / 3_600_000))
    : null;
  for (let i = 0; i < n; i++) {
    const share = pluggedShare(car.plugged, input.start + i * QUARTER_MS);
    // among quarters at the same price, the earlier one (a millionth of a euro per kWh and
    // quarter): a shortfall found later can still be made up, and the car is ready sooner
    energy.push(lp.addVar(0, (car.maxKw * share) / 4, EARLIER_EUR_PER_KWH_QUARTER * i));
    // a trip may take more than is left: the state of charge may then read below 0 (the car
    // came back on fuel or charged elsewhere); what matters is the next departure's target
    soc.push(lp.addVar(-car.capacityKwh, car.capacityKwh, i === n - 1 ? -endValue : 0));
    const uses = usesAt.get(i) ?? 0;
    if (i === 0) lp.addRow(initialKwh - uses, initialKwh - uses, [{ col: soc[0], coef: 1 }, { col: energy[0], coef: -eff }]);
    else lp.addRow(-uses, -uses, [{ col: soc[i], coef: 1 }, { col: soc[i - 1], coef: -1 }, { col: energy[i], coef: -eff }]);
    // eff x energy_i <= taperFill x (capacity - soc before the quarter)
    if (taperFill !== null) {
      if (i === 0) lp.addRow(-Infinity, taperFill * (car.capacityKwh - initialKwh), [{ col: energy[0], coef: eff }]);
      else lp.addRow(-Infinity, taperFill * car.capacityKwh, [{ col: energy[i], coef: eff }, { col: soc[i - 1], coef: taperFill }]);
    }
  }
  for (const { last, trip } of departures) {
    // a tapering car only nears full: it counts as full at FULL_PERCENT, as the EV controller has it
    const most = taperFill !== null ? (FULL_PERCENT / 100) * car.capacityKwh : car.capacityKwh;
    const wantedKwh = Math.min(most, Math.max(0, (trip.socPercent / 100) * car.capacityKwh));
    const shortCol = lp.addVar(0, wantedKwh, options.shortfallEurPerKwh);
    const socCol = last >= 0 ? soc[last] : null;
    if (socCol === null) lp.addRow(wantedKwh - initialKwh, Infinity, [{ col: shortCol, coef: 1 }]);
    else lp.addRow(wantedKwh, Infinity, [{ col: socCol, coef: 1 }, { col: shortCol, coef: 1 }]);
    trips.push({ carId: car.id, departure: trip.departure, wantedKwh, capacityKwh: car.capacityKwh, socCol, initialKwh, shortCol });
    const early = options.readyEarly;
    const earlyIndex = early ? last - early.quarters : -1;
    if (early && earlyIndex >= 0 && homeAll(car, input.start, earlyIndex, last)) {
      const lateCol = lp.addVar(0, wantedKwh, early.eurPerKwh);
      lp.addRow(wantedKwh, Infinity, [{ col: soc[earlyIndex], coef: 1 }, { col: lateCol, coef: 1 }]);
    }
  }
  return energy;
}

/** the import price that `quantile` of the quarters are at or below (0: the cheapest) */
export function endValuePrice(importPrice: readonly number[], quantile: number): number {
  const sorted = [...importPrice].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(quantile * sorted.length)))] ?? 0;
}

/** the longest run of quarters one guard row covers: an oven or a cooker draws for 30-45 minutes */
export const PEAK_GUARD_QUARTERS = 3;

/**
 * The battery's guard of the month peak: it enters each run of up to PEAK_GUARD_QUARTERS
 * quarters in which the house alone may draw above the month peak holding (above its reserve,
 * after its losses) what the house may draw above that peak through the run:
 *   effOut x (soc before i - reserve) + slack >= sum over the run of (high_k - peak_m / 4)
 * with peak_m the month peak as it stands (or its floor). Without it a plan spends the battery to
 * the reserve on the forecast's average evening and the day the house cooks a quarter later than
 * average sets the month peak (flanders-register, 10 September: the battery at 10% at 18:45, the
 * house alone 3.6 kW, the month peak 2.52 -> 3.73 kW). A kWh the battery lacks costs what 4 kW of
 * month peak would (the slack), far above what holding a kWh back costs (a register's Day/Night
 * step, the round trip). Only the battery's charge answers it: a plan that raised its peak or
 * moved a car for it would spend real euros against a risk it counts once per row (a year's
 * November with the peak in the rows: 2.50 -> 6.12 kW).
 */
function addPeakGuard(lp: LpBuilder, high: readonly number[], g: {
  reserve: number; effOut: number; socCols: number[]; months: MonthColumn[]; quarterMonth: number[]; eurPerKwh: number;
}): void {
  const n = Math.min(high.length, g.socCols.length);
  const above = (k: number): number => high[k]! - g.months[g.quarterMonth[k]!]!.floorKw / 4;
  // from quarter 1: what the battery holds entering quarter 0 is measured, not planned
  for (let i = 1; i < n; i++) {
    let need = 0;
    for (let w = 1; w <= PEAK_GUARD_QUARTERS && i + w - 1 < n; w++) {
      const k = i + w - 1;
      // a quarter whose high is within the peak ends the run
      if (!(above(k) > 0)) break;
      need += above(k);
      const slack = lp.addVar(0, Infinity, g.eurPerKwh);
      lp.addRow(need + g.effOut * g.reserve, Infinity, [{ col: slack, coef: 1 }, { col: g.socCols[i - 1]!, coef: g.effOut }]);
    }
  }
}

export function buildModel(input: PlanInput, options: ModelOptions): PlanModel {
  const n = input.baseKwh.length;
  const lp = new LpBuilder();
  const quarterKwCap = input.connectionKw / 4;

  // months the horizon touches, each with its peak variable
  const months: MonthColumn[] = [];
  const quarterMonth: number[] = [];
  const ceiling = options.ceilingKw ?? input.peak.ceilingKw ?? input.connectionKw;
  const startMonth = startOfBrusselsMonth(input.start);
  for (let i = 0; i < n; i++) {
    const m = startOfBrusselsMonth(input.start + i * QUARTER_MS);
    if (months.length === 0 || months[months.length - 1].monthStart !== m) {
      const floorKw = Math.max(input.peak.minimumKw, m === startMonth ? input.peak.soFarKw : 0);
      months.push({ monthStart: m, col: -1, floorKw });
    }
    quarterMonth.push(months.length - 1);
  }
  const perKwMonth = (input.peak.pricePerKwYear / 12) * options.peakWeight;
  for (let m = 0; m < months.length; m++) {
    // the house alone may already need more than the ceiling: the ceiling never makes the plan impossible
    let baseKw = 0;
    for (let i = 0; i < n; i++) if (quarterMonth[i] === m) baseKw = Math.max(baseKw, input.baseKwh[i] * 4);
    const upper = Math.max(ceiling, months[m].floorKw, baseKw);
    months[m].col = lp.addVar(months[m].floorKw, upper, perKwMonth);
  }

  const importCols: number[] = [];
  const exportCols: number[] = [];
  const effectiveExportPrice: number[] = [];
  for (let i = 0; i < n; i++) {
    // negative prices: selling above the buying price would make the model import and export
    // at once for profit; what passes through the meter and back earns nothing here
    // (a hair below it, so that the tie goes to not passing energy through at all)
    const sell = input.exportPrice[i] < input.importPrice[i] ? input.exportPrice[i] : input.importPrice[i] - 1e-5;
    effectiveExportPrice.push(sell);
    importCols.push(lp.addVar(0, Math.max(quarterKwCap, input.baseKwh[i]), input.importPrice[i]));
    exportCols.push(lp.addVar(0, Math.max(quarterKwCap, -input.baseKwh[i]), -sell));
  }

  const trips: TripColumns[] = [];
  const carCols = input.cars.map((car) => carColumns(lp, input, car, options, trips));

  const chargeCols: number[] = [];
  const dischargeCols: number[] = [];
  const batterySocCols: number[] = [];
  const batterySocRows: number[] = [];
  const b = input.battery;
  if (b) {
    const effIn = b.chargeEfficiency ?? DEFAULT_BATTERY_EFFICIENCY;
    const effOut = b.dischargeEfficiency ?? DEFAULT_BATTERY_EFFICIENCY;
    const now = Math.min(b.capacityKwh, Math.max(0, (b.socPercent / 100) * b.capacityKwh));
    const reserve = Math.min(now, ((b.reservePercent ?? 0) / 100) * b.capacityKwh);
    const end = Math.min(b.capacityKwh, b.endSocPercent === undefined ? now : (b.endSocPercent / 100) * b.capacityKwh);
    for (let i = 0; i < n; i++) {
      chargeCols.push(lp.addVar(0, b.maxChargeKw / 4));
      dischargeCols.push(lp.addVar(0, b.maxDischargeKw / 4, b.wearEurPerKwh ?? 0));
      batterySocCols.push(lp.addVar(reserve, b.capacityKwh));
      const terms = [{ col: batterySocCols[i], coef: 1 }, { col: chargeCols[i], coef: -effIn }, { col: dischargeCols[i], coef: 1 / effOut }];
      if (i === 0) batterySocRows.push(lp.addRow(now, now, terms));
      else batterySocRows.push(lp.addRow(0, 0, [...terms, { col: batterySocCols[i - 1], coef: -1 }]));
    }
    if (n > 0) lp.addRow(Math.max(reserve, end), Infinity, [{ col: batterySocCols[n - 1], coef: 1 }]);
    if (input.baseHighKwh) addPeakGuard(lp, input.baseHighKwh, { reserve, effOut, socCols: batterySocCols, months, quarterMonth, eurPerKwh: (input.peak.pricePerKwYear / 12) * 4 });
  }

  for (let i = 0; i < n; i++) {
    const terms = [{ col: importCols[i], coef: 1 }, { col: exportCols[i], coef: -1 }];
    for (const cols of carCols) terms.push({ col: cols[i], coef: -1 });
    if (b) terms.push({ col: chargeCols[i], coef: -1 }, { col: dischargeCols[i], coef: 1 });
    lp.addRow(input.baseKwh[i], input.baseKwh[i], terms);
    lp.addRow(-Infinity, 0, [{ col: importCols[i], coef: 4 }, { col: months[quarterMonth[i]].col, coef: -1 }]);
  }

  return { lp, importCols, exportCols, carCols, chargeCols, dischargeCols, batterySocCols, batterySocRows, months, quarterMonth, trips, effectiveExportPrice };
}
