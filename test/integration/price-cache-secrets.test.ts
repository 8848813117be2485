import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../../main/store/sqlite.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../main/log/logger.js';
import { FileSecretStore } from '../../main/secrets/file-secret-store.js';
import { openMeterDatabase } from '../../main/store/open-database.js';
import { PriceCache } from '../../main/tariff/prices/price-cache.js';

const Z = (iso: string) => Date.parse(iso);

describe('price cache (SQLite)', () => {
  it('keeps the same rule in the cache: an hourly price never overwrites a 15-minute one', () => {
    const cache = new PriceCache(openSqlite(':memory:'));
    cache.put([{ start: Z('2025-10-01T10:15Z'), eurPerMwh: 75, resolutionMinutes: 15 }], 'entsoe', 1);
    cache.put([{ start: Z('2025-10-01T10:15Z'), eurPerMwh: 60, resolutionMinutes: 60 }], 'energy-charts', 2);
    expect(cache.at(Z('2025-10-01T10:15Z'))).toEqual({ start: Z('2025-10-01T10:15Z'), eurPerMwh: 75, resolutionMinutes: 15, source: 'entsoe', fetchedAt: 1 });
    cache.put([{ start: Z('2025-10-01T10:15Z'), eurPerMwh: 76, resolutionMinutes: 15 }], 'energy-charts', 3);
    expect(cache.at(Z('2025-10-01T10:15Z'))?.eurPerMwh).toBe(76);
  });

  it('memoises the ledger lookup per quarter but sees new prices at once', () => {
    const cache = new PriceCache(openSqlite(':memory:'));
    const spot = cache.spotPrice();
    expect(spot(Z('2025-10-01T10:20Z'))).toBeNull();
    cache.put([{ start: Z('2025-10-01T10:15Z'), eurPerMwh: 75, resolutionMinutes: 15 }], 'entsoe', 1);
    expect(spot(Z('2025-10-01T10:20Z'))).toBe(75);
    expect(spot(Z('2025-10-01T10:29:59.999Z'))).toBe(75);
    expect(spot(Z('2025-10-01T10:30Z'))).toBeNull();
  });

  it('lives in the meter database: the store migration creates its table', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-cache-'));
    try {
      const { db } = openMeterDatabase(join(dir, 'digital-meter.db'), silentLogger());
      expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'spot_prices'").get()).toEqual({ name: 'spot_prices' });
      const cache = new PriceCache(db);
      cache.put([{ start: Z('2025-10-01T10:15Z'), eurPerMwh: 75, resolutionMinutes: 15 }], 'entsoe', 1);
      expect(cache.at(Z('2025-10-01T10:15Z'))?.eurPerMwh).toBe(75);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates its table in a database that already has one, and keeps rows across reopening', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-cache-'));
    try {
      const file = join(dir, 'digital-meter.db');
      const first = openSqlite(file);
      new PriceCache(first).put([{ start: Z('2025-10-01T10:15Z'), eurPerMwh: 75, resolutionMinutes: 15 }], 'entsoe', 1);
      first.close();
      const again = openSqlite(file);
      expect(new PriceCache(again).summary()).toEqual({ coversUntil: Z('2025-10-01T10:30Z'), fetchedAt: 1 });
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('file secret store', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'dm-secrets-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a 0600 file, replaces values, lists names only, deletes', async () => {
    const store = new FileSecretStore(join(dir, 'data'));
    await store.set('entsoe-token', 'first');
    await store.set('entsoe-token', 'second');
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
    expect(await store.get('entsoe-token')).toBe('second');
    expect(await store.list()).toEqual(['entsoe-token']);
    expect(await store.delete('entsoe-token')).toBe(true);
    expect(await store.delete('entsoe-token')).toBe(false);
    expect(await store.get('entsoe-token')).toBeNull();
    // no temporary file left behind
    expect(readdirSync(join(dir, 'data'))).toEqual(['secrets.json']);
  });

  it('tightens a file someone widened when it writes it again', async () => {
    const store = new FileSecretStore(dir);
    await store.set('entsoe-token', 'x');
    chmodSync(store.file, 0o644);
    expect(store.mode()).toBe(0o644);
    await store.set('entsoe-token', 'y');
    expect(store.mode()).toBe(0o600);
  });

  it('names a broken file without printing its content', async () => {
    const store = new FileSecretStore(dir);
    writeFileSync(store.file, '{"entsoe-token": "s3cr3t-value", oops');
    await expect(store.get('entsoe-token')).rejects.toThrow(`${store.file}: not valid JSON; fix or delete it and set the secrets again`);
    await expect(store.list()).rejects.not.toThrow('s3cr3t-value');
  });

  it('a secret named like what every object inherits is only ever its own entry', async () => {
    const store = new FileSecretStore(dir);
    await store.set('entsoe-token', 'x');
    for (const name of ['constructor', 'valueof', 'tostring']) {
      // 'constructor' passes the name rule: before, get() answered Object's constructor and delete() claimed a success
      expect(await store.get(name)).toBeNull();
      expect(await store.delete(name)).toBe(false);
    }
    await store.set('constructor', 'own');
    expect(await store.get('constructor')).toBe('own');
    expect(await store.list()).toEqual(['constructor', 'entsoe-token']);
  });

  it('refuses names that are not lowercase words', async () => {
    await expect(new FileSecretStore(dir).set('../evil', 'x')).rejects.toThrow("'../evil' is not a secret name (lowercase letters, digits and dashes)");
  });
});
