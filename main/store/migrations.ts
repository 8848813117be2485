import type { Database } from 'better-sqlite3';
import { PRICE_CACHE_SCHEMA_V1 } from '../tariff/prices/price-cache.js';

/**
 * Schema versions, applied in order; PRAGMA user_version records the last one applied. A
 * migration is never edited once released: a change is a new entry.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the meter's history
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  -- counter values at Brussels day boundaries (v1..v4: electricity import t1, t2, export t1, t2 in Wh;
  -- gas and water: v1 in litres), measured or interpolated over downtime (estimated)
  CREATE TABLE boundary_readings (
    channel TEXT NOT NULL, time INTEGER NOT NULL,
    v1 REAL NOT NULL, v2 REAL, v3 REAL, v4 REAL, estimated INTEGER NOT NULL,
    PRIMARY KEY (channel, time)) WITHOUT ROWID;
  CREATE TABLE quarters (
    start INTEGER PRIMARY KEY, average_kw REAL NOT NULL, energy_kwh REAL NOT NULL,
    complete INTEGER NOT NULL, source TEXT NOT NULL);
  CREATE TABLE day_summaries (
    day TEXT PRIMARY KEY, start INTEGER NOT NULL,
    import_wh_1 REAL NOT NULL, import_wh_2 REAL NOT NULL, export_wh_1 REAL NOT NULL, export_wh_2 REAL NOT NULL,
    import_eur REAL NOT NULL, export_eur REAL NOT NULL,
    gas_litres REAL NOT NULL, gas_eur REAL NOT NULL, water_litres REAL NOT NULL, water_eur REAL NOT NULL,
    estimated INTEGER NOT NULL) WITHOUT ROWID;
  CREATE INDEX day_summaries_start ON day_summaries (start);
  -- month peaks: the meter's (1-0:1.6.0, then 0-0:98.1.0) and our own (complete quarters)
  CREATE TABLE month_peaks (
    month TEXT PRIMARY KEY, month_start INTEGER NOT NULL,
    meter_kw REAL, meter_time INTEGER, own_kw REAL, own_start INTEGER, own_quarters INTEGER NOT NULL,
    peak_kw REAL) WITHOUT ROWID;
  -- the last 48 hours of raw telegrams, for replay and support: one row per committed batch
  -- (about a minute), the telegrams' bytes one after the other, so a row is not an index entry per second
  CREATE TABLE telegrams (first_time INTEGER PRIMARY KEY, last_time INTEGER NOT NULL, count INTEGER NOT NULL, raw BLOB NOT NULL);
  -- the rates in force from each instant, so a restart prices downtime as it was
  CREATE TABLE rate_history (from_time INTEGER PRIMARY KEY, rates TEXT NOT NULL);
  `,
  // 2: day-ahead spot prices per quarter hour (main/tariff/prices/price-cache.ts; IF NOT EXISTS
  // there too, so the cache also works on a database the store did not create)
  PRICE_CACHE_SCHEMA_V1,
  // 3: the telegram ring's batches compressed (raw DEFLATE): P1 text repeats itself, a minute of
  // telegrams shrinks about 20 times, and that much less is written to the SD card
  `ALTER TABLE telegrams ADD COLUMN encoding TEXT NOT NULL DEFAULT 'raw';`,
  // 4: the base load per quarter (what the house imported and exported without the flexible
  // devices; main/site/base-energy.ts): the forecasts learn from it
  `CREATE TABLE site_quarters (start INTEGER PRIMARY KEY, base_import_kwh REAL NOT NULL, base_export_kwh REAL NOT NULL);`,
  // 5: trips (main/ev/trips/trips-store.ts): each calendar's last good read, and the standing
  // sudden trips. IF NOT EXISTS: the first trips version created these tables itself in
  // databases at version 4; those keep their rows
  `
  CREATE TABLE IF NOT EXISTS calendar_snapshots (
    source     TEXT    PRIMARY KEY,   -- the configured calendar's name
    events     TEXT    NOT NULL,      -- JSON: the occurrences read, recurrences expanded
    fetched_at INTEGER NOT NULL       -- epoch ms UTC of the read
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS sudden_trips (
    car        TEXT    PRIMARY KEY,   -- one standing sudden trip per car; a new one replaces it
    trip       TEXT    NOT NULL       -- JSON, shared/trips/state.ts tripSchema
  ) WITHOUT ROWID;
  `,
];

export function migrate(db: Database): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > MIGRATIONS.length) {
    throw new Error(`the database has schema version ${from}, newer than this program knows (${MIGRATIONS.length}); update the program`);
  }
  for (let version = from; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
  return { from, to: MIGRATIONS.length };
}
