import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { PricesConfig } from '../../config/prices-schema.js';
import type { SecretStore } from '../../secrets/secret-store.js';
import type { SpotPrice } from '../pricing.js';
import { PriceCache } from './price-cache.js';
import { PriceService, type Clock, type Timers } from './price-service.js';
import { configuredSources } from './sources.js';
import type { PriceStatus } from './types.js';

export interface StartPricesOptions {
  /** the meter database (its migration 2 holds the cache table) */
  db: Database;
  config: PricesConfig;
  secrets: SecretStore;
  log: Logger;
  onStatus?: (status: PriceStatus) => void;
  clock?: Clock;
  timers?: Timers;
}

export interface StartedPrices {
  service: PriceService;
  cache: PriceCache;
  /** the ledger's hook (LedgerOptions.spot / OpenPipelineOptions.spot) */
  spot: SpotPrice;
  stop(): void;
}

/**
 * The composition root's one call for dynamic prices: sources from the config and the secret
 * store, the cache in the meter database, and the service fetching in the background. It does
 * not wait for the network: until prices arrive the cache (or the register rates) apply.
 */
export async function startPrices(o: StartPricesOptions): Promise<StartedPrices> {
  const cache = new PriceCache(o.db);
  const { sources, notes } = await configuredSources(o.config, o.secrets);
  for (const note of notes) o.log.info({ condition: 'prices' }, note);
  const service = new PriceService({ sources, cache, log: o.log, onStatus: o.onStatus, clock: o.clock, timers: o.timers });
  if (sources.length > 0) {
    void service.start().catch((error: unknown) => o.log.error({ err: error }, 'price service stopped unexpectedly'));
  }
  return { service, cache, spot: cache.spotPrice(), stop: () => service.stop() };
}
