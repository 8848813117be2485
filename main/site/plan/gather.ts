/**
 * The plan service's inputs from what the meter process knows: the bus state (the cars on the
 * chargers with their plug state and SoC from `ev`, the trips from `trips`, the battery from
 * `battery`, the month peak so far from `quarter`), the configuration (cars, chargers, battery,
 * main fuse, site.plan) and the forecasts (base load from the stored quarters, prices from the
 * rates and the day-ahead cache). Pure apart from the functions it is handed.
 */
import type { Rates } from '../../../shared/tariff/rates-schema.js';
import type { BusState } from '../../../shared/state.js';
import type { BatteryConfig } from '../../config/battery-schema.js';
import type { EvConfig, CarConfig } from '../../config/ev-schema.js';
import type { PlanConfig } from '../../config/site-schema.js';
import type { SpotPrice } from '../../tariff/pricing.js';
import type { BaseQuarter } from '../base-energy.js';
import { ampsPerKw, type Fuse } from '../fuse.js';
import { forecastBaseLoad } from '../forecast/base-load.js';
import { forecastPrices, type RegisterAt } from '../forecast/prices.js';
import type { PlanForecast, PlanInputBattery, PlanInputCar, PlanInputs } from './service.js';

const WEEK_MS = 7 * 86_400_000;
const PHASE_VOLTS = 230;

export interface GatherContext {
  ev?: EvConfig;
  battery?: BatteryConfig;
  fuse: Fuse;
  plan: PlanConfig;
  rates(): Rates;
  spot: SpotPrice;
  /** the meter's register hours (learned, or the usual Belgian ones) */
  register?: RegisterAt;
  /** the stored base-load quarters in [from, to) */
  baseHistory(from: number, to: number): BaseQuarter[];
  /** weeks of history the base load forecast averages (default 4) */
  weeks?: number;
}

/** the connection's capacity, kW: every conductor at the fuse's current */
export function connectionKw(fuse: Fuse): number {
  const conductors = fuse.phases === 1 ? [1 as const] : [1 as const, 2 as const, 3 as const];
  return Math.round((fuse.amps / ampsPerKw(fuse.grid, conductors)) * 100) / 100;
}

function carMaxKw(car: CarConfig, chargerA: number, grid: Fuse['grid']): number {
  const amps = Math.min(chargerA, car.maxCurrentA);
  const phases = grid === '1x230' ? 1 : car.maxPhases;
  // 3 x 230 V without neutral: a three-phase load takes sqrt(3) x 230 V x I
  const watts = grid === '3x230' && phases === 3 ? Math.sqrt(3) * PHASE_VOLTS * amps : PHASE_VOLTS * amps * phases;
  return Math.round(watts / 10) / 100;
}

function sameCar(tripCar: string, car: CarConfig): boolean {
  const name = tripCar.toLowerCase();
  return name === car.id.toLowerCase() || name === car.name.toLowerCase();
}

function cars(state: Readonly<BusState>, ctx: GatherContext): PlanInputCar[] {
  const ev = ctx.ev;
  if (!ev) return [];
  const byId = new Map(ev.cars.map((c) => [c.id, c] as const));
  const chargerA = new Map(ev.chargers.map((c) => [c.id, c.maxCurrentA] as const));
  const grid = ev.grid ?? ctx.fuse.grid;
  const trips = state.trips?.trips ?? [];
  const out: PlanInputCar[] = [];
  const onCharger = new Set<string>();
  for (const charger of state.ev?.chargers ?? []) {
    const car = charger.car ? byId.get(charger.car.id) : undefined;
    if (!car || onCharger.has(car.id)) continue;
    onCharger.add(car.id);
    out.push(planCar(car, charger.id, charger.plugged, charger.soc?.percent ?? null, chargerA.get(charger.id) ?? car.maxCurrentA, grid, trips));
  }
  // a car on no charger but with trips ahead: planned from when it is assumed back home
  for (const car of ev.cars) {
    if (onCharger.has(car.id) || !trips.some((t) => sameCar(t.car, car))) continue;
    const charger = ev.chargers.find((c) => c.car === car.id) ?? ev.chargers[0];
    if (!charger) continue;
    out.push(planCar(car, null, false, null, charger.maxCurrentA, grid, trips));
  }
  return out;
}

function planCar(car: CarConfig, charger: string | null, plugged: boolean, socPct: number | null, chargerA: number, grid: Fuse['grid'], trips: NonNullable<BusState['trips']>['trips']): PlanInputCar {
  // what a trip takes out of the battery is not in the calendar: the car's usual trip
  const usesKwh = (car.consumptionKwhPer100km * car.defaultTripKm) / 100;
  return {
    id: car.id, name: car.name, charger, plugged, socPct, assumedSocPct: car.minSocPercent,
    capacityKwh: car.batteryKwh, maxKw: carMaxKw(car, chargerA, grid), efficiency: car.efficiency, taperAbovePercent: car.taperAbovePercent,
    trips: trips.filter((t) => sameCar(t.car, car)).map((t) => ({ departure: t.departure, socPct: t.needSocPct, usesKwh })),
  };
}

function battery(state: Readonly<BusState>, config: BatteryConfig | undefined): PlanInputBattery | null {
  const b = state.battery;
  if (!config || !b || b.socPct === null || b.mode !== 'auto' || b.link.state !== 'ok') return null;
  const capacity = b.capacityKwh ?? (config.type === 'simulator' ? config.capacityKwh : null);
  if (capacity === null || capacity <= 0) return null;
  const maxKw = config.type === 'simulator' ? Math.min(config.maxKw, config.inverterKva) : config.inverterKva;
  return { device: config.device, capacityKwh: capacity, socPct: b.socPct, maxChargeKw: maxKw, maxDischargeKw: maxKw, reservePct: config.reservePct };
}

export function planInputsFrom(state: Readonly<BusState>, ctx: GatherContext, now: number, pricesKey: string): PlanInputs {
  const rates = ctx.rates();
  const q = state.quarter;
  const minimumKw = rates.Capacity?.minimumKw ?? 2.5;
  // the month peak so far, or the user's floor when higher: below it, energy costs no peak
  const soFarKw = Math.max(minimumKw, q?.monthPeakKw ?? 0, q?.userFloorKw ?? 0);
  return {
    now,
    cars: cars(state, ctx),
    battery: battery(state, ctx.battery),
    peak: { soFarKw, minimumKw, pricePerKwYear: rates.Capacity?.eurPerKwYear ?? 0, ceilingKw: ctx.plan.ceilingKw },
    connectionKw: connectionKw(ctx.fuse),
    quarterImportKwh: q && q.quarterStart <= now && now < q.quarterEnd ? q.energySoFarKwh : null,
    pricesKey,
    forecast: (start, quarters): PlanForecast => {
      const base = forecastBaseLoad(ctx.baseHistory(start - (ctx.weeks ?? 4) * WEEK_MS, start), start, quarters, ctx.weeks ?? 4);
      const prices = forecastPrices(rates, start, quarters, ctx.spot, ctx.register);
      return { baseKwh: base.kwh, baseHighKwh: base.highKwh, importPrice: prices.importPrice, exportPrice: prices.exportPrice };
    },
  };
}
