import type { PricesConfig } from '../../config/prices-schema.js';
import type { SecretStore } from '../../secrets/secret-store.js';
import { EnergyChartsSource } from './energy-charts-source.js';
import { EntsoeSource } from './entsoe-source.js';
import type { PriceSource } from './types.js';

export const ENTSOE_TOKEN_SECRET = 'entsoe-token';

export interface ConfiguredSources {
  sources: PriceSource[];
  /** why a configured source is not used (no token, unreadable secrets): safe to show */
  notes: string[];
}

/**
 * The price sources in the configured order. ENTSO-E needs the personal token from the secret
 * store; without it Energy-Charts (token-free) carries on alone, and the note says how to add it.
 */
export async function configuredSources(config: PricesConfig, secrets: SecretStore): Promise<ConfiguredSources> {
  const sources: PriceSource[] = [];
  const notes: string[] = [];
  if (!config.enabled) return { sources, notes: ['price fetching is off (prices.enabled = false)'] };
  const timeoutMs = config.timeoutSeconds * 1000;
  for (const name of config.sources) {
    if (name === 'energy-charts') {
      sources.push(new EnergyChartsSource({ baseUrl: config.energyChartsUrl, timeoutMs }));
      continue;
    }
    let token: string | null;
    try {
      token = await secrets.get(ENTSOE_TOKEN_SECRET);
    } catch (error) {
      notes.push(`ENTSO-E skipped: ${(error as Error).message}`);
      continue;
    }
    if (token) sources.push(new EntsoeSource({ token, baseUrl: config.entsoeUrl, timeoutMs }));
    else notes.push(`ENTSO-E skipped: no token (digital-meter secret set ${ENTSOE_TOKEN_SECRET})`);
  }
  return { sources, notes };
}
