import type { PeriodFigures } from '../../shared/dashboard/state.js';

/**
 * Usage and money of one Brussels day. Energy is in Wh and volumes in litres (dm3) so the
 * meter's 3-decimal counters add up exactly; only shares of an interval split across a
 * boundary are fractional.
 */
export interface DaySummary {
  /** "YYYY-MM-DD", Brussels */
  day: string;
  /** local midnight, epoch ms UTC */
  start: number;
  importWh: [number, number];
  exportWh: [number, number];
  importEur: number;
  exportEur: number;
  gasLitres: number;
  gasEur: number;
  waterLitres: number;
  waterEur: number;
  /** part of the figures is a linear share of an interval with no readings (downtime) */
  estimated: boolean;
}

export function emptyDay(day: string, start: number): DaySummary {
  return {
    day, start,
    importWh: [0, 0], exportWh: [0, 0], importEur: 0, exportEur: 0,
    gasLitres: 0, gasEur: 0, waterLitres: 0, waterEur: 0,
    estimated: false,
  };
}

/** Figures for a period: the sum of its days (the dashboard's PeriodFigures, plus a day count). */
export interface UsageTotals extends PeriodFigures {
  /** days that had any reading */
  days: number;
}

export function sumDays(days: Iterable<DaySummary>, gasKwhPerM3: number | null): UsageTotals {
  let i1 = 0, i2 = 0, x1 = 0, x2 = 0, ie = 0, xe = 0, gl = 0, ge = 0, wl = 0, we = 0, n = 0;
  let estimated = false;
  for (const d of days) {
    i1 += d.importWh[0]; i2 += d.importWh[1]; x1 += d.exportWh[0]; x2 += d.exportWh[1];
    ie += d.importEur; xe += d.exportEur; gl += d.gasLitres; ge += d.gasEur; wl += d.waterLitres; we += d.waterEur;
    estimated ||= d.estimated;
    n++;
  }
  const electricityEur = ie - xe;
  return {
    importKwh: { t1: i1 / 1000, t2: i2 / 1000 },
    exportKwh: { t1: x1 / 1000, t2: x2 / 1000 },
    electricityEur,
    gas: { m3: gl / 1000, kwh: gasKwhPerM3 === null ? null : (gl / 1000) * gasKwhPerM3, eur: ge },
    water: { m3: wl / 1000, eur: we },
    totalEur: electricityEur + ge + we,
    estimated,
    days: n,
  };
}
