import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { openSqlite } from '../../main/store/sqlite.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pricesSchema } from '../../main/config/prices-schema.js';
import { FileSecretStore } from '../../main/secrets/file-secret-store.js';
import { EnergyChartsSource } from '../../main/tariff/prices/energy-charts-source.js';
import { createPrices, priceSourceState } from '../../main/tariff/prices/start-prices.js';
import { EntsoeSource } from '../../main/tariff/prices/entsoe-source.js';
import { PriceCache } from '../../main/tariff/prices/price-cache.js';
import { PriceService, type Timers } from '../../main/tariff/prices/price-service.js';
import type { PriceStatus } from '../../main/tariff/prices/types.js';
import { captureLog } from '../support/capture-log.js';
import { FakePriceApi, type Responder } from '../support/price-api-server.js';
import { acknowledgementXml, energyChartsJson, publicationXml } from '../support/price-answers.js';

const Z = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;

/** Brussels days in October 2025 (summer time, UTC+2) as their UTC start. */
const OCT5 = Z('2025-10-04T22:00Z');
const OCT6 = Z('2025-10-05T22:00Z');
const OCT7 = Z('2025-10-06T22:00Z');

/** A published day: position p of the day starting at `dayStart` costs base + p EUR/MWh. */
const published = new Map<number, number>();

const entsoeFromPublished: Responder = (url) => {
  const start = Date.parse(url.searchParams.get('periodStart')!.replace(/^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)$/, '$1-$2-$3T$4:$5Z'));
  const end = Date.parse(url.searchParams.get('periodEnd')!.replace(/^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)$/, '$1-$2-$3T$4:$5Z'));
  const days = [...published.entries()].filter(([day]) => day >= start && day < end).sort(([a], [b]) => a - b);
  if (days.length === 0) return { body: acknowledgementXml('999', 'No matching data found for Data item Day-ahead Prices [12.1.D].') };
  return {
    body: publicationXml(days.map(([day, base]) => ({
      start: new Date(day).toISOString().slice(0, 16) + 'Z', end: new Date(day + 24 * HOUR).toISOString().slice(0, 16) + 'Z',
      resolution: 'PT15M' as const, points: Array.from({ length: 96 }, (_, i): [number, number] => [i + 1, base + i + 1]),
    }))),
  };
};

const energyChartsFromPublished: Responder = (url) => {
  const start = Date.parse(url.searchParams.get('start')!);
  const end = Date.parse(url.searchParams.get('end')!);
  const days = [...published.entries()].filter(([day]) => day >= start && day < end).sort(([a], [b]) => a - b);
  if (days.length === 0) return { status: 404, contentType: 'application/json', body: '{"detail":"Not Found"}' };
  const prices = days.flatMap(([, base]) => Array.from({ length: 96 }, (_, i) => base + i + 1));
  return { contentType: 'application/json', body: energyChartsJson(days[0]![0] / 1000, 900, prices) };
};

const down: Responder = () => ({ status: 503, contentType: 'text/plain', body: 'Service Unavailable' });

/** A clock and one pending timer, moved by the test. */
class ManualTime implements Timers {
  at = 0;
  now(): number {
    return this.at;
  }
  pending: { at: number; fn: () => void } | null = null;
  setTimeout(fn: () => void, ms: number): unknown {
    this.pending = { at: this.at + ms, fn };
    return this.pending;
  }
  clearTimeout(handle: unknown): void {
    if (this.pending === handle) this.pending = null;
  }
  /** Jump to the pending timer and fire it; returns the moment it fired. */
  fire(): number {
    const timer = this.pending;
    if (!timer) throw new Error('no timer pending');
    this.pending = null;
    this.at = timer.at;
    timer.fn();
    return timer.at;
  }
}

