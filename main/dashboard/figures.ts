import { PERIOD_NAMES, type CostsState, type DashboardPeriod, type DayCost, type PeriodFigures, type RatesSummary } from '../../shared/dashboard/state.js';
import { startOfBrusselsDay } from '../../shared/time/brussels.js';
import type { DaySummary } from '../ledger/day-summary.js';
import { periodRange, usageIn } from '../ledger/periods.js';
import { bandAt, electricityBand, electricityPrice, type SpotPrice } from '../tariff/pricing.js';
import { DEFAULT_REGISTER_NAMES, type Rates } from '../tariff/rates-schema.js';

/** The `costs` part: the seed's period columns and the last 30 days, from the ledger's days. */
export function costsAt(now: number, days: readonly DaySummary[], gasKwhPerM3: number | null): CostsState {
  const periods = {} as Record<DashboardPeriod, PeriodFigures>;
  for (const name of PERIOD_NAMES) {
    const u = usageIn(days, periodRange(name, now), gasKwhPerM3);
    periods[name] = {
      importKwh: u.importKwh, exportKwh: u.exportKwh, electricityEur: u.electricityEur,
      gas: u.gas, water: u.water, totalEur: u.totalEur, estimated: u.estimated,
    };
  }
  const from = startOfBrusselsDay(now - 29.5 * 86_400_000);
  const recent: DayCost[] = days
    .filter((d) => d.start >= from && d.start <= now)
    .sort((a, b) => a.start - b.start)
    .map((d) => ({
      day: d.day, start: d.start,
      electricityEur: d.importEur - d.exportEur, gasEur: d.gasEur, waterEur: d.waterEur,
      totalEur: d.importEur - d.exportEur + d.gasEur + d.waterEur,
    }));
  return { asOf: now, periods, days: recent };
}

/**
 * EUR per kWh imported at an instant on a register, VAT included, the way the ledger prices it
 * (the dynamic formula when a day-ahead price is known, else the register or clock band's rate).
 */
export function importPriceAt(rates: Rates, time: number, register: number | null, spot?: SpotPrice): number {
  const band = electricityBand(rates, register === 2 ? 2 : 1, time);
  return electricityPrice(rates, '+', band, time, spot) * (1 + (rates.Electricity.vat ?? 0));
}

/** The rates panel: prices per band and the band a clock-band tariff has in force now. */
export function ratesSummary(rates: Rates, now: number): RatesSummary {
  const e = rates.Electricity;
  const registers = { ...DEFAULT_REGISTER_NAMES, ...e.registers } as { '1': string; '2': string };
  return {
    registers,
    importEur: { ...e['+'] },
    exportEur: e['-'] ? { ...e['-'] } : null,
    bandNow: e.bands ? bandAt(e.bands, now) : null,
    gasEurPerM3: rates.Gas && rates.Gas.per === 'm3' ? rates.Gas['+'] : null,
    waterEurPerM3: rates.Water ? rates.Water['+'] : null,
    capacityEurPerKwYear: rates.Capacity?.eurPerKwYear ?? null,
    vat: e.vat ?? null,
  };
}
