/**
 * The composition root: configuration -> drivers -> services, per role. `serve` (and later the
 * Electron shell) call createApp, then attach the bus and the dashboard to its state hub.
 *
 *   meter role: P1 source -> reader -> pipeline (ledger, quarter tracker, store) -> publisher -> hub
 *               -> site (broker over the demand book, grants back through each door) -> hub
 *   ev, battery, test devices: role modules (main/roles/role-module.ts), each given a SiteLink:
 *               in-process onto the demand book beside the meter, or over the websocket on a
 *               satellite (roles without meter, bus.meter {url, token, name})
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { loadConfig, type LoadedConfig } from './config/load.js';
import { CommandRegistry, registerStateCommands } from './bus/commands.js';
import { StateHub } from './bus/state-hub.js';
import { registerDashboardCommands } from './dashboard/commands.js';
import { LogRing } from './dashboard/log-ring.js';
import { DashboardPublisher } from './dashboard/publisher.js';
import { demoRatesFile, prepareDemoMeter, serveDataDir } from './demo/demo.js';
import { startDemoCharger } from './demo/demo-charger.js';
import { SimulatorSource } from './demo/simulator-source.js';
import { ConditionLog, createLogger } from './log/logger.js';
import { P1Reader } from './p1/reader.js';
import { SimulatedMeter } from './p1/simulator/meter.js';
import { createP1Source } from './p1/sources/factory.js';
import { openPipeline, type OpenedPipeline } from './pipeline/open-pipeline.js';
import { FileSecretStore } from './secrets/file-secret-store.js';
import type { SecretStore } from './secrets/secret-store.js';
import { RestartGate } from './lifecycle/restart-veto.js';
import type { SpotPrice } from './tariff/pricing.js';
import { createPrices, priceSourceState } from './tariff/prices/start-prices.js';
import { activeRatesFile, loadRatesFile, RatesStore } from './tariff/rates-load.js';
import { prepareDataDir } from './store/data-dir.js';
import { parseStart } from './p1/simulator/run-options.js';
import { hostname } from 'node:os';
import type { SiteLink } from '../shared/site/contract.js';
import type { BusState } from '../shared/state.js';
import { BusClient } from './bus/client.js';
import { ConfigError } from './config/errors.js';
import { ShutdownRegistry } from './lifecycle/shutdown.js';
import type { RoleContext, RoleFactory, RoleModule } from './roles/role-module.js';
import { startEvRole } from './roles/ev.js';
import { startTestDevices } from './roles/test-devices.js';
import { startBatteryRole } from './battery/role.js';
import { DemandBook } from './site/demand-book.js';
import { inProcessLink } from './site/in-process-link.js';
import { RemoteSiteLink } from './site/remote-link.js';
import { CONTROL_OFF, satelliteDoors, withDeviceStates, type SatelliteDoors } from './site/satellite-doors.js';
import { SatelliteStates } from './site/satellite-state.js';
import { sendDeviceState } from './site/device-state-sender.js';
import { satelliteCommandGuard } from './site/satellite-commands.js';
import type { EvState } from '../shared/ev/state.js';
import type { BatteryState } from '../shared/battery/state.js';
import { publishSatelliteStatus } from './site/satellite-status.js';
import { SiteController } from './site/site-controller.js';
import { registerTripsCommands } from './ev/trips/commands.js';
import { judgeTripsFromChargers } from './ev/trips/charger-trips.js';
import { createTrips } from './ev/trips/start-trips.js';
import { registerSiteCommands } from './site/commands.js';
import { startPlan } from './site/plan/start-plan.js';
import { planTargetKw } from '../shared/plan/lookup.js';

export type Role = 'meter' | 'ev' | 'battery';

const DEMO_FUSE = { grid: '3x400', phases: 3, amps: 25 } as const;

/**
 * The device roles' modules. The EV issue sets `ev`, the battery issue `battery`; a role
 * without a module runs nothing (its page says so).
 */
const ROLE_MODULES: Record<Exclude<Role, 'meter'>, RoleFactory | null> = {
  ev: startEvRole,
  battery: startBatteryRole,
};

