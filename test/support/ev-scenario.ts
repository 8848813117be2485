import { DASHBOARD } from '../../main/bus/access.js';
import type { Telegram } from '../../shared/p1/telegram.js';
import { CommandRegistry } from '../../main/bus/commands.js';
import { meterStateFromTelegram } from '../../main/bus/meter-state.js';
import { StateHub } from '../../main/bus/state-hub.js';
import { evSchema } from '../../main/config/ev-schema.js';
import type { GridType } from '../../main/ev/grid.js';
import { NrgkickCharger } from '../../main/ev/nrgkick/charger.js';
import { createNrgkickLink } from '../../main/ev/nrgkick/link.js';
import { EvRole } from '../../main/ev/role.js';
import { ChargerSimulator } from '../../main/ev/simulator/server.js';
import { TelegramDecoder } from '../../main/p1/decoder.js';
import { SimulatedMeter } from '../../main/p1/simulator/meter.js';
import { silentLogger } from '../../main/log/logger.js';
import { PeakMonitor } from '../../main/peak/peak-monitor.js';
import { DemandBook } from '../../main/site/demand-book.js';
import { inProcessLink, type ClosableSiteLink } from '../../main/site/in-process-link.js';
import { SiteController } from '../../main/site/site-controller.js';
import { ManualTimers } from './manual-timers.js';

/**
 * An EV scenario on a simulated clock: the P1 simulator's house (and a twin of it without the
 * car, same seed, same seconds), the charger simulator over real HTTP, the EV role with the
 * real NRGkick driver, and the site's broker (main/site/) deciding grants on every telegram
 * through the in-process door, with the quarter from the product's PeakMonitor (the target is
 * the user's floor given here, or the month peak when higher). One step is one meter
 * second: the car's power goes into the meter, the telegram is decoded and handed to the
 * broker, the grant to the EV role, and the HTTP answers are awaited before time moves on.
 */
export interface ScenarioOptions {
  grid: GridType;
  seed: number;
  /** epoch ms of the first telegram, on a quarter boundary */
  start: number;
  fuseA: number;
  targetKw: number;
  mode: 'smart' | 'now' | 'solar' | 'off';
  pvKw?: number | null;
  car?: { batteryKwh: number; maxPhases: 1 | 3; maxCurrentA: number };
  /** the car's config socSource (ev-schema.ts), e.g. an MQTT topic */
  socSource?: Record<string, unknown>;
  /** the car's id in ev.cars (default car_1) and more of its ev.cars settings */
  carId?: string;
  carConfig?: Record<string, unknown>;
  /** the capacity tariff, EUR per kW per year: the broker then prices going above the target */
  eurPerKwYear?: number;
}

export interface Second {
  telegram: Telegram;
  twin: Telegram;
  /** what the car drew this second, kW (as the charger simulator's model says) */
  carKw: number;
  currentSetA: number;
  paused: boolean;
}

function decodeOne(meter: SimulatedMeter): Telegram {
  let telegram: Telegram | null = null;
  const decoder = new TelegramDecoder((result) => { if (result.ok) telegram = result.telegram; });
  decoder.feed(meter.next());
  decoder.end();
  if (!telegram) throw new Error('the simulated meter made a telegram the decoder refused');
  return telegram;
}

export class EvScenario {
  readonly timers = new ManualTimers(0);
  readonly meter: SimulatedMeter;
  readonly twin: SimulatedMeter;
  readonly sim: ChargerSimulator;
  readonly hub = new StateHub();
  readonly peaks: PeakMonitor;
  readonly site: SiteController;
  readonly link: ClosableSiteLink;
  readonly commands = new CommandRegistry();
  readonly seconds: Second[] = [];
  role!: EvRole;
  private charger!: NrgkickCharger;
  private unfollow: () => void = () => {};

