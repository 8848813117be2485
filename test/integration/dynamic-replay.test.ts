import { readFileSync } from 'node:fs';
import { openSqlite } from '../../main/store/sqlite.js';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../main/ledger/ledger.js';
import { RateSchedule } from '../../main/ledger/rate-schedule.js';
import { silentLogger } from '../../main/log/logger.js';
import { TelegramDecoder } from '../../main/p1/decoder.js';
import { PriceCache } from '../../main/tariff/prices/price-cache.js';
import { ratesSchema } from '../../main/tariff/rates-schema.js';
import type { Telegram } from '../../shared/p1/telegram.js';
import { haveRecording, noRecordingReason, recordingPath } from '../support/shared-fixtures.js';

/** Engie Dynamic's 2025-26 card (c/kWh excl. VAT) with 6% VAT, and the seed's register rates. */
const dynamicRates = ratesSchema.parse({
  Electricity: {
    '+': { Day: 0.4, Night: 0.3 }, '-': { Day: 0.1, Night: 0.1 },
    vat: 0.06,
    dynamic: { '+': { factor: 0.1039, base: 0.8702 }, '-': { factor: 0.1, base: -1.3135 }, unit: 'c/kWh' },
  },
});

function telegrams(): Telegram[] {
  const out: Telegram[] = [];
  const decoder = new TelegramDecoder((result) => { if (result.ok) out.push(result.telegram); });
  decoder.feed(readFileSync(recordingPath));
  decoder.end();
  return out;
}

function replay(cache: PriceCache) {
  const ledger = new Ledger({ schedule: new RateSchedule(dynamicRates), log: silentLogger(), spot: cache.spotPrice() });
  for (const t of telegrams()) ledger.addTelegram(t);
  return ledger.session;
}

describe.skipIf(!haveRecording)(`replay of the shared recording on a dynamic contract ${haveRecording ? '' : noRecordingReason}`, () => {
  it('prices each quarter at its own spot price: the cost equals the hand-computed sum', () => {
    const cache = new PriceCache(openSqlite(':memory:'));
    // The recording runs 2022-11-27 17:57:07 to 18:17:07 Brussels (16:57:07-17:17:07 UTC).
    cache.put([
      { start: Date.parse('2022-11-27T16:30Z'), eurPerMwh: 1000, resolutionMinutes: 15 }, // before: unused
      { start: Date.parse('2022-11-27T16:45Z'), eurPerMwh: 250, resolutionMinutes: 15 },
      { start: Date.parse('2022-11-27T17:00Z'), eurPerMwh: 300, resolutionMinutes: 15 },
      { start: Date.parse('2022-11-27T17:15Z'), eurPerMwh: 200, resolutionMinutes: 15 },
      { start: Date.parse('2022-11-27T17:30Z'), eurPerMwh: 1000, resolutionMinutes: 15 }, // after: unused
    ], 'entsoe', Date.parse('2022-11-26T12:00Z'));
    const session = replay(cache);

    // Import register 2 (night) read from the recording at the quarter edges:
    //   17:57:07 3113.135, 18:00:00 3113.162, 18:15:00 3113.790, 18:17:07 3113.877 kWh
    // 17:45 quarter: 0.027 kWh x (0.1039 x 250 + 0.8702) c/kWh = 0.027 x 0.268452 x 1.06 = 0.00768309624
    // 18:00 quarter: 0.628 kWh x (0.1039 x 300 + 0.8702) c/kWh = 0.628 x 0.320402 x 1.06 = 0.21328520336
    // 18:15 quarter: 0.087 kWh x (0.1039 x 200 + 0.8702) c/kWh = 0.087 x 0.216502 x 1.06 = 0.01996581444
    // export counters do not move; total 0.24093411404 EUR
    expect(session.importWh).toEqual([0, 742]);
    expect(session.exportWh).toEqual([0, 0]);
    expect(session.importEur).toBeCloseTo(0.24093411404, 10);
    expect(session.exportEur).toBe(0);
  });

  it('falls back to the register rate for quarters without a price', () => {
    const cache = new PriceCache(openSqlite(':memory:'));
    cache.put([{ start: Date.parse('2022-11-27T17:00Z'), eurPerMwh: 300, resolutionMinutes: 15 }], 'entsoe', 0);
    const session = replay(cache);
    // 17:45 and 18:15 quarters at the Night rate 0.30: (0.027 + 0.087) x 0.30 x 1.06 = 0.036252
    // 18:00 quarter as above: 0.21328520336; total 0.24953720336
    expect(session.importEur).toBeCloseTo(0.24953720336, 10);
  });

  it('uses register rates throughout when no price is known at all', () => {
    const session = replay(new PriceCache(openSqlite(':memory:')));
    // 0.742 kWh x 0.30 x 1.06
    expect(session.importEur).toBeCloseTo(0.235956, 10);
  });
});