export interface AppOptions {
  configFile?: string;
  /** overrides the configuration's roles */
  roles?: Role[];
  /** overrides a simulator's speed (demo and p1.type "simulator") */
  speed?: number;
  /** the demo's history at first start (default 35 days) */
  historyDays?: number;
  env?: NodeJS.ProcessEnv;
  /** where console log lines go (default stderr) */
  console?: NodeJS.WritableStream | null;
  /**
   * The shutdown registry of whoever starts the core (`serve`, the Electron shell): every role
   * registers its safe state in it, the bus its close, the store its commit, so one stop runs
   * them in that order. Default: the core's own.
   */
  shutdown?: ShutdownRegistry;
  /**
   * The restart gate of whoever restarts the process for an update (the Electron shell): roles
   * register their vetoes there. Default: the core's own (`serve` never restarts itself).
   */
  restartGate?: RestartGate;
  /**
   * The secret store for the data directory (the shell's encrypts with the OS keychain).
   * Default: the data directory's 0600 file.
   */
  secrets?: (dataDir: string) => SecretStore;
}

export interface App {
  loaded: LoadedConfig;
  dataDir: string;
  demo: boolean;
  roles: Role[];
  log: Logger;
  hub: StateHub;
  commands: CommandRegistry;
  /** the door satellites file their demands through (control off without a meter or a main fuse) */
  site: SatelliteDoors;
  /** the meter's site: broker and demand book (null without the meter role or a main fuse) */
  siteController: SiteController | null;
  /** start reading the meter */
  start(): void;
  /** devices to their safe state, then the bus, then commit everything and close the database */
  stop(): Promise<void>;
  /** the registry `stop` runs: the bus registers its close in its 'bus' phase */
  shutdown: ShutdownRegistry;
  /** the gate an update's restart asks (the roles' vetoes are in it) */
  restartGate: RestartGate;
}

/** Commit at least this often in wall time, so a slow demo or a quiet meter still saves. */
const FLUSH_EVERY_MS = 10_000;