  constructor(readonly options: ScenarioOptions) {
    this.meter = new SimulatedMeter({ seed: options.seed, start: options.start, grid: options.grid });
    this.twin = new SimulatedMeter({ seed: options.seed, start: options.start, grid: options.grid });
    if (options.pvKw !== undefined) { this.meter.setPv(options.pvKw); this.twin.setPv(options.pvKw); }
    this.sim = new ChargerSimulator({ grid: options.grid, now: () => this.timers.now() });
    this.peaks = new PeakMonitor({ userFloorKw: options.targetKw });
    const book = new DemandBook(() => this.timers.now());
    this.site = new SiteController({
      fuse: { grid: options.grid, phases: options.grid === '1x230' ? 1 : 3, amps: options.fuseA }, book, hub: this.hub,
      monoNow: () => this.timers.now(), log: silentLogger(), eurPerKwYear: () => options.eurPerKwYear ?? null,
      setTimer: (fn, ms) => this.timers.setTimeout(fn, ms), clearTimer: (h) => this.timers.clearTimeout(h),
    });
    this.link = inProcessLink(book, () => this.timers.now());
  }

  async open(): Promise<void> {
    const url = await this.sim.listen();
    const car = this.options.car ?? { batteryKwh: 60, maxPhases: 3, maxCurrentA: 16 };
    const config = evSchema.parse({
      grid: this.options.grid,
      cars: [{ id: this.options.carId ?? 'car_1', name: 'Test car', ...car, ...this.options.carConfig, ...(this.options.socSource ? { socSource: this.options.socSource } : {}) }],
      chargers: [{ id: 'garage', type: 'nrgkick', url, car: this.options.carId ?? 'car_1', mode: this.options.mode }],
    });
    this.role = new EvRole({
      config, link: this.link, hub: this.hub, commands: this.commands, timers: this.timers, wallNow: () => this.wallNow(),
      createCharger: (c, timers) => (this.charger = new NrgkickCharger({ id: c.id, link: createNrgkickLink({ baseUrl: c.url }), timers, maxCurrentA: c.maxCurrentA, random: () => 0 })),
    });
    this.role.start();
    // as serve composes it: the meter's telegrams in the hub are the role's meter news (and register)
    this.unfollow = this.role.followMeter(this.hub);
  }

  /** the meter's wall time now: the first telegram's time plus the seconds run */
  wallNow(): number {
    return this.options.start + this.timers.now();
  }

  async close(): Promise<void> {
    this.unfollow();
    await this.role.stop();
    this.site.stop();
    this.link.close();
    await this.sim.close();
  }

  plug(socPercent: number): void {
    const car = this.options.car ?? { batteryKwh: 60, maxPhases: 3, maxCurrentA: 16 };
    this.sim.plug({ ...car, socPercent });
  }

  /** run `n` meter seconds */
  async run(n: number, each?: (second: Second, index: number) => void): Promise<void> {
    for (let i = 0; i < n; i++) {
      const carKw = this.sim.powerKw();
      this.meter.setEvPower(carKw, this.sim.phasesInUse());
      const telegram = decodeOne(this.meter);
      const twin = decodeOne(this.twin);
      this.hub.update({ meter: meterStateFromTelegram(telegram) });
      this.site.telegram(telegram, this.peaks.update(telegram).state);
      await this.settle();
      const second: Second = { telegram, twin, carKw, currentSetA: this.sim.current().currentSetA, paused: this.sim.current().paused };
      this.seconds.push(second);
      each?.(second, this.seconds.length - 1);
      this.timers.advance(1000);
      await this.settle();
    }
  }

  /** wait (really) until the driver has its answers */
  async settle(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    for (let i = 0; i < 2000 && this.charger.requestsInFlight() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 1));
  }

  async command(name: string, args: unknown): Promise<unknown> {
    const outcome = await this.commands.execute(name, args, { identity: DASHBOARD, via: 'terminal' });
    if (!outcome.ok) throw new Error(outcome.error.message);
    return outcome.value;
  }
}

/** import minus export, kW */
export const netKw = (t: Telegram): number => t.powerKw!.import! - t.powerKw!.export!;
export const importWh = (t: Telegram): number => Math.round((t.importKwh!.t1! + t.importKwh!.t2!) * 1000);
