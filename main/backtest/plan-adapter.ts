/**
 * The backtest's way to the planner (main/site/planner), directly rather than through the plan
 * service's class (main/site/plan/service.ts): at each quarter a plan over the next 48 hours (as the plan service plans) from what the product would know
 * then: the cars' states of charge and their calendar trips, the battery, the month peak so far,
 * the prices (the day-ahead series where published, else the same quarter a day earlier), and
 * the base load forecast by the forecast module's rule (the average of the same weekday and
 * clock time over the last four weeks; with none yet, the same clock time on the days known;
 * where the sun is up, moved by the last day's sky and today's so far as main/site/forecast/recent-sky.ts does),
 * from the quarters simulated so far and, before the start, four weeks of the household's
 * generated history (a site has weeks stored when a backtest's period begins).
 * Unlike the plan service, it knows when a car comes back from a trip and what the trip takes out
 * of its battery (the service assumes 18:00 and the car's usual trip).
 * One function, so swapping it for the plan service changes one import.
 */
import { ClockHighs } from '../site/forecast/base-high.js';
import { recentAnomaly, TODAY_QUARTERS, todaySkyIndex, withRecentSky, withTodaySky, type PastQuarter } from '../site/forecast/recent-sky.js';
import { plan as makePlan } from '../site/planner/planner.js';
import type { LpSolver } from '../site/planner/solver.js';
import type { Plan, PlanCar, PlanInput, Span } from '../site/planner/types.js';
import { TAPER_FROM_PERCENT } from '../ev/simulator/car-model.js';
import { connectionKw } from './household.js';
import { baseQuarters, buildScenario, QUARTER_MS, type Scenario } from './scenario.js';
import type { SiteView } from './simulate.js';

export const PLAN_QUARTERS = 192;
const DAY_Q = 96;
const WEEK_Q = 7 * DAY_Q;

/** index of the first quarter of the day after 13:00 publication: day-ahead prices known up to */
function pricesKnownUntil(view: SiteView): number {
  const s = view.scenario;
  if (!s.household.dayAhead) return Infinity;
  // the day-ahead auction publishes tomorrow's prices around 13:00
  const day = s.days.find((d) => view.now >= d.start && view.now < d.end)!;
  const publishedTomorrow = view.now - day.start >= 13 * 3_600_000;
  const until = publishedTomorrow ? (s.days[day.index + 1]?.end ?? s.end) : day.end;
  return Math.round((until - s.start) / QUARTER_MS);
}

/**
 * @param history the realised net base load per quarter from the scenario's start
 * @param before the quarters before the start (the history the site had stored), the last one
 *   just before the start; empty when none
 */
export function baseForecast(history: Float64Array, now: number, n: number, before: Float64Array = new Float64Array(0), startMs = 0): number[] {
  const at = (i: number): number | null => (i >= 0 ? (i < now ? history[i]! : null) : i >= -before.length ? before[before.length + i]! : null);
  const out: number[] = [];
  for (let j = now; j < now + n; j++) {
    let sum = 0;
    let count = 0;
    for (let k = 1; k <= 4; k++) {
      const v = at(j - k * WEEK_Q);
      if (v !== null) { sum += v; count++; }
    }
    if (count === 0) {
      for (let k = 1; k <= 28; k++) {
        const v = at(j - k * DAY_Q);
        if (v !== null) { sum += v; count++; }
      }
    }
    out.push(count ? sum / count : 0.1);
  }
  // the recent sky (main/site/forecast/recent-sky.ts): the last quarter at each clock against
  // the four weeks' average at that clock
  const latest = new Map<number, number>();
  const sums = new Map<number, { sum: number; count: number }>();
  const clockOf = (i: number) => ((i % DAY_Q) + DAY_Q) % DAY_Q;
  for (let i = now - 28 * DAY_Q; i < now; i++) {
    const v = at(i);
    if (v === null) continue;
    const c = clockOf(i);
    if (i >= now - DAY_Q) latest.set(c, v);
    const cell = sums.get(c);
    if (cell) { cell.sum += v; cell.count++; } else sums.set(c, { sum: v, count: 1 });
  }
  const mean = new Map<number, number>();
  for (const [c, cell] of sums) mean.set(c, cell.sum / cell.count);
  const clocks = out.map((_, k) => clockOf(now + k));
  const past: PastQuarter[] = [];
  for (let i = now - TODAY_QUARTERS; i < now; i++) {
    const v = at(i);
    const m = mean.get(clockOf(i));
    if (v !== null && m !== undefined) past.push({ start: startMs - (now - i) * QUARTER_MS, anomalyKwh: v - m });
  }
  const recent = withRecentSky(out, clocks, startMs, recentAnomaly(latest, mean));
  return withTodaySky(out, recent, startMs, todaySkyIndex(past, startMs));
}