export async function createApp(o: AppOptions = {}): Promise<App> {
  const env = o.env ?? process.env;
  const loaded = loadConfig(o.configFile, env);
  const { config } = loaded;
  const demo = loaded.file === null;
  const dataDir = serveDataDir(loaded);
  const roles = o.roles ?? config.roles;
  // the rates are read before the data directory or app.log is created: a bad rates file stops
  // the start having changed nothing
  const meterRole = roles.includes('meter');
  const ratesFile = meterRole && !demo ? activeRatesFile(config.rates, loaded.configDir) : null;
  const initialRates = ratesFile ? loadRatesFile(ratesFile) : undefined;
  const dataDirWarning = prepareDataDir(dataDir, !config.dataDir);
  const ring = new LogRing();
  const log = createLogger({
    level: config.log.level, logDir: config.log.file ? dataDir : undefined, console: o.console,
    extraStreams: [{ level: 'info', stream: ring }],
  });
  if (dataDirWarning) log.warn(dataDirWarning);
  // an older configuration file that still loads says what to change in it
  for (const notice of loaded.notices ?? []) log.warn(notice);
  const hub = new StateHub(undefined, (error) => log.error({ err: (error as Error).message }, 'a state listener failed'));
  const commands = registerStateCommands(new CommandRegistry(), hub);
  const shutdown = o.shutdown ?? new ShutdownRegistry(10_000, (message) => log.warn(message));
  const restartGate = o.restartGate ?? new RestartGate();
  const clock = { now: () => Date.now(), monoNow: () => performance.now() };
  // the demo has no configuration: it shares a typical Belgian 3 x 25 A connection
  const fuse = config.site.fuse ?? (demo ? DEMO_FUSE : null);

  if (!meterRole) {
    hub.update({ dashboard: { roles, demo, months: null, quarters: [], telegram: null, log: [] } });
    const satellite = satelliteLink(loaded, roles, hub, clock.monoNow, log);
    if (satellite) shutdown.add('bus', 'link to the meter closed', () => satellite.close());
    const modules = await startRoles(roles, { loaded, dataDir, hub, commands, clock, log, site: satellite?.link ?? NO_METER, shutdown, restartGate }, log);
    return {
      loaded, dataDir, demo, roles, log, hub, commands, site: CONTROL_OFF, siteController: null, shutdown, restartGate,
      start: () => {
        satellite?.start();
        for (const m of modules) m.start?.();
      },
      stop: async () => { await shutdown.shutdown(); },
    };
  }

  const ratesStore = ratesFile ? new RatesStore(ratesFile, initialRates) : new RatesStore(demoRatesFile(dataDir));
  // the ledger asks for the spot price per energy delta; bound to the price cache once the database is open
  let spot: SpotPrice = () => null;
  const opened = openPipeline({
    dbFile: join(dataDir, 'meter.sqlite'), rates: ratesStore.current, log, exportDir: join(dataDir, 'history'),
    spot: (time) => spot(time), limits: config.ledger,
  });
  const secrets = o.secrets ? o.secrets(dataDir) : new FileSecretStore(dataDir);
  const prices = await createPrices({
    db: opened.store.db, config: config.prices, secrets, log,
    onStatus: (status) => hub.update({ sources: { ...hub.current.sources, prices: priceSourceState(status) } }),
  });
  spot = prices.spot;
  // day-ahead prices are fetched for a dynamic contract only, and never in the demo (it stays offline)
  const fetchPricesIfDynamic = () => { if (!demo && ratesStore.current.Electricity.dynamic) prices.start(); };
  const publisher = new DashboardPublisher({ hub, opened, rates: () => ratesStore.current, ratesFile: ratesStore.file, log: ring, roles, demo, spot: (time) => spot(time) });
  ratesStore.onChange((rates, file) => {
    opened.changeRates(rates);
    opened.peaks.setPricePerKwYear(rates.Capacity?.eurPerKwYear ?? null);
    log.info({ file }, 'rates saved and in force from the latest telegram on');
    fetchPricesIfDynamic();
    publisher.publishFigures();
  });
  registerDashboardCommands(commands, { ratesStore, ledger: opened.ledger, power: publisher.power, meterNow: () => opened.pipeline.last, log });
  const demoMeter = demo ? demoMeterFor(opened, dataDir, log, o) : null;
  const source = demoMeter ? new SimulatorSource(demoMeter, o.speed ?? 1) : createP1Source(config.p1, {
    log, baseDir: loaded.configDir,
    simulator: (c) => new SimulatorSource(new SimulatedMeter({ seed: c.seed, start: simulatorStart(c.start), grid: c.grid }), o.speed ?? c.speed),
  });
  // the history (demo) is in: today's bars start from the store, not from the pipeline's list
  opened.pipeline.flush();
  opened.pipeline.quarters.length = 0;
  // the power chart starts with the last 15 minutes the store has, not empty
  const lastStored = opened.pipeline.last;
  if (lastStored !== null) publisher.power.fill(opened.store.telegramBatches(lastStored - 900_000, lastStored), lastStored);

  // the site: one demand book, two doors (in-process roles, satellites); grants on every telegram
  const book = new DemandBook(clock.monoNow);
  const siteController = fuse ? new SiteController({
    fuse, book, hub, monoNow: clock.monoNow, log,
    eurPerKwYear: () => ratesStore.current.Capacity?.eurPerKwYear ?? null,
    onBaseQuarter: (q) => opened.store.queueSiteQuarter(q),
    planTargetKw: (time) => planTargetKw(hub.current.plan, time),
  }) : null;
  if (siteController) registerSiteCommands(commands, siteController);
  const local = inProcessLink(book, clock.monoNow);
  // the satellites' chargers and battery beside the meter's own in `ev` and `battery`: the plan,
  // the dashboard and Home Assistant see them (main/site/satellite-state.ts)
  const own: { ev?: EvState | null; battery?: BatteryState | null } = {};
  const satelliteStates = new SatelliteStates({
    monoNow: clock.monoNow, local: () => own, filedBy: (device) => book.get(device)?.door, warn: (message) => log.warn(message),
  });
  const evComposed = hub.compose('ev', (ev) => { own.ev = ev; return satelliteStates.ev(ev); });
  const batteryComposed = hub.compose('battery', (battery) => { own.battery = battery; return satelliteStates.battery(battery); });
  satelliteStates.onChange(() => { evComposed.refresh(); batteryComposed.refresh(); });
  commands.guard(satelliteCommandGuard({
    satelliteOf: (device) => satelliteStates.satelliteOf(device),
    satelliteBattery: () => (own.battery ? undefined : hub.current.battery?.device),
  }));
  const satelliteTick = setInterval(() => satelliteStates.tick(), 1000);
  satelliteTick.unref();
  // the demo charges a simulated car when the EV role runs (and no chargers are configured)
  const demoCharger = demo && roles.includes('ev') && !config.ev ? await startDemoCharger(demoMeter) : null;
  if (demoCharger) shutdown.add('final', 'demo charger simulator closed', () => demoCharger.stop());
  const roleLoaded = demoCharger ? { ...loaded, config: { ...config, ev: demoCharger.config } } : loaded;
  // trips from the calendars and sudden trips for the cars of ev.cars, kept in the meter's
  // database: for the EV role beside it, or for an EV satellite (which mirrors `trips`); the demo's car too
  const evCars = roleLoaded.config.ev?.cars ?? [];
  const trips = evCars.length > 0
    ? createTrips({ config: config.trips, cars: evCars, db: opened.store.db, secrets, log, onState: (state) => hub.update({ trips: state }) })
    : null;
  if (trips) {
    registerTripsCommands(commands, trips);
    // the EV role's verdict per trip (met, or short by how much) goes into the trips' state too
    judgeTripsFromChargers(trips, hub);
  }

  const modules = await startRoles(roles, { loaded: roleLoaded, dataDir, hub, commands, clock, log, site: local, shutdown, restartGate }, log);
  // the site plan: every car's and the battery's energy per quarter for 48 h (control needs the fuse)
  const plan = fuse ? await startPlan({
    hub, config: roleLoaded.config, fuse, rates: () => ratesStore.current, spot: (time) => spot(time),
    baseHistory: (from, to) => opened.store.siteQuarters(from, to), clock, log: log.child({ part: 'plan' }),
  }) : null;
  const controlled = modules.flatMap((m) => m.devices);
  if (controlled.length && !fuse) {
    // nothing stays open behind a refused configuration
    await shutdown.shutdown();
    prices.stop();
    opened.close();
    throw new ConfigError(loaded.file ?? 'the configuration', [
      `site.fuse: required to control ${controlled.join(', ')}: the main fuse, e.g. {"grid": "3x400", "phases": 3, "amps": 25}`,
    ]);
  }
  if (!fuse) log.info('site: no main fuse configured (site.fuse): control is off, satellites\' demands are refused');

  const reader = new P1Reader(source, { log });
  reader.onTelegram((telegram, raw) => {
    opened.pipeline.handle({ ok: true, telegram, offset: 0 }, raw);
    // grants first: a cut must not wait behind the meter's and the dashboard's state going out
    siteController?.telegram(telegram, opened.peaks.state());
    publisher.telegram(telegram, raw);
  });
  reader.onStatus((status) => publisher.source('p1', status, reader.latestAt()));
  publisher.publishFigures();
  let flushTimer: NodeJS.Timeout | null = null;

  // roles reach their safe state first (registered by each module), then the meter and the store close
  shutdown.add('store', 'meter read, committed and closed', async () => {
    if (flushTimer) clearInterval(flushTimer);
    await reader.stop();
    siteController?.stop();
    clearInterval(satelliteTick);
    plan?.stop();
    local.close();
    prices.stop();
    trips?.stop();
    opened.pipeline.flush();
    opened.close();
    log.info('stopped; everything committed');
  });

  return {
    loaded, dataDir, demo, roles, log, hub, commands, shutdown, restartGate,
    site: withDeviceStates(fuse ? satelliteDoors(book) : CONTROL_OFF, satelliteStates),
    siteController,
    start() {
      log.info({ source: source.description }, 'reading the meter');
      reader.start();
      fetchPricesIfDynamic();
      trips?.start();
      plan?.start();
      // a failed commit is reported (once while it lasts) and retried; it never ends the process,
      // which would skip the safe-state shutdown and crash-loop on the same data at every start
      const commitLog = new ConditionLog(log);
      flushTimer = setInterval(() => {
        try {
          opened.pipeline.flush();
          if (commitLog.current('commit') === 'failing') commitLog.report('commit', 'ok', 'info', 'the database commits again');
        } catch (error) {
          commitLog.report('commit', 'failing', 'error', 'the database commit failed; retrying every 10 s', { err: (error as Error).message });
        }
      }, FLUSH_EVERY_MS);
      flushTimer.unref();
      for (const m of modules) m.start?.();
    },
    async stop() {
      await shutdown.shutdown();
    },
  };
}

