/**
 * A house with cars and a battery on a simulated clock, for the plan's end-to-end tests: the P1
 * simulator's house (a decoded telegram every simulated second into the peak monitor, the real
 * ledger and the site broker), one NRGkick charger simulator per car over real HTTP, the SunSpec
 * battery simulator over Modbus TCP, a local iCal calendar read by the trips service, and the plan
 * service on its real driver. The devices follow the published plan through their roles' hooks.
 *
 * `control: 'plan'` runs all of that; `control: 'plug-and-charge'` runs the same day without the
 * product: each charger is set once at plug-in (full current, unpaused, a session energy limit
 * the car's own charge limit stands for) and nobody touches it again, and the battery is idle.
 * Either way the meter, the quarter tracker and the ledger measure what the house paid.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BatteryController } from '../../main/battery/controller.js';
import { SunspecBatterySimulator } from '../../main/battery/simulator/sunspec-simulator.js';
import { createSunspecBattery } from '../../main/battery/sunspec/create.js';
import { DEFAULT_STRATEGY } from '../../main/battery/strategy.js';
import { DASHBOARD } from '../../main/bus/access.js';
import { CommandRegistry } from '../../main/bus/commands.js';
import { StateHub } from '../../main/bus/state-hub.js';
import { batterySchema } from '../../main/config/battery-schema.js';
import { evSchema } from '../../main/config/ev-schema.js';
import { PLAN_DEFAULTS } from '../../main/config/site-schema.js';
import { NrgkickCharger } from '../../main/ev/nrgkick/charger.js';
import { createNrgkickLink } from '../../main/ev/nrgkick/link.js';
import { EvRole } from '../../main/ev/role.js';
import { ChargerSimulator } from '../../main/ev/simulator/server.js';
import { IcalSource } from '../../main/ev/trips/ical-source.js';
import { TripsService } from '../../main/ev/trips/trips-service.js';
import { TripsStore } from '../../main/ev/trips/trips-store.js';
import { Ledger } from '../../main/ledger/ledger.js';
import { RateSchedule } from '../../main/ledger/rate-schedule.js';
import { silentLogger } from '../../main/log/logger.js';
import { TelegramDecoder } from '../../main/p1/decoder.js';
import { SimulatedMeter } from '../../main/p1/simulator/meter.js';
import { PeakMonitor } from '../../main/peak/peak-monitor.js';
import { BaseEnergy, type BaseQuarter } from '../../main/site/base-energy.js';
import { DemandBook } from '../../main/site/demand-book.js';
import type { Fuse } from '../../main/site/fuse.js';
import { inProcessLink } from '../../main/site/in-process-link.js';
import { startPlanDriver } from '../../main/site/plan/driver.js';
import { planInputsFrom } from '../../main/site/plan/gather.js';
import { PlanService } from '../../main/site/plan/service.js';
import { loadSolver } from '../../main/site/planner/solver.js';
import { SiteController } from '../../main/site/site-controller.js';
import { batteryDrawFor, plannedKwhFor, planTargetKw } from '../../shared/plan/lookup.js';
import type { Telegram } from '../../shared/p1/telegram.js';
import type { Rates } from '../../shared/tariff/rates-schema.js';
import { brusselsDateKey } from '../../shared/time/brussels.js';
import { ManualTimers } from './manual-timers.js';
import { tripsDb } from './trips-db.js';

const Q = 900_000;

export interface SiteCar {
  /** the car's id in ev.cars and its name in the calendar ("@car_<id>@") */
  id: string;
  batteryKwh: number;
  /** the most current the car takes per phase (three phases), A */
  maxCurrentA: number;
  efficiency: number;
  /** state of charge when plugged in at the start */
  socPercent: number;
  /** plug-and-charge only: the energy the car's own charge limit lets in, Wh from the grid */
  limitWh?: number;
}

export interface PlanSiteOptions {
  start: number;
  end: number;
  /** the simulated household's seed */
  seed: number;
  fuse: Fuse;
  /** the month peak so far, kW (the user's floor: below it energy costs no peak) */
  floorKw: number;
  cars: SiteCar[];
  battery: { capacityKwh: number; socPct: number; maxKw: number; reservePct: number } | null;
  rates: Rates;
  /** day-ahead price, EUR/MWh */
  spot(time: number): number | null;
  /** the calendar the trips come from (iCal text), plan only */
  calendar?: string;
  control: 'plan' | 'plug-and-charge';
  /** print a line every 5 minutes (PLAN_DEBUG=1) */
  debug?: boolean;
}

