import { copyFileSync, existsSync, readFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { FrameResult } from '../../shared/p1/telegram.js';
import type { LoadedConfig } from '../config/load.js';
import { SimulatedMeter } from '../p1/simulator/meter.js';
import { bundledRatesFile, writeFileAtomic } from '../tariff/rates-load.js';
import { fillHistory } from './history.js';

/** The demo's days of history filled in at its first start. */
export const DEMO_HISTORY_DAYS = 35;
/** One telegram every 5 minutes in the filled history (see fillHistory). */
export const HISTORY_STEP_S = 300;

/**
 * The data directory `serve` (and `token`) use: the configured one, or with no configuration
 * file at all (the demo) a `demo` folder inside the default one, so the demo's simulated
 * history never mixes with a real meter's.
 */
export function serveDataDir(loaded: LoadedConfig): string {
  return loaded.file === null && !loaded.config.dataDir ? join(loaded.dataDir, 'demo') : loaded.dataDir;
}

/** The demo's rates file: bundled rates plus a Flemish capacity price, copied at first start. */
export function demoRatesFile(dataDir: string): string {
  const file = join(dataDir, 'rates.json');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    copyFileSync(join(dirname(bundledRatesFile()), 'resources', 'demo', 'rates.json'), file);
  }
  return file;
}

interface DemoMeta { seed: number; origin: number }

export interface DemoOptions {
  dataDir: string;
  log: Logger;
  /** meter time of the last telegram in the store (null: a new demo) */
  lastTelegramTime: number | null;
  handle: (result: FrameResult, raw: Uint8Array) => void;
  historyDays?: number;
  now?: number;
}

/**
 * The demo's simulated meter, ready to run live from now: at the first start with
 * `historyDays` of history sent through `handle`; at a restart rebuilt from its origin (the model
 * is deterministic) to where the store left off, with the time the demo was off filled in.
 */
export function prepareDemoMeter(o: DemoOptions): SimulatedMeter {
  const metaFile = join(o.dataDir, 'demo.json');
  const now = o.now ?? Date.now();
  const step = HISTORY_STEP_S * 1000;
  let meta: DemoMeta | null = existsSync(metaFile) ? JSON.parse(readFileSync(metaFile, 'utf8')) as DemoMeta : null;
  if (!meta || o.lastTelegramTime === null) {
    const days = o.historyDays ?? DEMO_HISTORY_DAYS;
    meta = { seed: 1, origin: Math.floor((now - days * 86_400_000) / step) * step };
    writeFileAtomic(metaFile, JSON.stringify(meta) + '\n');
  }
  const meter = new SimulatedMeter({ seed: meta.seed, start: meta.origin, water: true });
  if (o.lastTelegramTime !== null && o.lastTelegramTime >= meta.origin) {
    meter.advance((o.lastTelegramTime - meta.origin) / 1000 + 1);
  }
  if (meter.time < now) {
    const from = meter.time;
    const started = performance.now();
    const sent = fillHistory(meter, now, HISTORY_STEP_S, o.handle);
    o.log.info({ telegrams: sent, ms: Math.round(performance.now() - started) }, `demo: filled ${((now - from) / 86_400_000).toFixed(1)} days of simulated history up to now`);
  }
  return meter;
}
