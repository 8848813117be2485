import type { PriceCache } from './price-cache.js';
import { missingQuarters, spotToQuarters } from './quarters.js';
import type { PriceSource, PriceSourceName, TimeRange } from './types.js';

export const SOURCE_LABEL: Record<PriceSourceName, string> = { entsoe: 'ENTSO-E', 'energy-charts': 'Energy-Charts' };

export interface FetchOutcome {
  /** the sources that delivered prices */
  delivered: PriceSourceName[];
  /** sources that answered but had nothing for the period (not published yet) */
  answeredEmpty: PriceSourceName[];
  /** one line per source that failed, safe to show (never a token) */
  failures: string[];
}

/** True when the cache has a price for every quarter of the range. */
export function cacheCovers(cache: PriceCache, range: TimeRange): boolean {
  return missingQuarters(cache.range(range), range).length === 0;
}

/**
 * Ask the sources in order for the range and store what they give, until every quarter of
 * `complete` (the days that matter) is cached: a later source fills what an earlier one lacked.
 */
export async function fetchIntoCache(
  sources: readonly PriceSource[], cache: PriceCache, range: TimeRange, complete: readonly TimeRange[],
  now: () => number, signal?: AbortSignal,
): Promise<FetchOutcome> {
  const outcome: FetchOutcome = { delivered: [], answeredEmpty: [], failures: [] };
  for (const source of sources) {
    if (signal?.aborted) break;
    try {
      const quarters = spotToQuarters(await source.fetchSpot(range, signal), range);
      if (quarters.length > 0) {
        cache.put(quarters, source.name, now());
        outcome.delivered.push(source.name);
      } else {
        outcome.answeredEmpty.push(source.name);
      }
    } catch (error) {
      outcome.failures.push((error as Error).message.replace(`${source.name}:`, `${SOURCE_LABEL[source.name]}:`));
    }
    if (complete.every((day) => cacheCovers(cache, day))) break;
  }
  return outcome;
}
