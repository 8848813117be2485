/**
 * Dynamic prices: (1) reading a two-day ENTSO-E answer (192 quarters, 15-minute A01) into
 * quarters, per document; (2) the ledger's spot lookup per telegram over the SQLite cache
 * (memoised per quarter: one SELECT per quarter, a comparison otherwise), for a day of one
 * lookup a second; (3) the same lookup without the memo (a SELECT every call), to show why.
 */
import { openSqlite } from '../../main/store/sqlite.js';
import { parseEntsoeXml } from '../../main/tariff/prices/entsoe-xml.js';
import { PriceCache } from '../../main/tariff/prices/price-cache.js';
import { spotToQuarters } from '../../main/tariff/prices/quarters.js';
import { median, nowMs, percentile } from './stats.js';

function twoDayDocument(): string {
  const series = [Date.parse('2025-10-04T22:00Z'), Date.parse('2025-10-05T22:00Z')].map((start) => {
    const points = Array.from({ length: 96 }, (_, i) => `<Point><position>${i + 1}</position><price.amount>${(50 + i * 1.37).toFixed(2)}</price.amount></Point>`).join('');
    const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16) + 'Z';
    return `<TimeSeries><mRID>1</mRID><contract_MarketAgreement.type>A01</contract_MarketAgreement.type><currency_Unit.name>EUR</currency_Unit.name><price_Measure_Unit.name>MWH</price_Measure_Unit.name><curveType>A01</curveType><Period><timeInterval><start>${iso(start)}</start><end>${iso(start + 86_400_000)}</end></timeInterval><resolution>PT15M</resolution>${points}</Period></TimeSeries>`;
  }).join('');
  return `<?xml version="1.0" encoding="utf-8"?><Publication_MarketDocument xmlns="urn:iec62325.351:tc57wg16:451-3:publicationdocument:7:3"><type>A44</type>${series}</Publication_MarketDocument>`;
}

function timeEach(n: number, fn: (i: number) => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = nowMs();
    fn(i);
    out.push((nowMs() - t0) * 1000);
  }
  return out;
}

const us = (v: number) => `${v.toFixed(2)} us`;

export async function bench(): Promise<void> {
  const xml = twoDayDocument();
  const parse = timeEach(200, () => {
    const answer = parseEntsoeXml(xml);
    if (answer.kind === 'prices') spotToQuarters(answer.points);
  });
  console.log(`ENTSO-E two-day answer (${(xml.length / 1024).toFixed(0)} KB, 192 quarters) -> quarters: median ${us(median(parse))}, p99 ${us(percentile(parse, 99))}`);

  const cache = new PriceCache(openSqlite(':memory:'));
  const day = Date.parse('2025-10-04T22:00Z');
  cache.put(Array.from({ length: 96 }, (_, i) => ({ start: day + i * 900_000, eurPerMwh: 50 + i, resolutionMinutes: 15 as const })), 'entsoe', 0);
  const spot = cache.spotPrice();
  const memo = timeEach(86_400, (i) => { spot(day + i * 1000); });
  console.log(`spot lookup per telegram, memoised (86,400 calls): median ${us(median(memo))}, p99 ${us(percentile(memo, 99))}`);
  const direct = timeEach(86_400, (i) => { cache.at(day + Math.floor(i / 900) * 900_000); });
  console.log(`spot lookup per telegram, a SELECT each (86,400 calls): median ${us(median(direct))}, p99 ${us(percentile(direct, 99))}`);
}
