/**
 * One strategy's run at 1-second resolution: the simulated meter hands each second's telegram
 * to the real ledger and quarter tracker, the strategy sets the chargers and the battery, and the
 * device models run to the next second. Billing is the same for every strategy: the ledger's
 * energy per day, and each month's highest complete quarter (at least the minimum) x the
 * capacity price / 12.
 */
import { silentLogger } from '../log/logger.js';
import { Ledger } from '../ledger/ledger.js';
import { RateSchedule } from '../ledger/rate-schedule.js';
import { QuarterTracker } from '../peak/quarter-tracker.js';
import { startOfBrusselsMonth } from '../../shared/time/brussels.js';
import type { Telegram } from '../../shared/p1/telegram.js';
import { registerAt } from './calendar-days.js';
import { SimDevices } from './devices.js';
import { SimMeter, type PhasePower } from './meter.js';
import { dayInputs, QUARTER_MS, type DayInputs, type Scenario } from './scenario.js';
import type { SimDay } from './calendar-days.js';

/** What a strategy sees each second, after the telegram went through the pipeline. */
export interface SiteView {
  now: number;
  telegram: Telegram;
  /** net grid power over the last second, kW (+ import) */
  gridKw: number;
  tracker: QuarterTracker;
  /** this month's highest complete quarter so far, kW (0 before any) */
  monthPeakKw: number;
  devices: SimDevices;
  scenario: Scenario;
  /** the realised net base load (house minus solar) of every quarter so far, kWh */
  baseHistory: Float64Array;
  quarterIndex: number;
}

export interface Strategy {
  readonly name: string;
  /** once per second: set the chargers (settings) and the battery (setControl) */
  control(view: SiteView): void;
}

export interface DayResult {
  key: string;
  energyEur: number;
  importKwh: number;
  exportKwh: number;
}

export interface SampleFlows {
  /** five-minute averages of one day, kW */
  day: string;
  gridKw: number[];
  houseKw: number[];
  solarKw: number[];
  carsKw: number[];
  batteryKw: number[];
}

export interface RunResult {
  name: string;
  days: DayResult[];
  /** month start (UTC ms) and its highest complete quarter, kW */
  months: Array<{ start: number; peakKw: number }>;
  energyEur: number;
  capacityEur: number;
  exportKwh: number;
  importKwh: number;
  solarKwh: number;
  tripsMissed: number;
  kwhShort: number;
  trips: Array<{ carId: string; departure: number; needKwh: number; hadKwh: number; shortKwh: number }>;
  /** per quarter from the scenario's start: energies as the lower-bound check needs them */
  quarters: {
    importKwh: number[];
    exportKwh: number[];
    /** per car (household order) */
    carKwh: number[][];
    chargeKwh: number[];
    dischargeKwh: number[];
  };
  sample: SampleFlows | null;
  seconds: number;
}

export interface RunOptions {
  /** called after each simulated day (the progress bar) */
  onDay?: (done: number, total: number) => void;
  /** the day (index) whose power flows are kept for the report */
  sampleDay?: number;
  /** the house and solar per second instead of the generated ones (tests with loads worked out by hand) */
  inputs?: (day: SimDay) => DayInputs;
}

/** the ledger refuses meter counters that jump by more than the connection can deliver */
export function capacityEur(months: ReadonlyArray<{ peakKw: number }>, eurPerKwYear: number, minimumKw: number): number {
  return months.reduce((sum, m) => sum + (Math.max(m.peakKw, minimumKw) * eurPerKwYear) / 12, 0);
}

