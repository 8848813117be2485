/**
 * The check behind the optimum's claim: a strategy's realised quarter energies (import, export,
 * each car's charge, the battery's charge and discharge, month peaks) are a feasible point of the
 * optimum's model, and that point costs in the model no more than the ledger billed, day by day
 * (energy) and month by month (capacity). Then the optimum, the least cost over that model, is
 * at most what the strategy paid.
 */
import { metWithinKwh } from './devices.js';
import { periodModel } from './optimum.js';
import { QUARTER_MS, type Scenario } from './scenario.js';
import type { RunResult } from './simulate.js';

export interface LowerBoundCheck {
  feasible: boolean;
  /** the worst violations, in words (empty when feasible) */
  violations: string[];
  days: Array<{ key: string; modelEur: number; billedEur: number }>;
  months: Array<{ start: number; modelEur: number; billedEur: number }>;
}

/** kWh a balance may be off by: the meter's counters are whole Wh, read at both ends of a quarter */
const ENERGY_TOLERANCE = 0.005;
/** kWh a state of charge may pass a bound by: the models' clamps at full and at the floor */
const SOC_TOLERANCE = 0.05;

export function checkLowerBound(s: Scenario, baseNet: Float64Array, run: RunResult): LowerBoundCheck {
  const violations: string[] = [];
  const months: LowerBoundCheck['months'] = [];
  const modelQuarterEur = new Float64Array(s.importPrice.length);
  {
    const { model, input } = periodModel(s, baseNet);
    const lp = model.lp;
    const x = new Float64Array(lp.numCols);
    const firstRow = new Int32Array(lp.numCols).fill(-1);
    for (let r = lp.numRows - 1; r >= 0; r--) for (let k = lp.starts[r]!; k < lp.starts[r + 1]!; k++) firstRow[lp.indices[k]!] = r;
    const n = s.importPrice.length;
    for (let i = 0; i < n; i++) {
      x[model.importCols[i]!] = run.quarters.importKwh[i]!;
      x[model.exportCols[i]!] = run.quarters.exportKwh[i]!;
    }
    // each car's energy, and its state of charge by the model's own balance
    input.cars.forEach((car, c) => {
      const eff = car.chargeEfficiency ?? 0.9;
      for (let i = 0; i < n; i++) x[model.carCols[c]![i]!] = run.quarters.carKwh[c]![i]!;
      // soc columns sit right after each energy column (model.ts adds them in pairs); each
      // quarter's balance row is the first row its soc column appears in
      const initial = (car.socPercent / 100) * car.capacityKwh;
      let soc = initial;
      for (let i = 0; i < n; i++) {
        const e = x[model.carCols[c]![i]!]!;
        const row = firstRow[model.carCols[c]![i]! + 1]!;
        // soc_0 - eff e_0 = initial - uses_0; soc_i - soc_{i-1} - eff e_i = -uses_i
        const uses = i === 0 ? initial - lp.rowLower[row]! : -lp.rowLower[row]!;
        soc = soc + eff * e - uses;
        x[model.carCols[c]![i]! + 1] = soc;
      }
    });
    if (input.battery) {
      const b = input.battery;
      const effIn = b.chargeEfficiency!;
      const effOut = b.dischargeEfficiency!;
      let soc = (b.socPercent / 100) * b.capacityKwh;
      for (let i = 0; i < n; i++) {
        const ch = run.quarters.chargeKwh[i]!;
        const dis = run.quarters.dischargeKwh[i]!;
        x[model.chargeCols[i]!] = ch;
        x[model.dischargeCols[i]!] = dis;
        soc += effIn * ch - dis / effOut;
        x[model.batterySocCols[i]!] = soc;
      }
    }
    for (const mc of model.months) {
      let peak = mc.floorKw;
      for (let i = 0; i < n; i++) if (model.quarterMonth[i] === model.months.indexOf(mc)) peak = Math.max(peak, 4 * x[model.importCols[i]!]!);
      x[mc.col] = peak;
    }
    for (const t of model.trips) {
      const have = t.socCol === null ? t.initialKwh : x[t.socCol]!;
      x[t.shortCol] = Math.max(0, t.wantedKwh - have);
    }
    // every bound and every row, within the tolerances
    for (let j = 0; j < lp.numCols; j++) {
      const v = x[j]!;
      const tol = SOC_TOLERANCE;
      if (v < lp.colLower[j]! - tol || v > lp.colUpper[j]! + tol) violations.push(`column ${j} = ${v.toFixed(4)} outside [${lp.colLower[j]}, ${lp.colUpper[j]}]`);
    }
    for (let r = 0; r < lp.numRows; r++) {
      let sum = 0;
      for (let k = lp.starts[r]!; k < lp.starts[r + 1]!; k++) sum += lp.values[k]! * x[lp.indices[k]!]!;
      if (sum < lp.rowLower[r]! - SOC_TOLERANCE || sum > lp.rowUpper[r]! + (lp.rowUpper[r] === lp.rowLower[r] ? SOC_TOLERANCE : ENERGY_TOLERANCE)) {
        violations.push(`row ${r} = ${sum.toFixed(4)} outside [${lp.rowLower[r]}, ${lp.rowUpper[r]}]`);
      }
    }
    for (const t of model.trips) if (x[t.shortCol]! > metWithinKwh(t.capacityKwh)) violations.push(`trip of ${t.carId} at ${new Date(t.departure).toISOString()} short by ${x[t.shortCol]!.toFixed(2)} kWh`);
    for (let i = 0; i < n; i++) {
      modelQuarterEur[i] = x[model.importCols[i]!]! * input.importPrice[i]! - x[model.exportCols[i]!]! * model.effectiveExportPrice[i]!;
    }
    const cap = s.household.rates.Capacity!;
    for (const mc of model.months) {
      const billed = run.months.find((rm) => rm.start === mc.monthStart);
      months.push({ start: mc.monthStart, modelEur: (x[mc.col]! * cap.eurPerKwYear) / 12, billedEur: billed ? (Math.max(billed.peakKw, cap.minimumKw) * cap.eurPerKwYear) / 12 : 0 });
    }
  }
  const days = s.days.map((d, k) => {
    const a = Math.round((d.start - s.start) / QUARTER_MS);
    const b = Math.round((d.end - s.start) / QUARTER_MS);
    let eur = 0;
    for (let i = a; i < b; i++) eur += modelQuarterEur[i]!;
    return { key: d.key, modelEur: eur, billedEur: run.days[k]!.energyEur };
  });
  return { feasible: violations.length === 0, violations: violations.slice(0, 20), days, months };
}