function demoMeterFor(opened: OpenedPipeline, dataDir: string, log: Logger, o: AppOptions): SimulatedMeter {
  return prepareDemoMeter({
    dataDir, log, lastTelegramTime: opened.store.resumePoint().lastTelegramTime, historyDays: o.historyDays,
    handle: (result, raw) => opened.pipeline.handle(result, raw),
  });
}

/** p1.start of a configured simulator: as `simulate --start` reads it (no offset: Brussels time), or now. */
function simulatorStart(text: string | undefined): number {
  try {
    return parseStart(text);
  } catch (error) {
    throw new Error(`p1.start: ${(error as Error).message.replace(/^--start /, '')}`, { cause: error });
  }
}

/** Compose the device roles' modules (and the configured test devices) on one SiteLink. */
async function startRoles(roles: Role[], ctx: RoleContext, log: Logger): Promise<RoleModule[]> {
  const modules: RoleModule[] = [];
  for (const role of roles) {
    if (role === 'meter') continue;
    const factory = ROLE_MODULES[role];
    if (factory) modules.push(await factory(ctx));
    else log.info(`role ${role}: nothing to run yet in this version (the dashboard shows a placeholder)`);
  }
  if (ctx.loaded.config.site.testDevices.length) modules.push(await startTestDevices(ctx));
  return modules;
}

