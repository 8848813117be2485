import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../../main/store/sqlite.js';
import { openMeterDatabase } from '../../main/store/open-database.js';
import { MeterStore, RING_MS } from '../../main/store/meter-store.js';
import { MIGRATIONS } from '../../main/store/migrations.js';
import { openPipeline } from '../../main/pipeline/open-pipeline.js';
import { TelegramDecoder } from '../../main/p1/decoder.js';
import { ratesSchema } from '../../main/tariff/rates-schema.js';
import { emptyDay } from '../../main/ledger/day-summary.js';
import { meterTimestamp, syntheticRecording } from '../support/synthetic-recording.js';
import { telegramFromLines } from '../support/crc-reference.js';
import { captureLog } from '../support/capture-log.js';

const seed = ratesSchema.parse({ Gas: { '+': 1.576 }, Electricity: { '+': { Day: 0.4, Night: 0.3 }, '-': { Day: 0.1, Night: 0.1 } } });

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'store-test-'));
}

describe('store: SQLite in WAL mode with versioned migrations', () => {
  it('creates the schema (user_version = the last migration) in WAL mode and keeps data across reopening', () => {
    const dir = tempDir();
    const file = join(dir, 'meter.sqlite');
    const { log } = captureLog();
    const first = openMeterDatabase(file, log);
    expect(first.problems).toEqual([]);
    expect(first.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(first.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((r) => (r as { name: string }).name))
      .toEqual(expect.arrayContaining(['boundary_readings', 'day_summaries', 'meta', 'month_peaks', 'quarters', 'rate_history', 'telegrams']));
    expect(first.db.pragma('journal_mode', { simple: true })).toBe('wal');
    const store = new MeterStore(first.db);
    store.queueDays([{ ...emptyDay('2026-01-15', Date.parse('2026-01-14T23:00:00Z')), importWh: [1000, 500], importEur: 0.55 }]);
    store.close();
    const again = new MeterStore(openMeterDatabase(file, log).db);
    expect(again.days().map((d) => [d.day, d.importWh, d.importEur])).toEqual([['2026-01-15', [1000, 500], 0.55]]);
    again.close();
    rmSync(dir, { recursive: true });
  });

  it('refuses a database from a newer program instead of guessing', () => {
    const dir = tempDir();
    const file = join(dir, 'meter.sqlite');
    const db = openSqlite(file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => openMeterDatabase(file, captureLog().log)).toThrow(`the database has schema version 99, newer than this program knows (${MIGRATIONS.length}); update the program`);
    rmSync(dir, { recursive: true });
  });

  it('writes nothing until flush, then everything queued in one transaction', () => {
    const dir = tempDir();
    const { db } = openMeterDatabase(join(dir, 'meter.sqlite'), captureLog().log);
    const store = new MeterStore(db);
    store.queueTelegram(1000, new Uint8Array([47, 65]));
    store.queueQuarter({ start: 0, averageKw: 1.5, energyKwh: 0.375, complete: true, source: 'counters' });
    const count = () => db.prepare('SELECT (SELECT count(*) FROM telegrams) + (SELECT count(*) FROM quarters) AS n').get() as { n: number };
    expect(count().n).toBe(0);
    store.flush();
    expect(count().n).toBe(2);
    store.close();
    rmSync(dir, { recursive: true });
  });

  it('keeps the raw telegrams of the last 48 hours only', () => {
    const dir = tempDir();
    const { db } = openMeterDatabase(join(dir, 'meter.sqlite'), captureLog().log);
    const store = new MeterStore(db);
    const hour = 3_600_000;
    for (let h = 0; h <= 50; h++) {
      store.queueTelegram(h * hour, Buffer.from(`/telegram ${h}\r\n!0000\r\n`, 'latin1'));
      store.flush();
    }
    expect(RING_MS).toBe(48 * hour);
    const kept = store.telegramBatches(0, 50 * hour).map((b) => b.toString('latin1').match(/telegram (\d+)/)![1]);
    expect(kept[0]).toBe('2'); // hours 0 and 1 are more than 48 h before hour 50
    expect(kept).toHaveLength(49);
    store.close();
    rmSync(dir, { recursive: true });
  });
});

describe('pipeline commits', () => {
  it('a timer flushing while the meter is silent writes nothing', () => {
    const dir = tempDir();
    const opened = openPipeline({ dbFile: join(dir, 'meter.sqlite'), rates: seed, log: captureLog().log });
    const decoder = new TelegramDecoder((result, raw) => opened.pipeline.handle(result, raw));
    decoder.feed(Buffer.from(syntheticRecording(Date.parse('2026-01-14T12:00:00Z'), 10).text, 'latin1'));
    opened.pipeline.flush();
    const changes = () => (opened.store.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    const before = changes();
    expect(before).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) opened.pipeline.flush();
    expect(changes()).toBe(before);
    expect(opened.store.resumePoint().lastTelegramTime).toBe(Date.parse('2026-01-14T12:00:09Z'));
    opened.close();
    rmSync(dir, { recursive: true });
  });
});

describe('rates over restarts', () => {
  const frame = (iso: string, nightKwh: string) => telegramFromLines('FLU5\\253769484_A', [
    '0-0:96.1.4(50217)', `0-0:1.0.0(${meterTimestamp(Date.parse(iso))})`,
    '1-0:1.8.1(000100.000*kWh)', `1-0:1.8.2(${nightKwh}*kWh)`, '1-0:2.8.1(000000.000*kWh)', '1-0:2.8.2(000000.000*kWh)',
  ]);
  const feed = (opened: ReturnType<typeof openPipeline>, text: string) => {
    const decoder = new TelegramDecoder((result, raw) => opened.pipeline.handle(result, raw));
    decoder.feed(Buffer.from(text, 'latin1'));
    decoder.end();
    opened.pipeline.finish();
  };

  it('new rates at a restart apply from the last stored telegram on; what was booked keeps its price', () => {
    const dir = tempDir();
    const dbFile = join(dir, 'meter.sqlite');
    const first = openPipeline({ dbFile, rates: seed, log: captureLog().log });
    feed(first, frame('2026-01-14T12:00:00Z', '000200.000') + frame('2026-01-14T12:00:10Z', '000200.010'));
    first.close();
    const dearer = ratesSchema.parse({ ...seed, Electricity: { ...seed.Electricity, '+': { Day: 0.4, Night: 0.5 } } });
    const second = openPipeline({ dbFile, rates: dearer, log: captureLog().log });
    expect(second.store.rateHistory().map((e) => e.rates.Electricity['+'].Night)).toEqual([0.3, 0.5]);
    feed(second, frame('2026-01-14T14:00:10Z', '000200.030'));
    const day = second.store.days()[0]!;
    second.close();
    // 10 Wh at 0.3 before the restart, then 20 Wh over the downtime at the new 0.5
    expect(day.importWh[1]).toBe(30);
    expect(day.importEur).toBeCloseTo(0.003 + 0.01, 12);
    rmSync(dir, { recursive: true });
  });
});

describe('daily export', () => {
  it('writes the finished day as JSON and CSV in the data directory 15 minutes after it ends, and keeps a year', () => {
    const dir = tempDir();
    const exportDir = join(dir, 'history');
    const opened = openPipeline({ dbFile: join(dir, 'meter.sqlite'), rates: seed, log: captureLog().log, exportDir });
    // exports from before: one more than a year older than the day exported below, one within the year
    mkdirSync(exportDir, { recursive: true });
    writeFileSync(join(exportDir, '2024-12-01.json'), '{}');
    writeFileSync(join(exportDir, '2025-06-01.csv'), '');
    // 23:30 -> 00:30 local on 14/15 January 2026
    const { text } = syntheticRecording(Date.parse('2026-01-14T22:30:00Z'), 3600);
    const decoder = new TelegramDecoder((result, raw) => opened.pipeline.handle(result, raw));
    decoder.feed(Buffer.from(text, 'latin1'));
    decoder.end();
    opened.pipeline.finish();
    const day = opened.store.days().find((d) => d.day === '2026-01-14')!;
    opened.close();
    expect(readdirSync(exportDir).sort()).toEqual(['2025-06-01.csv', '2026-01-14.csv', '2026-01-14.json']);
    const json = JSON.parse(readFileSync(join(exportDir, '2026-01-14.json'), 'utf8'));
    expect(json.day).toBe('2026-01-14');
    expect(json.start).toBe('2026-01-13T23:00:00.000Z');
    expect(json.electricity.importKwh.t2).toBe(Math.round(day.importWh[1]) / 1000);
    // exported 15 minutes after midnight: the gas reading stamped 00:00 is in
    expect(day.gasLitres).toBeGreaterThan(0);
    expect(json.gas.m3).toBe(Math.round(day.gasLitres) / 1000);
    expect(json.quarters.map((q: { start: string }) => q.start)).toEqual(['2026-01-14T22:30:00.000Z', '2026-01-14T22:45:00.000Z']);
    const csv = readFileSync(join(exportDir, '2026-01-14.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('start_utc,start_local,average_kw,complete');
    expect(csv[1]).toMatch(/^2026-01-14T22:30:00\.000Z,23:30,\d+\.?\d*,true$/);
    expect(existsSync(join(exportDir, '2024-12-01.json'))).toBe(false);
    rmSync(dir, { recursive: true });
  });
});
