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
import { chargePowerKw, usablePhases, type GridType } from './grid.js';
import { NrgkickCharger } from './nrgkick/charger.js';
import { createNrgkickLink } from './nrgkick/link.js';
import { withPlan } from './plan-intent.js';
import { startHttpSocSource } from './soc-http.js';
import { startMqttSocSource } from './soc-mqtt.js';
import { eurosIn, tripIntentFor, verdictsFor, type TripChargeIntent } from './trips/charger-trips.js';

/**
 * The EV role: one ChargerLoop per configured charger, all speaking to the site through one
 * SiteLink (in-process onto the broker, or over the websocket as a satellite: the role cannot
 * tell). It publishes `ev` in the bus state and registers the ev.* commands (mode, SoC, car),
 * which the dashboard, the terminal and Home Assistant's entities all use. It reads `trips`
 * from its hub (the trips service beside it, or the meter's mirrored on a satellite) and gives
 * each charger the next trip of its car as a deadline (a sudden trip: urgent).
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
  /** what else (the plan) asks of a charger; combined with the trips' part worked out here */
  intent?: (chargerId: string) => ChargeIntent | undefined;
  /**
   * the wall clock (epoch ms) trips' departures and the plan's quarters are compared with: the
   * app passes the meter's time (the site's clock, also for a simulated or replayed meter)
   */
  wallNow: () => number;
}

export function createNrgkickCharger(config: ChargerConfig, timers: Timers, log?: Logger, grid?: GridType): Charger {
  return new NrgkickCharger({
    id: config.id, link: createNrgkickLink({ baseUrl: config.url, username: config.username, password: config.password }),
    timers, maxCurrentA: config.maxCurrentA, pollMs: config.pollSeconds * 1000, phaseSwitching: config.phaseSwitching, log,
    grid, energyLease: config.energyLease === false ? null : config.energyLease,
  });
}

const chargerArg = z.string().min(1).max(48);

/** the import price the meter publishes with its costs (mirrored onto a satellite's hub) */
function importPriceNow(hub: StateHub): number | null {
  const price = hub.current.costs?.['importEurPerKwhNow'];
  return typeof price === 'number' && Number.isFinite(price) ? price : null;
}

/** The trips' part and another part (the plan's) of a charger's intent; a part left undefined takes nothing away. */
export function combineIntents(...parts: Array<ChargeIntent | undefined>): ChargeIntent {
  const out: ChargeIntent = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part ?? {}) as Array<[keyof ChargeIntent, ChargeIntent[keyof ChargeIntent]]>) {
      if (value !== undefined) (out as Record<string, unknown>)[key] = value;
    }
  }
  return out;
}

export class EvRole {
  private readonly loops = new Map<string, ChargerLoop>();
  private readonly stops: Array<() => void> = [];
  private readonly asyncStops: Array<() => Promise<void>> = [];
  private readonly log: Logger;

  constructor(private readonly options: EvRoleOptions) {
    this.log = options.log ?? silentLogger();
    const { config, timers } = options;
    for (const chargerConfig of config.chargers) {
      const charger = options.createCharger?.(chargerConfig, timers) ?? createNrgkickCharger(chargerConfig, timers, this.log, config.grid ?? options.grid ?? '3x400');
      const loop: ChargerLoop = new ChargerLoop({
        setup: { device: chargerConfig.id, grid: config.grid ?? options.grid ?? '3x400', firstPhase: chargerConfig.firstPhase, safeCurrentA: chargerConfig.safeCurrentA, control: config.control },
        charger, link: options.link, timers, cars: config.cars, carId: chargerConfig.car ?? null, mode: chargerConfig.mode,
        // the trip's deadline, and the site plan's energy for this quarter beside it (plan-intent.ts)
        intent: (): ChargeIntent => withPlan(combineIntents(this.tripIntent(loop), options.intent?.(chargerConfig.id)), options.hub.current.plan, loop.carId(), this.wallNow()) ?? {},
        onChange: () => this.publish(),
        priceNow: () => importPriceNow(options.hub),
      });
      this.loops.set(chargerConfig.id, loop);
    }
    if (options.commands) this.registerCommands(options.commands);
  }