export interface PlanSiteOutcome {
  /** per car id: grid energy into the car per quarter start, kWh */
  carKwh: Map<string, Map<number, number>>;
  /** battery energy per quarter start, kWh, charging positive */
  batteryKwh: Map<number, number>;
  /** each quarter's average import as the quarter tracker closed it, kW */
  quarterAverageKw: Map<number, number>;
  /** per car id: state of charge at the end */
  socAtEnd: Map<string, number>;
  batterySocAtEnd: number | null;
  /** the ledger's energy cost of the day: import minus export, EUR */
  energyEur: number;
  /** per car id: every EV reason text its charger showed (plan only) */
  reasons: Map<string, Set<string>>;
  plansMade: number;
  problemsSeen: number;
}

/** a local calendar server answering every request with `ics` */
export async function serveCalendar(ics: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/calendar' }); res.end(ics); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/trips.ics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function decodeOne(meter: SimulatedMeter): Telegram {
  let telegram: Telegram | null = null;
  const decoder = new TelegramDecoder((result) => { if (result.ok) telegram = result.telegram; });
  decoder.feed(meter.next());
  decoder.end();
  if (!telegram) throw new Error('the simulated meter made a telegram the decoder refused');
  return telegram;
}

/** the base-load quarters the site would have stored: the same simulated house over [from, to] */
export function houseHistory(seed: number, from: number, to: number): BaseQuarter[] {
  const meter = new SimulatedMeter({ seed, start: from, grid: '3x400' });
  const energy = new BaseEnergy();
  const quarters: BaseQuarter[] = [];
  for (let t = from; t <= to; t += 1000) {
    const telegram = decodeOne(meter);
    const closed = energy.add(telegram.time!, telegram.powerKw!.import! - telegram.powerKw!.export!);
    if (closed) quarters.push(closed);
  }
  return quarters;
}

const add = (map: Map<number, number>, key: number, value: number): void => { map.set(key, (map.get(key) ?? 0) + value); };

