import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EntsoeSource } from '../../main/tariff/prices/entsoe-source.js';
import { EnergyChartsSource } from '../../main/tariff/prices/energy-charts-source.js';
import { spotToQuarters } from '../../main/tariff/prices/quarters.js';
import { PriceSourceError, type TimeRange } from '../../main/tariff/prices/types.js';
import { FakePriceApi } from '../support/price-api-server.js';
import { acknowledgementXml, energyChartsJson, publicationXml } from '../support/price-answers.js';

const TOKEN = 'test-token-5f2c9a71-never-shown';
const iso = (ms: number) => new Date(ms).toISOString();
const range = (start: string, end: string): TimeRange => ({ start: Date.parse(start), end: Date.parse(end) });

async function failureOf(promise: Promise<unknown>): Promise<PriceSourceError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PriceSourceError) return error;
    throw error;
  }
  throw new Error('expected a PriceSourceError');
}

describe('price sources against a local server that answers like the real APIs', () => {
  const api = new FakePriceApi();
  let entsoe: EntsoeSource;
  let energyCharts: EnergyChartsSource;

  beforeAll(async () => {
    await api.start();
    entsoe = new EntsoeSource({ token: TOKEN, baseUrl: api.entsoeUrl, timeoutMs: 2_000 });
    energyCharts = new EnergyChartsSource({ baseUrl: api.energyChartsUrl, timeoutMs: 2_000 });
  });
  afterAll(() => api.close());
  beforeEach(() => { api.requests.length = 0; });

  it('asks ENTSO-E for A44 in the Belgian zone with yyyyMMddHHmm UTC bounds and the token', async () => {
    api.entsoe = () => ({ body: acknowledgementXml('999', 'No matching data found for Data item Day-ahead Prices [12.1.D].') });
    await entsoe.fetchSpot(range('2025-10-04T22:00Z', '2025-10-05T22:00Z'));
    const [url] = api.requestsTo('entsoe');
    expect(url?.searchParams.get('documentType')).toBe('A44');
    expect(url?.searchParams.get('in_Domain')).toBe('10YBE----------2');
    expect(url?.searchParams.get('out_Domain')).toBe('10YBE----------2');
    expect(url?.searchParams.get('periodStart')).toBe('202510042200');
    expect(url?.searchParams.get('periodEnd')).toBe('202510052200');
    expect(url?.searchParams.get('securityToken')).toBe(TOKEN);
  });

  it('reads a 60-minute day (before the 15-minute market) as 4 quarters per hour', async () => {
    const hourly = [51, 52, 48.5, 47, 45, 50, 62, 80, 95, 88, 70, 60, 55, 50, 52, 60, 75, 110, 130, 120, 98, 85, 70, 60];
    api.entsoe = () => ({
      body: publicationXml([{
        start: '2025-09-14T22:00Z', end: '2025-09-15T22:00Z', resolution: 'PT60M',
        points: hourly.map((p, i) => [i + 1, p]),
      }]),
    });
    const day = range('2025-09-14T22:00Z', '2025-09-15T22:00Z');
    const quarters = spotToQuarters(await entsoe.fetchSpot(day), day);
    expect(quarters).toHaveLength(96);
    // 00:00-01:00 Brussels (22:00-23:00 UTC) is position 1 = 51 EUR/MWh in all four quarters
    expect(quarters.slice(0, 5).map((q) => [iso(q.start), q.eurPerMwh, q.resolutionMinutes])).toEqual([
      ['2025-09-14T22:00:00.000Z', 51, 60], ['2025-09-14T22:15:00.000Z', 51, 60],
      ['2025-09-14T22:30:00.000Z', 51, 60], ['2025-09-14T22:45:00.000Z', 51, 60],
      ['2025-09-14T23:00:00.000Z', 52, 60],
    ]);
    // 19:00-20:00 Brussels = 17:00-18:00 UTC = position 20 = 120
    expect(quarters.find((q) => iso(q.start) === '2025-09-15T17:45:00.000Z')?.eurPerMwh).toBe(120);
  });

  it('reads a 15-minute A03 day: an absent position keeps the previous price', async () => {
    api.entsoe = () => ({
      body: publicationXml([{
        start: '2025-10-04T22:00Z', end: '2025-10-05T22:00Z', resolution: 'PT15M', curveType: 'A03',
        points: [[1, 80.5], [5, 90], [6, 90.25], [96, -5.25]],
      }]),
    });
    const day = range('2025-10-04T22:00Z', '2025-10-05T22:00Z');
    const quarters = spotToQuarters(await entsoe.fetchSpot(day), day);
    expect(quarters).toHaveLength(96);
    expect(quarters.slice(0, 7).map((q) => q.eurPerMwh)).toEqual([80.5, 80.5, 80.5, 80.5, 90, 90.25, 90.25]);
    expect(quarters[94]).toEqual({ start: Date.parse('2025-10-05T21:30Z'), eurPerMwh: 90.25, resolutionMinutes: 15 });
    expect(quarters[95]).toEqual({ start: Date.parse('2025-10-05T21:45Z'), eurPerMwh: -5.25, resolutionMinutes: 15 });
  });

  it('reads a 15-minute A01 day: an absent position is a gap, not a guess', async () => {
    const points: [number, number][] = [];
    for (let p = 1; p <= 96; p++) if (p !== 10) points.push([p, 100 + p]);
    api.entsoe = () => ({ body: publicationXml([{ start: '2025-10-04T22:00Z', end: '2025-10-05T22:00Z', resolution: 'PT15M', points }]) });
    const day = range('2025-10-04T22:00Z', '2025-10-05T22:00Z');
    const quarters = spotToQuarters(await entsoe.fetchSpot(day), day);
    expect(quarters).toHaveLength(95);
    expect(quarters.some((q) => iso(q.start) === '2025-10-05T00:15:00.000Z')).toBe(false);
    expect(quarters[8]?.eurPerMwh).toBe(109);
    expect(quarters[9]?.eurPerMwh).toBe(111);
  });

  it('reads several TimeSeries: an hourly day followed by the first 15-minute day (1 October 2025)', async () => {
    api.entsoe = () => ({
      body: publicationXml([
        { start: '2025-09-29T22:00Z', end: '2025-09-30T22:00Z', resolution: 'PT60M', curveType: 'A03', points: [[1, 60], [13, 40]] },
        { start: '2025-09-30T22:00Z', end: '2025-10-01T22:00Z', resolution: 'PT15M', curveType: 'A03', points: [[1, 70], [2, 71]] },
        // an intraday series in the same document must not be taken for day-ahead
        { start: '2025-09-30T22:00Z', end: '2025-10-01T22:00Z', resolution: 'PT15M', points: [[1, 999]], contractType: 'A07' },
      ]),
    });
    const twoDays = range('2025-09-29T22:00Z', '2025-10-01T22:00Z');
    const quarters = spotToQuarters(await entsoe.fetchSpot(twoDays), twoDays);
    expect(quarters).toHaveLength(192);
    expect(quarters[47]).toEqual({ start: Date.parse('2025-09-30T09:45Z'), eurPerMwh: 60, resolutionMinutes: 60 });
    expect(quarters[48]).toEqual({ start: Date.parse('2025-09-30T10:00Z'), eurPerMwh: 40, resolutionMinutes: 60 });
    expect(quarters[96]).toEqual({ start: Date.parse('2025-09-30T22:00Z'), eurPerMwh: 70, resolutionMinutes: 15 });
    expect(quarters[191]).toEqual({ start: Date.parse('2025-10-01T21:45Z'), eurPerMwh: 71, resolutionMinutes: 15 });
  });

  it('reads the autumn DST day (26 October 2025) as 100 quarters, the repeated hour twice', async () => {
    const points: [number, number][] = [];
    for (let p = 1; p <= 100; p++) points.push([p, p]);
    api.entsoe = () => ({ body: publicationXml([{ start: '2025-10-25T22:00Z', end: '2025-10-26T23:00Z', resolution: 'PT15M', points }]) });
    const day = range('2025-10-25T22:00Z', '2025-10-26T23:00Z');
    const quarters = spotToQuarters(await entsoe.fetchSpot(day), day);
    expect(quarters).toHaveLength(100);
    // 02:00 summer time = 00:00 UTC is position 9; 02:00 winter time = 01:00 UTC is position 13
    expect(quarters.find((q) => iso(q.start) === '2025-10-26T00:00:00.000Z')?.eurPerMwh).toBe(9);
    expect(quarters.find((q) => iso(q.start) === '2025-10-26T01:00:00.000Z')?.eurPerMwh).toBe(13);
    expect(quarters[99]).toEqual({ start: Date.parse('2025-10-26T22:45Z'), eurPerMwh: 100, resolutionMinutes: 15 });
  });

  it('takes "No matching data found" (Reason 999) as an empty day, not a failure', async () => {
    api.entsoe = () => ({
      status: 200,
      body: acknowledgementXml('999', 'No matching data found for Data item Day-ahead Prices [12.1.D] (10YBE----------2, 10YBE----------2) and interval 2025-10-05T22:00:00.000Z/2025-10-06T22:00:00.000Z.'),
    });
    expect(await entsoe.fetchSpot(range('2025-10-05T22:00Z', '2025-10-06T22:00Z'))).toEqual([]);
  });

  it('reports an Acknowledgement error with its reason, and never the token', async () => {
    api.entsoe = () => ({ status: 400, body: acknowledgementXml('999', 'Invalid query attribute or parameter value.') });
    const error = await failureOf(entsoe.fetchSpot(range('2025-10-05T22:00Z', '2025-10-06T22:00Z')));
    expect(error.failure).toBe('refused');
    expect(error.message).toBe('entsoe: HTTP 400, reason 999: Invalid query attribute or parameter value.');
    expect(error.message).not.toContain(TOKEN);
  });

  it('says the token may be wrong on HTTP 401', async () => {
    api.entsoe = () => ({ status: 401, contentType: 'text/html', body: '<html><body>Unauthorized</body></html>' });
    const error = await failureOf(entsoe.fetchSpot(range('2025-10-05T22:00Z', '2025-10-06T22:00Z')));
    expect(error.message).toBe('entsoe: HTTP 401 (is the entsoe-token right?)');
  });

  it('names what is wrong in a malformed document', async () => {
    api.entsoe = () => ({
      body: publicationXml([{ start: '2025-10-04T22:00Z', end: '2025-10-05T22:00Z', resolution: 'PT15M', points: [[97, 10]] }]),
    });
    const error = await failureOf(entsoe.fetchSpot(range('2025-10-04T22:00Z', '2025-10-05T22:00Z')));
    expect(error.failure).toBe('bad-answer');
    expect(error.message).toBe('entsoe: unexpected answer: TimeSeries 1 Period 1 Point 1: position 97 outside 1..96');
  });

  it('gives up after the timeout when the server does not answer', async () => {
    api.entsoe = () => ({ hang: true });
    const impatient = new EntsoeSource({ token: TOKEN, baseUrl: api.entsoeUrl, timeoutMs: 300 });
    const error = await failureOf(impatient.fetchSpot(range('2025-10-04T22:00Z', '2025-10-05T22:00Z')));
    expect(error.failure).toBe('timeout');
    expect(error.message).toBe(`entsoe: no answer from ${api.entsoeUrl} within 0.3 s`);
    expect(error.message).not.toContain(TOKEN);
  });

  it('reports an unreachable server', async () => {
    const nowhere = new EnergyChartsSource({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 2_000 });
    const error = await failureOf(nowhere.fetchSpot(range('2025-10-04T22:00Z', '2025-10-05T22:00Z')));
    expect(error.failure).toBe('unreachable');
    expect(error.message).toBe('energy-charts: cannot reach http://127.0.0.1:1/price: ECONNREFUSED');
  });

  it('reads an Energy-Charts 15-minute answer, asking for bzn=BE', async () => {
    const start = Date.parse('2025-10-04T22:00Z') / 1000;
    const prices: (number | null)[] = Array.from({ length: 96 }, (_, i) => 50 + i / 4);
    prices[3] = null;
    api.energyCharts = () => ({ contentType: 'application/json', body: energyChartsJson(start, 900, prices) });
    const day = range('2025-10-04T22:00Z', '2025-10-05T22:00Z');
    const quarters = spotToQuarters(await energyCharts.fetchSpot(day), day);
    const [url] = api.requestsTo('energy-charts');
    expect(url?.pathname).toBe('/ec/price');
    expect(url?.searchParams.get('bzn')).toBe('BE');
    expect(quarters).toHaveLength(95);
    expect(quarters.slice(0, 4).map((q) => [iso(q.start), q.eurPerMwh])).toEqual([
      ['2025-10-04T22:00:00.000Z', 50], ['2025-10-04T22:15:00.000Z', 50.25],
      ['2025-10-04T22:30:00.000Z', 50.5], ['2025-10-04T23:00:00.000Z', 51],
    ]);
  });

  it('reads an Energy-Charts hourly answer and the spring DST day (29 March 2026) as 92 quarters', async () => {
    const start = Date.parse('2026-03-28T23:00Z') / 1000;
    api.energyCharts = () => ({ contentType: 'application/json', body: energyChartsJson(start, 3600, Array.from({ length: 23 }, (_, h) => h * 10)) });
    const day = range('2026-03-28T23:00Z', '2026-03-29T22:00Z');
    const quarters = spotToQuarters(await energyCharts.fetchSpot(day), day);
    expect(quarters).toHaveLength(92);
    // 03:00 summer time (the first hour after the skipped one) = 01:00 UTC = the 3rd hour = 20
    expect(quarters.find((q) => iso(q.start) === '2026-03-29T01:45:00.000Z')).toEqual({
      start: Date.parse('2026-03-29T01:45Z'), eurPerMwh: 20, resolutionMinutes: 60,
    });
    expect(quarters[91]?.eurPerMwh).toBe(220);
  });

  it('takes an Energy-Charts 404 as an empty day and refuses a wrong unit', async () => {
    api.energyCharts = () => ({ status: 404, contentType: 'application/json', body: '{"detail":"Not Found"}' });
    expect(await energyCharts.fetchSpot(range('2025-10-05T22:00Z', '2025-10-06T22:00Z'))).toEqual([]);
    api.energyCharts = () => ({ contentType: 'application/json', body: JSON.stringify({ unix_seconds: [1759615200], price: [5], unit: 'EUR / kWh' }) });
    const error = await failureOf(energyCharts.fetchSpot(range('2025-10-04T22:00Z', '2025-10-05T22:00Z')));
    expect(error.message).toBe("energy-charts: unexpected answer: unit 'EUR / kWh', expected EUR / MWh");
  });
});
