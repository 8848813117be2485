import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../../main/store/sqlite.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../main/app.js';
import { silentLogger } from '../../main/log/logger.js';
import { openMeterDatabase } from '../../main/store/open-database.js';
import { PriceCache } from '../../main/tariff/prices/price-cache.js';
import { FakePriceApi } from '../support/price-api-server.js';
import { energyChartsJson } from '../support/price-answers.js';
import { haveRecording, noRecordingReason, recordingPath } from '../support/shared-fixtures.js';

const Z = (iso: string) => Date.parse(iso);

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(!haveRecording)(`the app on a dynamic contract ${haveRecording ? '' : noRecordingReason}`, () => {
  const api = new FakePriceApi();
  beforeAll(async () => { await api.start(); });
  afterAll(() => api.close());

  it('prices the replayed recording per quarter from the cache and fetches today from the fallback', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-app-prices-'));
    try {
      writeFileSync(join(dir, 'config.json'), JSON.stringify({
        dataDir: 'data', rates: 'rates.json', roles: ['meter'],
        p1: { type: 'replay', file: recordingPath, speed: 'max' },
        log: { level: 'silent', file: false },
        prices: { entsoeUrl: api.entsoeUrl, energyChartsUrl: api.energyChartsUrl, timeoutSeconds: 2 },
      }));
      writeFileSync(join(dir, 'rates.json'), JSON.stringify({
        Electricity: {
          '+': { Day: 0.4, Night: 0.3 }, '-': { Day: 0.1, Night: 0.1 }, vat: 0.06,
          dynamic: { '+': { factor: 0.1039, base: 0.8702 }, '-': { factor: 0.1, base: -1.3135 }, unit: 'c/kWh' },
        },
      }));
      // prices of the recording's quarters, as an earlier fetch left them in the meter database
      const seeded = openMeterDatabase(join(dir, 'data', 'meter.sqlite'), silentLogger());
      new PriceCache(seeded.db).put([
        { start: Z('2022-11-27T16:45Z'), eurPerMwh: 250, resolutionMinutes: 15 },
        { start: Z('2022-11-27T17:00Z'), eurPerMwh: 300, resolutionMinutes: 15 },
        { start: Z('2022-11-27T17:15Z'), eurPerMwh: 200, resolutionMinutes: 15 },
      ], 'entsoe', Z('2022-11-26T12:00Z'));
      seeded.db.close();

      // no token set: Energy-Charts answers with every quarter of the period asked (today, and
      // tomorrow too once the day-ahead auction has published, after 13:00 Brussels time)
      api.energyCharts = (url) => {
        const start = Date.parse(url.searchParams.get('start')!);
        const quarters = (Date.parse(url.searchParams.get('end')!) - start) / 900_000;
        return { contentType: 'application/json', body: energyChartsJson(start / 1000, 900, Array.from({ length: quarters }, () => 42)) };
      };
      const app = await createApp({ configFile: join(dir, 'config.json'), console: null });
      app.start();
      await until(() => app.hub.current.sources['prices']?.status === 'ok', 'the price state');
      expect(app.hub.current.sources['prices']?.message).toMatch(/^Day-ahead prices from Energy-Charts up to \d{4}-\d\d-\d\d 00:00\.$/);
      expect(api.requestsTo('entsoe')).toHaveLength(0);
      await until(() => app.hub.current.meter?.time === Z('2022-11-27T17:17:07Z'), 'the end of the recording');
      await app.stop();

      const db = openSqlite(join(dir, 'data', 'meter.sqlite'), { readonly: true });
      const day = db.prepare('SELECT import_wh_2, import_eur FROM day_summaries WHERE day = ?').get('2022-11-27') as { import_wh_2: number; import_eur: number };
      db.close();
      // the hand-computed sum of test/integration/dynamic-replay.test.ts: 0.027, 0.628 and 0.087 kWh
      // at (0.1039 x 250|300|200 + 0.8702) c/kWh + 6% VAT = 0.24093411404 EUR
      expect(day.import_wh_2).toBe(742);
      expect(day.import_eur).toBeCloseTo(0.24093411404, 10);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