/** Run the house from `start` to `end`, one meter second per step. */
export async function runPlanSite(o: PlanSiteOptions): Promise<PlanSiteOutcome> {
  const planned = o.control === 'plan';
  const timers = new ManualTimers(o.start);
  const hub = new StateHub();
  const meter = new SimulatedMeter({ seed: o.seed, start: o.start, grid: o.fuse.grid });
  const peaks = new PeakMonitor({ userFloorKw: o.floorKw, pricePerKwYear: o.rates.Capacity?.eurPerKwYear ?? null });
  const ledger = new Ledger({ schedule: new RateSchedule(o.rates), log: silentLogger(), spot: o.spot });
  const book = new DemandBook(() => timers.now());
  const site = planned ? new SiteController({
    fuse: o.fuse, book, hub, monoNow: () => timers.now(), log: silentLogger(), eurPerKwYear: () => o.rates.Capacity?.eurPerKwYear ?? null,
    planTargetKw: (time) => planTargetKw(hub.current.plan, time),
    setTimer: (fn, ms) => timers.setTimeout(fn, ms), clearTimer: (h) => timers.clearTimeout(h),
  }) : null;
  const link = inProcessLink(book, () => timers.now());
  const closers: Array<() => unknown> = [];

  try {
    // the cars and their chargers (charger "<id>_charger")
    const sims = new Map<string, ChargerSimulator>();
    const urls = new Map<string, string>();
    for (const car of o.cars) {
      const sim = new ChargerSimulator({ grid: o.fuse.grid, now: () => timers.now() });
      urls.set(car.id, await sim.listen());
      sims.set(car.id, sim);
      closers.push(() => sim.close());
    }
    const ev = evSchema.parse({
      cars: o.cars.map((c) => ({ id: c.id, name: c.id, batteryKwh: c.batteryKwh, maxPhases: 3, maxCurrentA: c.maxCurrentA, efficiency: c.efficiency })),
      chargers: o.cars.map((c) => ({ id: `${c.id}_charger`, type: 'nrgkick', url: urls.get(c.id)!, car: c.id, mode: 'smart' })),
    });
    const chargers: NrgkickCharger[] = [];
    const commands = new CommandRegistry();
    const role = planned ? new EvRole({
      config: ev, link, hub, commands, timers, wallNow: () => hub.current.meter?.time ?? Date.now(),
      createCharger: (c, t) => {
        const charger = new NrgkickCharger({ id: c.id, link: createNrgkickLink({ baseUrl: c.url }), timers: t, maxCurrentA: c.maxCurrentA, random: () => 0 });
        chargers.push(charger);
        return charger;
      },
    }) : null;
    if (role) closers.push(() => role.stop());

    // the home battery
    const batterySim = o.battery ? new SunspecBatterySimulator({
      battery: { capacityKwh: o.battery.capacityKwh, socPct: o.battery.socPct, maxChargeKw: o.battery.maxKw, maxDischargeKw: o.battery.maxKw }, now: () => timers.now(),
    }) : null;
    let controller: BatteryController | null = null;
    if (batterySim && o.battery && planned) {
      const port = await batterySim.listen();
      closers.push(() => batterySim.close());
      const battery = createSunspecBattery({ host: '127.0.0.1', port, unitId: 1, powerSign: 'discharge-positive', revertS: 120, timeoutMs: 5000 });
      await battery.start();
      closers.push(() => battery.close());
      const c = new BatteryController({
        device: 'battery', battery, link, mode: 'auto', conductors: [1, 2, 3], revertS: 120, settings: { ...DEFAULT_STRATEGY, reservePct: o.battery.reservePct },
        plannedKwh: (time) => plannedKwhFor(hub.current.plan, 'battery', time ?? timers.now()),
        planDraw: (time) => batteryDrawFor(hub.current.plan, 'battery', time),
        onState: (state) => hub.update({ battery: state }),
      });
      controller = c;
      closers.push(() => c.stop(false));
    }
    const batteryConfig = o.battery ? batterySchema.parse({ type: 'simulator', inverterKva: o.battery.maxKw, capacityKwh: o.battery.capacityKwh, socPct: o.battery.socPct, maxKw: o.battery.maxKw, reservePct: o.battery.reservePct }) : undefined;

    // the calendar and the plan
    let plansMade = 0;
    let problemsSeen = 0;
    let trips: TripsService | null = null;
    if (planned) {
      const calendar = await serveCalendar(o.calendar ?? '');
      closers.push(() => calendar.close());
      const t = new TripsService({
        sources: [new IcalSource({ name: 'trips', url: calendar.url, timeoutMs: 10_000, maxBytes: 1e6, zone: 'Europe/Brussels' })],
        cars: o.cars.map((c) => ({ name: c.id, batteryKwh: c.batteryKwh, consumptionKwhPer100Km: 18, defaultNeed: '80%', chargeEfficiency: c.efficiency })),
        store: new TripsStore(tripsDb()), timers, refreshMs: 3_600_000, horizonDays: 2,
        convention: { marginMinutes: 30, allDayDeparture: null, zone: 'Europe/Brussels' }, onState: (s) => hub.update({ trips: s }),
      });
      trips = t;
      closers.push(() => t.stop());
      const solver = await loadSolver();
      closers.push(() => solver.dispose());
      const history = houseHistory(o.seed, o.start - 86_400_000, o.end - 86_400_000);
      const ctx = { ev, battery: batteryConfig, fuse: o.fuse, plan: PLAN_DEFAULTS, rates: () => o.rates, spot: o.spot, baseHistory: () => history };
      const unsubscribe = hub.subscribe((delta) => {
        if (Object.keys(delta.set).some((k) => k === 'plan' || k === 'plan.madeAt')) {
          plansMade++;
          problemsSeen += hub.current.plan?.problems.length ?? 0;
        }
      });
      closers.push(unsubscribe);
      const driver = startPlanDriver({ hub, service: new PlanService({ solver }), log: silentLogger(), now: () => timers.now(), inputs: (state, now) => planInputsFrom(state, ctx, now, `day-ahead ${brusselsDateKey(o.start)}`) });
      closers.push(() => driver.stop());
    }

    const settle = async (): Promise<void> => {
      await new Promise((resolve) => setImmediate(resolve));
      for (let i = 0; i < 2000 && chargers.some((c) => c.requestsInFlight() > 0); i++) await new Promise((resolve) => setTimeout(resolve, 1));
      await controller?.settle();
    };

    const carKwh = new Map(o.cars.map((c) => [c.id, new Map<number, number>()] as const));
    const reasons = new Map(o.cars.map((c) => [c.id, new Set<string>()] as const));
    const batteryKwh = new Map<number, number>();
    const quarterAverageKw = new Map<number, number>();
    const debugLines: string[] = [];

    role?.start();
    await trips?.refresh();
    for (const car of o.cars) {
      sims.get(car.id)!.plug({ batteryKwh: car.batteryKwh, maxPhases: 3, maxCurrentA: car.maxCurrentA, socPercent: car.socPercent, efficiency: car.efficiency });
      if (!planned) {
        // plug-and-charge: the charger's own app set once, the car stops at its own limit
        const limit = car.limitWh ? `&energy_limit=${Math.round(car.limitWh)}` : '';
        const answer = await fetch(`${urls.get(car.id)}/control?current_set=16&charge_pause=0${limit}`);
        if (!answer.ok) throw new Error(`the charger refused plug-and-charge settings: ${answer.status}`);
      }
    }
    for (let t = o.start; t < o.end; t += 1000) {
      const qStart = Math.floor((t - o.start) / Q) * Q + o.start;
      let carsKw = 0;
      for (const car of o.cars) {
        const kw = sims.get(car.id)!.powerKw();
        carsKw += kw;
        add(carKwh.get(car.id)!, qStart, kw / 3600);
      }
      const batteryKw = batterySim?.battery.powerKw(t) ?? 0;
      add(batteryKwh, qStart, batteryKw / 3600);
      // the battery on the house's side of the meter: charging is load, discharging is like solar
      meter.setEvPower(carsKw + Math.max(0, batteryKw));
      meter.setPv(Math.max(0, -batteryKw));
      const telegram = decodeOne(meter);
      ledger.addTelegram(telegram);
      const quarter = peaks.update(telegram).state;
      if (quarter) quarterAverageKw.set(quarter.quarterStart, quarter.averageSoFarKw);
      if (planned) {
        hub.update({
          meter: { time: telegram.time, powerKw: telegram.powerKw, phases: [], tariff: telegram.tariff, counters: { importKwh: null, exportKwh: null, gasM3: null, gasTime: null, waterM3: null, waterTime: null } },
          quarter,
        });
        if (t === o.start) for (const car of o.cars) await setSoc(commands, `${car.id}_charger`, car.socPercent);
        role!.meterSeen(telegram.tariff);
        const power = telegram.powerKw!;
        controller?.onMeter({ time: telegram.time!, gridKw: power.import! - power.export!, allowedKw: quarter?.allowedKw ?? null, targetKw: quarter?.targetKw ?? null, tariff: telegram.tariff }, timers.now());
        site!.telegram(telegram, quarter);
        await settle();
        for (const charger of hub.current.ev?.chargers ?? []) if (charger.car) reasons.get(charger.car.id)?.add(charger.reason.text);
        if (o.debug && (t - o.start) % 300_000 === 0) {
          const plan = hub.current.plan;
          const qi = plan ? Math.floor((t - plan.start) / Q) : -1;
          debugLines.push(`${new Date(t).toISOString().slice(11, 19)} cars ${carsKw.toFixed(2)} bat ${batteryKw.toFixed(2)} plan ${JSON.stringify(plan?.quarters[qi]?.carKwh)} / ${plan?.quarters[qi]?.batteryKwh} ${plan?.reason} ev: ${hub.current.ev?.chargers.map((c) => c.reason.text).join(' | ')}`);
        }
      }
      timers.advance(1000);
      if (planned) {
        await settle();
        controller?.tick(timers.now());
      }
    }
    // the last second's energy reaches the ledger and the quarter with a telegram at the end
    ledger.addTelegram(decodeOne(meter));
    if (o.debug) {
      const r = (m: Map<number, number>): string => [...m.values()].map((v) => v.toFixed(2)).join(' ');
      console.log([...debugLines, `${o.control}: battery kWh ${r(batteryKwh)}`, ...o.cars.map((c) => `${c.id} kWh ${r(carKwh.get(c.id)!)}`), `quarters kW ${r(quarterAverageKw)}`, `forecast history kW ${planned ? houseHistory(o.seed, o.start - 86_400_000, o.end - 86_400_000).map((q) => (q.importKwh * 4).toFixed(2)).join(' ') : ''}`].join('\n'));
    }
    const day = ledger.day(brusselsDateKey(o.start));
    return {
      carKwh, batteryKwh, quarterAverageKw, reasons, plansMade, problemsSeen,
      socAtEnd: new Map(o.cars.map((c) => [c.id, sims.get(c.id)!.model.car!.socPercent] as const)),
      batterySocAtEnd: batterySim?.battery.socPct ?? null,
      energyEur: day ? day.importEur - day.exportEur : Number.NaN,
    };
  } finally {
    for (const close of closers.reverse()) await close();
    site?.stop();
    link.close();
  }
}

async function setSoc(commands: CommandRegistry, charger: string, percent: number): Promise<void> {
  const outcome = await commands.execute('ev.soc', { charger, percent }, { identity: DASHBOARD, via: 'terminal' });
  if (!outcome.ok) throw new Error(outcome.error.message);
}
