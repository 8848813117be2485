import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { SourceStatus } from '../../../shared/state.js';
import type { PricesConfig } from '../../config/prices-schema.js';
import type { SecretStore } from '../../secrets/secret-store.js';
import type { SpotPrice } from '../pricing.js';
import { PriceCache } from './price-cache.js';
import { PriceService, type Clock, type Timers } from './price-service.js';
import { configuredSources } from './sources.js';
import type { PriceStatus } from './types.js';

export interface CreatePricesOptions {
  /** the meter database (its migration 2 holds the cache table) */
  db: Database;
  config: PricesConfig;
  secrets: SecretStore;
  log: Logger;
  onStatus?: (status: PriceStatus) => void;
  clock?: Clock;
  timers?: Timers;
}

export interface Prices {
  service: PriceService;
  cache: PriceCache;
  /** the ledger's hook (LedgerOptions.spot / OpenPipelineOptions.spot): cached prices, fetched or not */
  spot: SpotPrice;
  /** begin fetching in the background (idempotent); does not wait for the network */
  start(): void;
  stop(): void;
}

/**
 * The composition root's one call for dynamic prices: sources from the config and the secret
 * store, the cache in the meter database, and a service that fetches once started. The cache
 * answers the ledger from the first telegram on, started or not.
 */
export async function createPrices(o: CreatePricesOptions): Promise<Prices> {
  const cache = new PriceCache(o.db);
  const { sources, notes } = await configuredSources(o.config, o.secrets);
  const service = new PriceService({ sources, cache, log: o.log, onStatus: o.onStatus, clock: o.clock, timers: o.timers });
  let started = false;
  return {
    service, cache, spot: cache.spotPrice(),
    start() {
      if (started || sources.length === 0) return;
      started = true;
      for (const note of notes) o.log.info({ condition: 'prices' }, note);
      void service.start().catch((error: unknown) => o.log.error({ err: (error as Error).message }, 'price service stopped unexpectedly'));
    },
    stop: () => service.stop(),
  };
}

/** The price state as one of the bus state's `sources` entries (the dashboard shows it). */
export function priceSourceState(status: PriceStatus): SourceStatus {
  return {
    // fresh prices: ok; cached only: usable but not refreshed (silent); none: register rates (error)
    status: status.source === 'none' ? 'error' : status.source === 'cache' ? 'silent' : 'ok',
    message: status.message,
    lastDataAt: status.fetchedAt,
  };
}