/**
 * The most the house alone is likely to draw in each of the n quarters from `now`, as the
 * product's forecast has it (main/site/forecast/base-high.ts): the highest of the last four
 * weeks at that clock time or a quarter either side, at least the forecast.
 */
export function baseHighForecast(history: Float64Array, now: number, forecast: readonly number[], before: Float64Array = new Float64Array(0)): number[] {
  const highs = new ClockHighs(DAY_Q);
  for (let i = now - 28 * DAY_Q; i < now; i++) {
    const v = i >= 0 ? history[i]! : i >= -before.length ? before[before.length + i]! : null;
    if (v !== null) highs.add(((i % DAY_Q) + DAY_Q) % DAY_Q, v);
  }
  return highs.forQuarters(forecast.map((_, k) => (((now + k) % DAY_Q) + DAY_Q) % DAY_Q), forecast);
}

/** days of history the site has stored before a backtest starts */
export const WARMUP_DAYS = 28;
const warmups = new WeakMap<Scenario, Float64Array>();

/**
 * The net base load of the four weeks before the scenario's start, as the site would have
 * stored it: the household's generators on those days, with their own seed (the generators draw
 * per day index, so the scenario's seed would repeat the coming days' appliance events in the
 * history, a forecast that knows the future).
 */
export function warmupHistory(s: Scenario): Float64Array {
  let w = warmups.get(s);
  if (!w) {
    const first = s.days[0]!;
    const d = new Date(Date.UTC(Number(first.key.slice(0, 4)), Number(first.key.slice(5, 7)) - 1, Number(first.key.slice(8, 10)) - WARMUP_DAYS));
    const key = d.toISOString().slice(0, 10);
    w = baseQuarters(buildScenario(s.household, (s.seed + 0x5eed) >>> 0, key, WARMUP_DAYS)).net;
    warmups.set(s, w);
  }
  return w;
}

export function planInputFor(view: SiteView, n = PLAN_QUARTERS): PlanInput {
  const s = view.scenario;
  const h = s.household;
  const i0 = view.quarterIndex;
  const nQ = s.importPrice.length;
  const known = pricesKnownUntil(view);
  const importPrice: number[] = [];
  const exportPrice: number[] = [];
  for (let j = i0; j < i0 + n; j++) {
    // unknown prices: the same quarter of the last day whose prices are known
    let k = j;
    while (k >= known || k >= nQ) k -= DAY_Q;
    importPrice.push(s.importPrice[k]!);
    exportPrice.push(s.exportPrice[k]!);
  }
  const start = s.start + i0 * QUARTER_MS;
  const horizonEnd = start + n * QUARTER_MS;
  const cars: PlanCar[] = view.devices.cars.map((car) => {
    const plugged: Span[] = [];
    let from: number | null = car.model.plugged ? start : car.away?.back ?? null;
    for (let t = car.next; t < car.trips.length && car.trips[t]!.departure < horizonEnd; t++) {
      const trip = car.trips[t]!;
      if (from !== null && trip.departure > from) plugged.push({ from, to: trip.departure });
      from = trip.back;
    }
    if (from !== null && from < horizonEnd) plugged.push({ from, to: horizonEnd });
    const trips = car.trips.slice(car.next).filter((t) => t.departure < horizonEnd)
      .map((t) => ({ departure: t.departure, socPercent: (t.needKwh / car.config.batteryKwh) * 100, usesKwh: t.usesKwh }));
    return {
      id: car.config.id, capacityKwh: car.config.batteryKwh, socPercent: car.model.car!.socPercent,
      maxKw: car.maxKw, chargeEfficiency: car.config.efficiency, plugged, trips,
      taperAbovePercent: TAPER_FROM_PERCENT,
    };
  });
  const b = view.devices.battery;
  const hb = h.battery;
  const cap = h.rates.Capacity!;
  const baseKwh = baseForecast(view.baseHistory, i0, n, warmupHistory(s), start);
  return {
    start,
    baseKwh,
    baseHighKwh: baseHighForecast(view.baseHistory, i0, baseKwh, warmupHistory(s)),
    importPrice, exportPrice,
    connectionKw: connectionKw(h),
    peak: { pricePerKwYear: cap.eurPerKwYear, minimumKw: cap.minimumKw, soFarKw: view.monthPeakKw },
    cars,
    battery: b && hb ? {
      capacityKwh: b.capacityKwh, socPercent: b.socPct, maxChargeKw: b.maxChargeKw, maxDischargeKw: b.maxDischargeKw,
      chargeEfficiency: Math.sqrt(hb.roundTrip), dischargeEfficiency: Math.sqrt(hb.roundTrip), reservePercent: hb.reservePercent,
    } : undefined,
  };
}

export function planNow(solver: LpSolver, view: SiteView): Plan {
  return makePlan(solver, planInputFor(view));
}