/** A satellite with no meter configured: its devices never get a grant, so they stay safe. */
const NO_METER: SiteLink = { demand: () => {}, withdraw: () => {}, onGrant: () => () => {} };

/**
 * A satellite's link to the meter (bus.meter): the bus client, the remote SiteLink on it and the
 * satellite's own status page. null when bus.meter is not configured (the roles then wait).
 */
function satelliteLink(loaded: LoadedConfig, roles: Role[], hub: StateHub, monoNow: () => number, log: Logger) {
  const meter = loaded.config.bus.meter;
  if (!meter) {
    log.warn('no meter role here and no bus.meter {url, token} configured: the devices stay in their safe state');
    return null;
  }
  // the host name and the role: two satellites on one host without names do not take each other's place
  const name = meter.name ?? `${satelliteNameFromHost()}-${roles.filter((r) => r !== 'meter').join('-')}`.slice(0, 48);
  const role = roles.includes('ev') ? 'ev' : 'battery';
  const client = new BusClient({ url: meter.url, token: meter.token, role, name, ...(meter.fingerprint ? { fingerprint: meter.fingerprint } : {}) });
  const link = new RemoteSiteLink(client, monoNow);
  let stopStatus: (() => void) | null = null;
  let stopDeviceState: (() => void) | null = null;
  // the satellite's page shows the meter's figures too: its state mirrors the meter's (not its own page's parts)
  // and `trips` and `plan`: the EV role here charges for the trips the meter's trips service reads, as planned
  const mirror = (state: BusState) => hub.update({
    meter: state.meter, quarter: state.quarter, costs: state.costs, sources: state.sources, site: state.site ?? null,
    trips: state.trips ?? null, plan: state.plan ?? null,
  });
  client.on('snapshot', mirror);
  client.on('delta', (_delta, state) => mirror(state));
  client.on('connected', () => log.info({ meter: meter.url, name }, 'satellite: connected to the meter'));
  client.on('disconnected', (code, reason) => log.warn({ code, reason }, 'satellite: link to the meter lost; reconnecting'));
  client.on('stale', (stale) => { if (stale) log.warn('satellite: no telegram from the meter for 3 s; devices in their safe state'); });
  client.on('refused', (error) => log.warn({ code: error.code }, `satellite: the meter refused: ${error.message}`));
  return {
    link,
    start() {
      log.info({ meter: meter.url, name }, 'satellite: connecting to the meter');
      stopStatus = publishSatelliteStatus({ client, link, hub, name, meterUrl: meter.url, monoNow });
      // the meter shows and plans this satellite's chargers and battery from their state
      stopDeviceState = sendDeviceState({ link: client, hub, ev: roles.includes('ev'), battery: roles.includes('battery'), clock: { monoNow } });
      client.start();
    },
    async close() {
      stopStatus?.();
      stopDeviceState?.();
      await client.close();
    },
  };
}

/** The host name as a satellite name: lowercase letters, digits, - and _. */
function satelliteNameFromHost(): string {
  const name = hostname().toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 48);
  return name || 'satellite';
}
