import { z } from 'zod';
import { chargeModeSchema, type EvState } from '../../shared/ev/state.js';
import type { SiteLink } from '../../shared/site/contract.js';
import { CHANGES, type CommandRegistry } from '../bus/commands.js';
import type { StateHub } from '../bus/state-hub.js';
import type { ChargerConfig, EvConfig } from '../config/ev-schema.js';
import { silentLogger, type Logger } from '../log/logger.js';
import type { Timers } from '../p1/sources/timers.js';
import type { Charger } from './charger.js';
import { ChargerLoop } from './charger-loop.js';
import type { ChargeIntent } from './controller.js';
import type { GridType } from './grid.js';
import { NrgkickCharger } from './nrgkick/charger.js';
import { createNrgkickLink } from './nrgkick/link.js';
import { withPlan } from './plan-intent.js';
import { startHttpSocSource } from './soc-http.js';

/**
 * The EV role: one ChargerLoop per configured charger, all speaking to the site through one
 * SiteLink (in-process onto the broker, or over the websocket as a satellite: the role cannot
 * tell). It publishes `ev` in the bus state and registers the ev.* commands (mode, SoC, car),
 * which the dashboard, the terminal and Home Assistant's entities all use.
 */
export interface EvRoleOptions {
  config: EvConfig;
  /** the connection's grid when ev.grid is not set (site.fuse.grid) */
  grid?: GridType;
  link: SiteLink;
  hub: StateHub;
  commands: CommandRegistry | null;
  /** monotonic clock and timers */
  timers: Timers;
  log?: Logger;
  /** the driver for a configured charger (tests and the demo may supply their own) */
  createCharger?: (config: ChargerConfig, timers: Timers) => Charger;
  /** what a plan or a trip asks of a charger (the plan and trips issues) */
  intent?: (chargerId: string) => ChargeIntent | undefined;
}

export function createNrgkickCharger(config: ChargerConfig, timers: Timers, log?: Logger): Charger {
  return new NrgkickCharger({
    id: config.id, link: createNrgkickLink({ baseUrl: config.url, username: config.username, password: config.password }),
    timers, maxCurrentA: config.maxCurrentA, pollMs: config.pollSeconds * 1000, phaseSwitching: config.phaseSwitching, log,
  });
}

const chargerArg = z.string().min(1).max(48);

export class EvRole {
  private readonly loops = new Map<string, ChargerLoop>();
  private readonly stops: Array<() => void> = [];
  private readonly log: Logger;

  constructor(private readonly options: EvRoleOptions) {
    this.log = options.log ?? silentLogger();
    const { config, timers } = options;
    for (const chargerConfig of config.chargers) {
      const charger = options.createCharger?.(chargerConfig, timers) ?? createNrgkickCharger(chargerConfig, timers, this.log);
      const loop = new ChargerLoop({
        setup: { device: chargerConfig.id, grid: config.grid ?? options.grid ?? '3x400', firstPhase: chargerConfig.firstPhase, safeCurrentA: chargerConfig.safeCurrentA, control: config.control },
        charger, link: options.link, timers, cars: config.cars, carId: chargerConfig.car ?? null, mode: chargerConfig.mode,
        // the site plan's energy for this quarter beside the trip's deadline (plan-intent.ts)
        intent: () => withPlan(options.intent?.(chargerConfig.id), options.hub.current.plan, this.loops.get(chargerConfig.id)?.carId() ?? null, options.hub.current.meter?.time ?? Date.now()),
        onChange: () => this.publish(),
      });
      this.loops.set(chargerConfig.id, loop);
    }
    if (options.commands) this.registerCommands(options.commands);
  }

  start(): void {
    for (const loop of this.loops.values()) loop.start();
    // the vehicle sources feed whichever charger holds their car now
    for (const car of this.options.config.cars) {
      if (!car.socSource) continue;
      this.stops.push(startHttpSocSource({
        url: car.socSource.url, path: car.socSource.path, intervalMs: car.socSource.intervalSeconds * 1000, timers: this.options.timers,
        onValue: (percent) => { for (const loop of this.loops.values()) if (loop.carId() === car.id) loop.reportSoc(percent, 'vehicle'); },
        onProblem: (message) => this.log.warn({ car: car.id }, message),
      }));
    }
    const everySecond = () => { this.publish(); publishTimer = this.options.timers.setTimeout(everySecond, 1000); };
    let publishTimer = this.options.timers.setTimeout(everySecond, 1000);
    this.stops.push(() => this.options.timers.clearTimeout(publishTimer));
    this.publish();
  }

  async stop(): Promise<void> {
    for (const stop of this.stops.splice(0)) stop();
    await Promise.all([...this.loops.values()].map((loop) => loop.stop()));
  }

  /** a telegram arrived: the chargers' meter data is fresh; `tariff` is the active register */
  meterSeen(tariff: number | null): void {
    for (const loop of this.loops.values()) loop.meterSeen(tariff);
  }

  /** In-process: every telegram the hub publishes counts as meter news. */
  followMeter(hub: StateHub): () => void {
    return hub.subscribe((delta) => {
      if (Object.prototype.hasOwnProperty.call(delta.set, 'meter')) this.meterSeen(hub.current.meter?.tariff ?? null);
    });
  }

  loop(id: string): ChargerLoop {
    const loop = this.loops.get(id);
    if (!loop) throw new Error(`no charger with id "${id}"; configured: ${[...this.loops.keys()].join(', ') || 'none'}`);
    return loop;
  }

  state(): EvState {
    return { chargers: [...this.loops.values()].map((loop) => loop.state()) };
  }

  private publish(): void {
    this.options.hub.update({ ev: this.state() });
  }

  private registerCommands(commands: CommandRegistry): void {
    commands.register('ev.mode', {
      access: CHANGES,
      summary: 'a charger\'s mode: smart, now, solar or off',
      args: z.object({ charger: chargerArg, mode: chargeModeSchema }).strict(),
      run: ({ charger, mode }) => { this.loop(charger).setMode(mode); this.publish(); return { charger, mode }; },
    });
    commands.register('ev.soc', {
      access: CHANGES,
      summary: 'the state of charge (%) of the car on a charger, as the user reads it',
      args: z.object({ charger: chargerArg, percent: z.number().min(0).max(100) }).strict(),
      run: ({ charger, percent }) => { this.loop(charger).reportSoc(percent, 'user'); this.publish(); return { charger, percent }; },
    });
    commands.register('ev.car', {
      access: CHANGES,
      summary: 'which configured car is on a charger',
      args: z.object({ charger: chargerArg, car: z.string().min(1).max(48) }).strict(),
      run: ({ charger, car }) => { this.loop(charger).setCar(car); this.publish(); return { charger, car }; },
    });
  }
}