  start(): void {
    for (const loop of this.loops.values()) loop.start();
    // the vehicle sources feed whichever charger holds their car now
    for (const car of this.options.config.cars) {
      const source = car.socSource;
      if (!source) continue;
      const onProblem = (message: string) => this.log.warn({ car: car.id }, message);
      if (source.type === 'mqtt') {
        const stop = startMqttSocSource({
          url: source.url, topic: source.topic, path: source.path, username: source.username, password: source.password,
          clientId: `digital-meter-soc-${car.id}-${process.pid}`,
          onValue: (percent) => this.vehicleSoc(car.id, percent, 'mqtt'), onProblem,
        });
        this.asyncStops.push(stop);
        continue;
      }
      this.stops.push(startHttpSocSource({
        url: source.url, path: source.path, intervalMs: source.intervalSeconds * 1000, timers: this.options.timers,
        onValue: (percent) => this.vehicleSoc(car.id, percent, 'http'), onProblem,
      }));
    }
    const everySecond = () => { this.publish(); publishTimer = this.options.timers.setTimeout(everySecond, 1000); };
    let publishTimer = this.options.timers.setTimeout(everySecond, 1000);
    this.stops.push(() => this.options.timers.clearTimeout(publishTimer));
    this.publish();
  }

  /** a vehicle source's reading goes to whichever charger holds that car now */
  private vehicleSoc(carId: string, percent: number, via: 'http' | 'mqtt'): void {
    for (const loop of this.loops.values()) if (loop.carId() === carId) loop.reportSoc(percent, 'vehicle', via);
    this.publish();
  }

  async stop(): Promise<void> {
    for (const stop of this.stops.splice(0)) stop();
    await Promise.all(this.asyncStops.splice(0).map((stop) => stop()));
    await Promise.all([...this.loops.values()].map((loop) => loop.stop()));
  }

  /** a telegram arrived: the chargers' meter data is fresh; `tariff` is the active register */
  meterSeen(tariff: number | null): void {
    for (const loop of this.loops.values()) loop.meterSeen(tariff);
  }

  /**
   * Every telegram the hub publishes (beside the meter, or mirrored from it on a satellite)
   * counts as meter news and brings the active register. A delta names the parts that changed,
   * `meter` whole the first time and `meter.time`, `meter.tariff`... after that.
   */
  followMeter(hub: StateHub): () => void {
    return hub.subscribe((delta) => {
      if (Object.keys(delta.set).some((key) => key === 'meter' || key.startsWith('meter.'))) this.meterSeen(hub.current.meter?.tariff ?? null);
    });
  }

  loop(id: string): ChargerLoop {
    const loop = this.loops.get(id);
    if (!loop) throw new Error(`no charger with id "${id}"; configured: ${[...this.loops.keys()].join(', ') || 'none'}`);
    return loop;
  }

  state(): EvState {
    return { chargers: [...this.loops.values()].map((loop) => ({ ...loop.state(), ...this.tripState(loop) })) };
  }

  /** The trips' part of a charger's intent: the next trip of the car on it, from the hub's `trips`. */
  private tripIntent(loop: ChargerLoop): ChargeIntent {
    const { car, socPercent } = loop.carNow();
    return { trip: tripIntentFor(this.options.hub.current.trips, car, socPercent, this.wallNow()) };
  }

  /** The trip a charger charges for, what the broker says it costs, and the verdict on its car's trips. */
  private tripState(loop: ChargerLoop): { trip: EvState['chargers'][number]['trip']; tripVerdicts: NonNullable<EvState['chargers'][number]['tripVerdicts']> } {
    const { car, socPercent } = loop.carNow();
    const trips = this.options.hub.current.trips;
    if (!car || !trips) return { trip: null, tripVerdicts: [] };
    const now = this.wallNow();
    const charging: TripChargeIntent | null = tripIntentFor(trips, car, socPercent, now);
    const decision = loop.decision();
    const grid = this.options.config.grid ?? this.options.grid ?? '3x400';
    const chargerMaxA = this.options.config.chargers.find((c) => c.id === loop.id)?.maxCurrentA ?? car.maxCurrentA;
    const maxKw = chargePowerKw(grid, usablePhases(grid, car.maxPhases), Math.min(chargerMaxA, car.maxCurrentA));
    return {
      trip: charging && {
        id: charging.id, label: charging.label ?? '', departure: charging.time, urgent: charging.urgent ?? false, kwh: charging.kwh,
        costEur: decision?.reason.code === 'trip' ? eurosIn(decision.reason.text) : null,
      },
      tripVerdicts: verdictsFor(trips, car, socPercent, maxKw, now),
    };
  }

  private wallNow(): number {
    return this.options.wallNow();
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
