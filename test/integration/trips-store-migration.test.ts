import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TripsStore } from '../../main/ev/trips/trips-store.js';
import { MIGRATIONS } from '../../main/store/migrations.js';
import { openMeterDatabase } from '../../main/store/open-database.js';
import { openSqlite } from '../../main/store/sqlite.js';
import { captureLog } from '../support/capture-log.js';

/**
 * The trips tables are the store's migration 5. A database made by the first trips version is
 * at schema version 4 with the tables created beside the migrations (CREATE TABLE IF NOT
 * EXISTS at each start); it must open, be upgraded to 5 and keep its calendar read and its
 * sudden trip.
 */
function oldDatabase(file: string): void {
  const db = openSqlite(file);
  db.pragma('journal_mode = WAL');
  db.transaction(() => {
    for (const migration of MIGRATIONS.slice(0, 4)) db.exec(migration);
    db.pragma('user_version = 4');
  })();
  // exactly what the first trips version ran in its TripsStore constructor
  db.exec(`
CREATE TABLE IF NOT EXISTS calendar_snapshots (
  source     TEXT    PRIMARY KEY,
  events     TEXT    NOT NULL,
  fetched_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sudden_trips (
  car        TEXT    PRIMARY KEY,
  trip       TEXT    NOT NULL
) WITHOUT ROWID;`);
  db.prepare('INSERT INTO calendar_snapshots (source, events, fetched_at) VALUES (?, ?, ?)').run(
    'gezin', JSON.stringify([{ uid: 'werk@x', title: 'Werk @car_tesla@ 80%', start: 1_781_071_200_000, allDay: false, date: null }]), 1_781_000_000_000);
  db.prepare('INSERT INTO sudden_trips (car, trip) VALUES (?, ?)').run('tesla', JSON.stringify({
    id: 'sudden:tesla:1781103600000', car: 'tesla', departure: 1_781_103_600_000, eventStart: 1_781_103_600_000, needSocPct: 80, needKwh: 60,
    needFrom: '80%', source: 'sudden', sourceName: 'sudden', eventUid: 'sudden:1', eventTitle: 'ready by 17:00', urgent: true, met: null, shortKwh: null,
  }));
  db.close();
}

describe('the trips tables as a store migration', () => {
  it('a new database has them at the last schema version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-trips-migration-'));
    try {
      const { db } = openMeterDatabase(join(dir, 'meter.sqlite'), captureLog().log);
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((r) => (r as { name: string }).name);
      expect(tables).toEqual(expect.arrayContaining(['calendar_snapshots', 'sudden_trips']));
      // the store works on it without creating anything itself
      const store = new TripsStore(db);
      expect(store.snapshot('gezin')).toBeNull();
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a database of the first trips version (schema 4, tables made beside the migrations) upgrades and keeps its calendar read and sudden trip', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-trips-migration-'));
    try {
      const file = join(dir, 'meter.sqlite');
      oldDatabase(file);
      const { log, lines } = captureLog();
      const { db, problems } = openMeterDatabase(file, log);
      expect(problems).toEqual([]);
      expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(5);
      expect(lines.some((l) => l.msg === 'database schema migrated' && l.from === 4)).toBe(true);
      const store = new TripsStore(db);
      expect(store.snapshot('gezin')).toEqual({
        events: [{ uid: 'werk@x', title: 'Werk @car_tesla@ 80%', start: 1_781_071_200_000, allDay: false, date: null }], fetchedAt: 1_781_000_000_000,
      });
      expect(store.sudden().map((t) => [t.car, t.departure, t.needSocPct, t.urgent])).toEqual([['tesla', 1_781_103_600_000, 80, true]]);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
