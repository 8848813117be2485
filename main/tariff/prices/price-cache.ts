import type { Database } from 'better-sqlite3';
import { startOfQuarter } from '../../../shared/time/brussels.js';
import type { SpotPrice } from '../pricing.js';
import { QUARTER_MS, type PriceSourceName, type QuarterSpot, type TimeRange } from './types.js';

/**
 * Spot prices per quarter hour, kept in SQLite so a restart or a day without internet loses
 * nothing that was fetched. One row per quarter; a 15-minute price replaces an hourly one for
 * the same quarter, never the other way round (the finer price is what the quarter cleared at).
 */
/** Frozen once released (the store's migration 2 runs it): a change is a new migration. */
export const PRICE_CACHE_SCHEMA_V1 = `
CREATE TABLE IF NOT EXISTS spot_prices (
  quarter_start      INTEGER PRIMARY KEY,  -- epoch ms UTC
  eur_per_mwh        REAL    NOT NULL,
  resolution_minutes INTEGER NOT NULL CHECK (resolution_minutes IN (15, 60)),
  source             TEXT    NOT NULL,
  fetched_at         INTEGER NOT NULL      -- epoch ms UTC
) WITHOUT ROWID;
`;

export interface CachedQuarter extends QuarterSpot {
  source: PriceSourceName;
  fetchedAt: number;
}

interface Row {
  quarter_start: number;
  eur_per_mwh: number;
  resolution_minutes: 15 | 60;
  source: PriceSourceName;
  fetched_at: number;
}

function fromRow(row: Row): CachedQuarter {
  return {
    start: row.quarter_start,
    eurPerMwh: row.eur_per_mwh,
    resolutionMinutes: row.resolution_minutes,
    source: row.source,
    fetchedAt: row.fetched_at,
  };
}

export class PriceCache {
  private readonly insert;
  private readonly selectRange;
  private readonly selectOne;
  private readonly selectSummary;
  /** bumped by every put, so lookups memoised per quarter see new prices at once */
  private version = 0;

  /** Creates the table when it is not there (idempotent), in the database the caller opened. */
  constructor(private readonly db: Database) {
    db.exec(PRICE_CACHE_SCHEMA_V1);
    this.insert = db.prepare(`
      INSERT INTO spot_prices (quarter_start, eur_per_mwh, resolution_minutes, source, fetched_at)
      VALUES (@start, @eurPerMwh, @resolutionMinutes, @source, @fetchedAt)
      ON CONFLICT (quarter_start) DO UPDATE SET
        eur_per_mwh = excluded.eur_per_mwh, resolution_minutes = excluded.resolution_minutes,
        source = excluded.source, fetched_at = excluded.fetched_at
      WHERE excluded.resolution_minutes <= spot_prices.resolution_minutes`);
    this.selectRange = db.prepare<[number, number], Row>(
      'SELECT * FROM spot_prices WHERE quarter_start >= ? AND quarter_start < ? ORDER BY quarter_start');
    this.selectOne = db.prepare<[number], Row>('SELECT * FROM spot_prices WHERE quarter_start = ?');
    this.selectSummary = db.prepare<[], { last: number | null; fetched: number | null }>(
      'SELECT MAX(quarter_start) AS last, MAX(fetched_at) AS fetched FROM spot_prices');
  }

  /** Store quarters in one transaction (one fsync per fetch, not per quarter). */
  put(quarters: readonly QuarterSpot[], source: PriceSourceName, fetchedAt: number): void {
    const write = this.db.transaction((rows: readonly QuarterSpot[]) => {
      for (const q of rows) this.insert.run({ ...q, source, fetchedAt });
    });
    write(quarters);
    this.version++;
  }

  range(range: TimeRange): CachedQuarter[] {
    return this.selectRange.all(range.start, range.end).map(fromRow);
  }

  /** The price of the quarter starting at `quarterStart`, or null. */
  at(quarterStart: number): CachedQuarter | null {
    const row = this.selectOne.get(quarterStart);
    return row ? fromRow(row) : null;
  }

  /**
   * The ledger's spot price hook: EUR/MWh of the quarter containing an instant, null when
   * unknown (register rates apply). Memoised per quarter: the ledger asks once per telegram,
   * and the answer changes only at a quarter edge or when new prices arrive.
   */
  spotPrice(): SpotPrice {
    let quarter = NaN;
    let version = -1;
    let price: number | null = null;
    return (time) => {
      const q = startOfQuarter(time);
      if (q !== quarter || version !== this.version) {
        quarter = q;
        version = this.version;
        price = this.at(q)?.eurPerMwh ?? null;
      }
      return price;
    };
  }

  /** End of the last cached quarter and the last fetch time; nulls when empty. */
  summary(): { coversUntil: number | null; fetchedAt: number | null } {
    const row = this.selectSummary.get();
    return {
      coversUntil: row?.last == null ? null : row.last + QUARTER_MS,
      fetchedAt: row?.fetched ?? null,
    };
  }
}