describe('price service: schedule, cache, fallback and status', () => {
  const api = new FakePriceApi();
  let dir: string;
  let time: ManualTime;
  const services: PriceService[] = [];
  const dbs: Database[] = [];

  beforeAll(async () => { await api.start(); });
  afterAll(() => api.close());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dm-prices-'));
    time = new ManualTime();
    published.clear();
    api.entsoe = entsoeFromPublished;
    api.energyCharts = energyChartsFromPublished;
    api.requests.length = 0;
  });
  afterEach(() => {
    for (const s of services.splice(0)) s.stop();
    for (const db of dbs.splice(0)) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A service as the app builds it, on a database file in `dir` (reopened = a restart). */
  function service(options: { token?: boolean; statuses?: PriceStatus[]; file?: string } = {}) {
    const db = openSqlite(join(dir, options.file ?? 'digital-meter.db'));
    dbs.push(db);
    const cache = new PriceCache(db);
    const sources = [
      ...(options.token === false ? [] : [new EntsoeSource({ token: 'tok', baseUrl: api.entsoeUrl, timeoutMs: 1_000 })]),
      new EnergyChartsSource({ baseUrl: api.energyChartsUrl, timeoutMs: 1_000 }),
    ];
    const s = new PriceService({ sources, cache, clock: time, timers: time, onStatus: (st) => options.statuses?.push(st) });
    services.push(s);
    return { s, cache };
  }

  async function fire(s: PriceService): Promise<number> {
    const at = time.fire();
    await s.refresh(); // joins the refresh the timer started
    return at;
  }

  it('fetches today at start, tomorrow after 13:00 with backoff, and carries on from the cache through an outage', async () => {
    published.set(OCT5, 100);
    time.at = Z('2025-10-05T08:00Z'); // 10:00 in Brussels
    const statuses: PriceStatus[] = [];
    const { s, cache } = service({ statuses });
    await s.start();

    // 08:00 UTC is position 41 of the day (22:00 UTC the day before is position 1): 100 + 41
    expect(s.spotAt(time.at)?.eurPerMwh).toBe(141);
    expect(s.status()).toEqual({
      source: 'entsoe', fetchedAt: Z('2025-10-05T08:00Z'), coversUntil: OCT6,
      message: 'Day-ahead prices from ENTSO-E up to 2025-10-06 00:00.',
    });
    expect(api.requestsTo('entsoe')).toHaveLength(1);
    expect(api.requestsTo('energy-charts')).toHaveLength(0);

    // next: 13:00 Brussels = 11:00 UTC; tomorrow is not there yet, both sources say so
    expect(await fire(s)).toBe(Z('2025-10-05T11:00Z'));
    expect(api.requestsTo('energy-charts')).toHaveLength(1);
    expect(s.status().source).toBe('entsoe');
    expect(s.status().message).toBe("Day-ahead prices from ENTSO-E up to 2025-10-06 00:00. Tomorrow's prices are not published yet; retrying.");
    // retries 5 then 10 minutes later
    expect(await fire(s)).toBe(Z('2025-10-05T11:05Z'));
    published.set(OCT6, 200);
    expect(await fire(s)).toBe(Z('2025-10-05T11:15Z'));
    expect(cache.summary().coversUntil).toBe(OCT7);
    expect(s.status().message).toBe('Day-ahead prices from ENTSO-E up to 2025-10-07 00:00.');
    // complete: the next attempt is the next day's publication
    expect(time.pending?.at).toBe(Z('2025-10-06T11:00Z'));

    // outage: neither source answers; today's prices come from the cache, the status says so
    api.entsoe = down;
    api.energyCharts = down;
    expect(await fire(s)).toBe(Z('2025-10-06T11:00Z'));
    expect(s.spotAt(time.at)?.eurPerMwh).toBe(200 + 53); // 11:00 UTC = position 53 of 6 October
    expect(s.status()).toEqual({
      source: 'cache', fetchedAt: Z('2025-10-05T11:15Z'), coversUntil: OCT7,
      message: 'Price sources unavailable (ENTSO-E: HTTP 503; Energy-Charts: HTTP 503); using cached prices up to 2025-10-07 00:00.',
    });
    expect(time.pending?.at).toBe(Z('2025-10-06T11:05Z'));

    // ENTSO-E stays down; the fallback answers and fills tomorrow
    published.set(OCT7, 300);
    api.energyCharts = energyChartsFromPublished;
    await fire(s);
    expect(cache.at(Z('2025-10-06T22:00Z'))).toMatchObject({ eurPerMwh: 301, source: 'energy-charts' });
    expect(s.status().message).toBe('Day-ahead prices from ENTSO-E up to 2025-10-08 00:00. Last fetch from Energy-Charts after: ENTSO-E: HTTP 503.');

    // the dashboard heard each change once
    expect(statuses.map((st) => st.source)).toEqual(['entsoe', 'entsoe', 'entsoe', 'cache', 'entsoe']);
  });

  it('keeps the prices over a restart, and says register rates apply once they run out', async () => {
    published.set(OCT5, 100);
    time.at = Z('2025-10-05T08:00Z');
    const first = service();
    await first.s.start();
    first.s.stop();

    api.entsoe = down;
    api.energyCharts = down;
    time.at = Z('2025-10-05T09:00Z');
    const { s } = service();
    await s.start();
    expect(s.spotAt(time.at)?.eurPerMwh).toBe(100 + 45);
    expect(s.status()).toEqual({ source: 'cache', fetchedAt: Z('2025-10-05T08:00Z'), coversUntil: OCT6, message: 'Day-ahead cached prices up to 2025-10-06 00:00.' });

    // the sources stay down into the night: retries back off, but the service wakes when the
    // cache runs out (midnight in Brussels) so the state turns to "register rates" on time
    time.at = Z('2025-10-05T21:30Z');
    await s.refresh();
    expect(await fire(s)).toBe(Z('2025-10-05T21:35Z'));
    expect(await fire(s)).toBe(Z('2025-10-05T21:45Z'));
    expect(await fire(s)).toBe(OCT6); // not 22:05: the last cached quarter ends at 22:00 UTC
    expect(s.spotAt(time.at)).toBeNull();
    expect(s.status()).toEqual({
      source: 'none', fetchedAt: Z('2025-10-05T08:00Z'), coversUntil: OCT6,
      message: 'No day-ahead price for this quarter (ENTSO-E: HTTP 503; Energy-Charts: HTTP 503): register rates apply.',
    });
  });

  it('uses Energy-Charts when ENTSO-E refuses the token, and reports nothing known with an empty cache', async () => {
    published.set(OCT5, 100);
    api.entsoe = () => ({ status: 401, contentType: 'text/html', body: '<html>Unauthorized</html>' });
    time.at = Z('2025-10-05T08:00Z');
    const { s } = service();
    await s.start();
    expect(s.status()).toEqual({
      source: 'energy-charts', fetchedAt: Z('2025-10-05T08:00Z'), coversUntil: OCT6,
      message: 'Day-ahead prices from Energy-Charts up to 2025-10-06 00:00. Last fetch from Energy-Charts after: ENTSO-E: HTTP 401 (is the entsoe-token right?).',
    });

    api.energyCharts = () => ({ hang: true });
    const empty = service({ token: false, file: 'empty.db' });
    await empty.s.start();
    expect(empty.s.status()).toEqual({
      source: 'none', fetchedAt: null, coversUntil: null,
      message: `No day-ahead price for this quarter (Energy-Charts: no answer from ${api.energyChartsUrl}/price within 1 s): register rates apply.`,
    });
    expect(time.pending?.at).toBe(Z('2025-10-05T08:05Z'));
  });

  it('starts from the config and the secret store, logs each change of state once, and never the token', async () => {
    const token = 'tok-9d41e3c07b6a4f2e';
    const secrets = new FileSecretStore(dir);
    await secrets.set('entsoe-token', token);
    api.entsoe = () => ({ status: 401, contentType: 'text/html', body: '<html>Unauthorized</html>' });
    api.energyCharts = () => ({ hang: true });
    const { log, lines } = captureLog();
    time.at = Z('2025-10-05T08:00Z');
    const db = openSqlite(join(dir, 'digital-meter.db'));
    dbs.push(db);
    const config = pricesSchema.parse({ entsoeUrl: api.entsoeUrl, energyChartsUrl: api.energyChartsUrl, timeoutSeconds: 0.3 });
    const statuses: PriceStatus[] = [];
    const started = await createPrices({ db, config, secrets, log, clock: time, timers: time, onStatus: (st) => statuses.push(st) });
    services.push(started.service);
    expect(api.requests).toHaveLength(0); // nothing fetched before start()
    started.start();
    started.start(); // idempotent
    await started.service.refresh(); // joins the first attempt started in the background
    expect(started.spot(time.at)).toBeNull();
    for (let i = 0; i < 3; i++) await fire(started.service);
    const priceLines = lines.filter((l) => l['condition'] === 'prices');
    expect(priceLines.map((l) => l.msg)).toEqual([
      `No day-ahead price for this quarter (ENTSO-E: HTTP 401 (is the entsoe-token right?); Energy-Charts: no answer from ${api.energyChartsUrl}/price within 0.3 s): register rates apply.`,
    ]);
    expect(JSON.stringify(lines)).not.toContain(token);
    // ENTSO-E was asked with the token from the store, once per attempt
    expect(api.requestsTo('entsoe')).toHaveLength(4);
    expect(api.requestsTo('entsoe')[0]?.searchParams.get('securityToken')).toBe(token);
    // as the dashboard's source entry
    expect(priceSourceState(statuses[0]!)).toEqual({ status: 'error', message: priceLines[0]!.msg, lastDataAt: null });
  });
});
