/**
 * The composition root: configuration -> drivers -> services, per role. `serve` (and later the
 * Electron shell) call createApp, then attach the bus and the dashboard to its state hub.
 *
 *   meter role: P1 source -> reader -> pipeline (ledger, quarter tracker, store) -> publisher -> hub
 *   ev, battery: nothing to run yet (their issues add the services here)
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
import { SimulatorSource } from './demo/simulator-source.js';
import { createLogger } from './log/logger.js';
import { P1Reader } from './p1/reader.js';
import { SimulatedMeter } from './p1/simulator/meter.js';
import { createP1Source } from './p1/sources/factory.js';
import type { P1Source } from './p1/sources/types.js';
import { openPipeline, type OpenedPipeline } from './pipeline/open-pipeline.js';
import { FileSecretStore } from './secrets/file-secret-store.js';
import type { SpotPrice } from './tariff/pricing.js';
import { createPrices, priceSourceState } from './tariff/prices/start-prices.js';
import { activeRatesFile, RatesStore } from './tariff/rates-load.js';
import { parseStart } from './p1/simulator/run-options.js';
import { registerTripsCommands } from './ev/trips/commands.js';
import { createTrips } from './ev/trips/start-trips.js';

export type Role = 'meter' | 'ev' | 'battery';

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
}

export interface App {
  loaded: LoadedConfig;
  dataDir: string;
  demo: boolean;
  roles: Role[];
  log: Logger;
  hub: StateHub;
  commands: CommandRegistry;
  /** start reading the meter */
  start(): void;
  /** stop reading, commit everything, close the database */
  stop(): Promise<void>;
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
  const ring = new LogRing();
  const log = createLogger({
    level: config.log.level, logDir: config.log.file ? dataDir : undefined, console: o.console,
    extraStreams: [{ level: 'info', stream: ring }],
  });
  const hub = new StateHub(undefined, (error) => log.error({ err: (error as Error).message }, 'a state listener failed'));
  const commands = registerStateCommands(new CommandRegistry(), hub);
  for (const role of roles) if (role !== 'meter') log.info(`role ${role}: nothing to run yet in this version (the dashboard shows a placeholder)`);
  if (!roles.includes('meter')) {
    hub.update({ dashboard: { roles, demo, months: null, quarters: [], telegram: null, log: [] } });
    return { loaded, dataDir, demo, roles, log, hub, commands, start: () => {}, stop: async () => {} };
  }

  const ratesStore = new RatesStore(demo ? demoRatesFile(dataDir) : activeRatesFile(config.rates, loaded.configDir));
  // the ledger asks for the spot price per energy delta; bound to the price cache once the database is open
  let spot: SpotPrice = () => null;
  const opened = openPipeline({
    dbFile: join(dataDir, 'meter.sqlite'), rates: ratesStore.current, log, exportDir: join(dataDir, 'history'),
    spot: (time) => spot(time), limits: config.ledger,
  });
  for (const problem of opened.problems) log.warn(problem);
  const secrets = new FileSecretStore(dataDir);
  const prices = await createPrices({
    db: opened.store.db, config: config.prices, secrets, log,
    onStatus: (status) => hub.update({ sources: { ...hub.current.sources, prices: priceSourceState(status) } }),
  });
  spot = prices.spot;
  // day-ahead prices are fetched for a dynamic contract only, and never in the demo (it stays offline)
  const fetchPricesIfDynamic = () => { if (!demo && ratesStore.current.Electricity.dynamic) prices.start(); };
  const publisher = new DashboardPublisher({ hub, opened, rates: () => ratesStore.current, ratesFile: ratesStore.file, log: ring, roles, demo });
  ratesStore.onChange((rates, file) => {
    opened.changeRates(rates);
    opened.peaks.setPricePerKwYear(rates.Capacity?.eurPerKwYear ?? null);
    log.info({ file }, 'rates saved and in force from the latest telegram on');
    fetchPricesIfDynamic();
    publisher.publishFigures();
  });
  registerDashboardCommands(commands, { ratesStore, ledger: opened.ledger, power: publisher.power, meterNow: () => opened.pipeline.last });
  // trips from the calendars, for the EV role, once cars are configured (kept in the meter's database)
  const trips = roles.includes('ev') && config.trips.cars.length > 0
    ? createTrips({ config: config.trips, db: opened.store.db, secrets, log, onState: (state) => hub.update({ trips: state }) })
    : null;
  if (trips) registerTripsCommands(commands, trips);

  const source = demo ? demoSource(opened, dataDir, log, o) : createP1Source(config.p1, {
    log, baseDir: loaded.configDir,
    simulator: (c) => new SimulatorSource(new SimulatedMeter({ seed: c.seed, start: simulatorStart(c.start), grid: c.grid }), o.speed ?? c.speed),
  });
  // the history (demo) is in: today's bars start from the store, not from the pipeline's list
  opened.pipeline.flush();
  opened.pipeline.quarters.length = 0;

  const reader = new P1Reader(source, { log });
  reader.onTelegram((telegram, raw) => {
    opened.pipeline.handle({ ok: true, telegram, offset: 0 }, raw);
    publisher.telegram(telegram, raw);
  });
  reader.onStatus((status) => publisher.source('p1', status, reader.latestAt()));
  publisher.publishFigures();
  let flushTimer: NodeJS.Timeout | null = null;

  return {
    loaded, dataDir, demo, roles, log, hub, commands,
    start() {
      log.info({ source: source.description }, 'reading the meter');
      reader.start();
      fetchPricesIfDynamic();
      trips?.start();
      flushTimer = setInterval(() => opened.pipeline.flush(), FLUSH_EVERY_MS);
      flushTimer.unref();
    },
    async stop() {
      if (flushTimer) clearInterval(flushTimer);
      await reader.stop();
      prices.stop();
      trips?.stop();
      opened.pipeline.flush();
      opened.close();
      log.info('stopped; everything committed');
    },
  };
}

function demoSource(opened: OpenedPipeline, dataDir: string, log: Logger, o: AppOptions): P1Source {
  const meter = prepareDemoMeter({
    dataDir, log, lastTelegramTime: opened.store.resumePoint().lastTelegramTime, historyDays: o.historyDays,
    handle: (result, raw) => opened.pipeline.handle(result, raw),
  });
  return new SimulatorSource(meter, o.speed ?? 1);
}

/** p1.start of a configured simulator: as `simulate --start` reads it (no offset: Brussels time), or now. */
function simulatorStart(text: string | undefined): number {
  try {
    return parseStart(text);
  } catch (error) {
    throw new Error(`p1.start: ${(error as Error).message.replace(/^--start /, '')}`, { cause: error });
  }
}