export function simulate(scenario: Scenario, strategy: Strategy, options: RunOptions = {}): RunResult {
  const h = scenario.household;
  const ledger = new Ledger({ schedule: new RateSchedule(h.rates), log: silentLogger(), spot: scenario.spot });
  const tracker = new QuarterTracker();
  const meter = new SimMeter();
  const devices = new SimDevices(h, scenario.trips, scenario.start);
  const nQ = Math.round((scenario.end - scenario.start) / QUARTER_MS);
  const nCars = h.cars.length;
  const q = {
    importKwh: new Array<number>(nQ).fill(0), exportKwh: new Array<number>(nQ).fill(0),
    carKwh: h.cars.map(() => new Array<number>(nQ).fill(0)), chargeKwh: new Array<number>(nQ).fill(0), dischargeKwh: new Array<number>(nQ).fill(0),
  };
  const baseHistory = new Float64Array(nQ);
  const months = new Map<number, number>();
  let monthStart = startOfBrusselsMonth(scenario.start);
  let monthPeakKw = 0;
  const carKwh = new Float64Array(nCars);
  const phases: PhasePower = { kw: [0, 0, 0], amps: [0, 0, 0] };
  let quarterImportWh = meter.importWh();
  let quarterExportWh = meter.exportWh();
  let solarKwh = 0;
  let seconds = 0;
  let sample: SampleFlows | null = null;

  const feed = (tg: Telegram): void => {
    ledger.addTelegram(tg);
    const result = tracker.ingest(tg);
    for (const closed of result.closed) {
      const m = startOfBrusselsMonth(closed.start);
      if (m !== monthStart) { monthStart = m; monthPeakKw = 0; }
      if (closed.complete) {
        monthPeakKw = Math.max(monthPeakKw, closed.averageKw);
        months.set(m, Math.max(months.get(m) ?? 0, closed.averageKw));
      }
    }
  };

  for (const day of scenario.days) {
    const { baseKw, solarKw } = options.inputs?.(day) ?? dayInputs(scenario, day);
    const secondsToday = baseKw.length;
    const keep = options.sampleDay === day.index;
    const flows = keep ? { grid: new Float64Array(288), house: new Float64Array(288), solar: new Float64Array(288), cars: new Float64Array(288), battery: new Float64Array(288) } : null;
    for (let s = 0; s < secondsToday; s++) {
      const now = day.start + s * 1000;
      const register = registerAt(day, s);
      const quarterIndex = Math.floor((now - scenario.start) / QUARTER_MS);
      if (s % 900 === 0 && quarterIndex > 0) {
        // the quarter that just ended, from the counters as the meter wrote them
        const iw = meter.importWh();
        const xw = meter.exportWh();
        q.importKwh[quarterIndex - 1] = (iw - quarterImportWh) / 1000;
        q.exportKwh[quarterIndex - 1] = (xw - quarterExportWh) / 1000;
        quarterImportWh = iw;
        quarterExportWh = xw;
      }
      const tg = meter.telegram(now, register);
      feed(tg);
      devices.trips(now);
      strategy.control({ now, telegram: tg, gridKw: meter.netKw, tracker, monthPeakKw: startOfBrusselsMonth(now) === monthStart ? monthPeakKw : 0, devices, scenario, baseHistory, quarterIndex });
      const batteryKwh = devices.advance(now + 1000, carKwh);
      const houseKwh = (baseKw[s]! - solarKw[s]!) / 3600;
      let net = houseKwh + batteryKwh;
      for (let c = 0; c < nCars; c++) {
        net += carKwh[c]!;
        q.carKwh[c]![quarterIndex]! += carKwh[c]!;
      }
      if (batteryKwh > 0) q.chargeKwh[quarterIndex]! += batteryKwh;
      else q.dischargeKwh[quarterIndex]! -= batteryKwh;
      baseHistory[quarterIndex]! += houseKwh;
      solarKwh += solarKw[s]! / 3600;
      devices.phases(houseKwh * 3600, carKwh, batteryKwh, phases);
      meter.add(net, register, phases);
      if (flows) {
        const k = Math.min(287, Math.floor(s / 300));
        flows.grid[k]! += net * 3600 / 300;
        flows.house[k]! += baseKw[s]! / 300;
        flows.solar[k]! += solarKw[s]! / 300;
        let cars = 0;
        for (let c = 0; c < nCars; c++) cars += carKwh[c]! * 3600;
        flows.cars[k]! += cars / 300;
        flows.battery[k]! += batteryKwh * 3600 / 300;
      }
      seconds++;
    }
    if (flows) {
      const r = (a: Float64Array) => Array.from(a, (x) => Math.round(x * 1000) / 1000);
      sample = { day: day.key, gridKw: r(flows.grid), houseKw: r(flows.house), solarKw: r(flows.solar), carsKw: r(flows.cars), batteryKw: r(flows.battery) };
    }
    options.onDay?.(day.index + 1, scenario.days.length);
  }
  // the last second's energy reaches the ledger and the quarter with a telegram at the end
  q.importKwh[nQ - 1] = (meter.importWh() - quarterImportWh) / 1000;
  q.exportKwh[nQ - 1] = (meter.exportWh() - quarterExportWh) / 1000;
  const lastDay = scenario.days[scenario.days.length - 1]!;
  feed(meter.telegram(scenario.end, registerAt(lastDay, (scenario.end - lastDay.start) / 1000 - 1)));
  for (const closed of tracker.finish().closed) {
    if (closed.complete) {
      const m = startOfBrusselsMonth(closed.start);
      months.set(m, Math.max(months.get(m) ?? 0, closed.averageKw));
    }
  }
  // every month the period touches is billed, at least at the minimum
  for (let m = startOfBrusselsMonth(scenario.start); m < scenario.end; m = startOfBrusselsMonth(m + 32 * 86_400_000)) if (!months.has(m)) months.set(m, 0);

  const days: DayResult[] = [];
  for (const day of scenario.days) {
    const d = ledger.day(day.key);
    days.push({
      key: day.key,
      energyEur: d ? d.importEur - d.exportEur : 0,
      importKwh: d ? (d.importWh[0] + d.importWh[1]) / 1000 : 0,
      exportKwh: d ? (d.exportWh[0] + d.exportWh[1]) / 1000 : 0,
    });
  }
  const cap = h.rates.Capacity!;
  const monthList = [...months.entries()].sort((a, b) => a[0] - b[0]).map(([start, peakKw]) => ({ start, peakKw }));
  const trips = devices.tripLog;
  return {
    name: strategy.name,
    days,
    months: monthList,
    energyEur: days.reduce((s, d) => s + d.energyEur, 0),
    capacityEur: capacityEur(monthList, cap.eurPerKwYear, cap.minimumKw),
    exportKwh: days.reduce((s, d) => s + d.exportKwh, 0),
    importKwh: days.reduce((s, d) => s + d.importKwh, 0),
    solarKwh,
    tripsMissed: trips.filter((t) => t.shortKwh > 0).length,
    kwhShort: trips.reduce((s, t) => s + t.shortKwh, 0),
    trips,
    quarters: q,
    sample,
    seconds,
  };
}
