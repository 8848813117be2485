import { brusselsParts, brusselsLocalToUtc } from '../../shared/time/brussels.js';
import { DEFAULT_REGISTER_NAMES, hasPrice, type Bands, type Rates } from './rates-schema.js';

/** Day-ahead spot price in EUR/MWh at an instant, or null when none is known (then register rates apply). */
export type SpotPrice = (time: number) => number | null;

const noSpot: SpotPrice = () => null;

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** The clock band in force at an instant (Brussels civil time). */
export function bandAt(bands: Bands, time: number): string {
  const p = brusselsParts(time);
  const minute = p.hour * 60 + p.minute;
  for (const period of bands.periods) {
    if (period.days && !period.days.includes(p.isoWeekday)) continue;
    const from = minutesOf(period.from);
    const to = minutesOf(period.to);
    // a period may wrap midnight (22:00-07:00)
    const inside = from <= to ? minute >= from && minute < to : minute >= from || minute < to;
    if (inside) return period.name;
  }
  return bands.default;
}

/**
 * The first instant after `time` at which the clock band may change, so the ledger can split a
 * long interval there; null when the rates have no clock bands.
 */
export function nextBandEdge(rates: Rates, time: number): number | null {
  const bands = rates.Electricity.bands;
  if (!bands || bands.periods.length === 0) return null;
  const p = brusselsParts(time);
  let best = Infinity;
  // edges today and tomorrow cover every case (periods are at most a day long)
  for (const dayOffset of [0, 1]) {
    const d = new Date(Date.UTC(p.year, p.month - 1, p.day + dayOffset));
    for (const period of bands.periods) {
      for (const hhmm of [period.from, period.to]) {
        const m = minutesOf(hhmm);
        const edge = brusselsLocalToUtc(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), Math.floor(m / 60), m % 60);
        if (edge > time && edge < best) best = edge;
      }
    }
  }
  return best === Infinity ? null : best;
}

/** Band name for energy on a register at an instant: clock band when the rates have bands, else the register's name. */
export function electricityBand(rates: Rates, register: 1 | 2, time: number): string {
  const e = rates.Electricity;
  if (e.bands) return bandAt(e.bands, time);
  const key = register === 1 ? '1' : '2';
  const names = e.registers;
  return names !== undefined && Object.prototype.hasOwnProperty.call(names, key) ? names[key]! : DEFAULT_REGISTER_NAMES[key];
}

function formulaEurPerKwh(rates: Rates, side: '+' | '-', spotEurMwh: number): number | null {
  const dynamic = rates.Electricity.dynamic;
  const formula = dynamic?.[side];
  if (!dynamic || !formula) return null;
  const value = formula.factor * spotEurMwh + formula.base;
  if (dynamic.unit === 'c/kWh') return value / 100;
  if (dynamic.unit === 'EUR/MWh') return value / 1000;
  return value;
}

/** EUR per kWh, excluding the VAT factor, for import ('+') or export ('-') in a band at an instant. */
export function electricityPrice(rates: Rates, side: '+' | '-', band: string, time: number, spot: SpotPrice = noSpot): number {
  if (rates.Electricity.dynamic) {
    const s = spot(time);
    if (s !== null) {
      const dynamicPrice = formulaEurPerKwh(rates, side, s);
      if (dynamicPrice !== null) return dynamicPrice;
    }
  }
  // own keys only: a band named `constructor` must not find Object's constructor (NaN costs)
  const table = rates.Electricity[side];
  return hasPrice(table, band) ? table![band]! : 0;
}

export interface ElectricityMoney {
  importEur: number;
  exportEur: number;
}

/**
 * Money for energy used around one instant (Wh per register). Import is a cost with the
 * electricity VAT when the rates name one; export is a compensation without VAT (a household
 * does not charge VAT on what it injects).
 */
export function electricityEur(
  rates: Rates, time: number,
  importWh: readonly [number, number], exportWh: readonly [number, number],
  spot: SpotPrice = noSpot,
): ElectricityMoney {
  const vatFactor = 1 + (rates.Electricity.vat ?? 0);
  let importEur = 0;
  let exportEur = 0;
  for (const register of [1, 2] as const) {
    const i = importWh[register - 1];
    const x = exportWh[register - 1];
    if (i === 0 && x === 0) continue;
    const band = electricityBand(rates, register, time);
    if (i !== 0) importEur += (i / 1000) * electricityPrice(rates, '+', band, time, spot);
    if (x !== 0) exportEur += (x / 1000) * electricityPrice(rates, '-', band, time, spot);
  }
  return { importEur: importEur * vatFactor, exportEur };
}

/** Gas cost for a volume (dm3 = litres), per m3 or per kWh after `cnv` as the contract says. */
export function gasEur(rates: Rates, litres: number): number {
  const gas = rates.Gas;
  if (!gas) return 0;
  const m3 = litres / 1000;
  const quantity = gas.per === 'kWh' ? m3 * (gas.cnv?.[1] ?? 0) : m3;
  return quantity * gas['+'] * (1 + (gas.vat ?? 0));
}

export function waterEur(rates: Rates, litres: number): number {
  const water = rates.Water;
  if (!water) return 0;
  return (litres / 1000) * water['+'] * (1 + (water.vat ?? 0));
}

/** m3 -> kWh with the rates' `cnv` factor, null when the rates give none. */
export function gasKwh(rates: Rates, litres: number): number | null {
  const factor = rates.Gas?.cnv?.[1];
  return factor === undefined ? null : (litres / 1000) * factor;
}
