import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakePriceApi } from '../support/price-api-server.js';
import { acknowledgementXml, energyChartsJson, publicationXml } from '../support/price-answers.js';

const bin = resolve(import.meta.dirname, '../../bin/digital-meter.js');
const TOKEN = 'a1b2c3d4-e5f6-7890-abcd-ef0123456789';

/** Runs the built CLI asynchronously (the fake API server lives in this process). */
function cli(args: string[], input = ''): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (status) => done({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('digital-meter secret and prices', () => {
  const api = new FakePriceApi();
  let dir: string;
  let config: string;

  beforeAll(async () => { await api.start(); });
  afterAll(() => api.close());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dm-prices-cli-'));
    config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({
      dataDir: 'data',
      rates: 'rates.json',
      prices: { entsoeUrl: api.entsoeUrl, energyChartsUrl: api.energyChartsUrl, timeoutSeconds: 2 },
    }));
    writeFileSync(join(dir, 'rates.json'), JSON.stringify({
      Electricity: {
        '+': { Day: 0.4, Night: 0.3 }, '-': { Day: 0.1, Night: 0.1 }, vat: 0.06,
        dynamic: { '+': { factor: 0.1039, base: 0.8702 }, '-': { factor: 0.1, base: -1.3135 }, unit: 'c/kWh' },
      },
    }));
    api.requests.length = 0;
    api.entsoe = () => ({ status: 503, body: 'down' });
    api.energyCharts = () => ({ status: 503, body: 'down' });
    return () => rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the ENTSO-E token in a 0600 file, lists names only, and never prints it', async () => {
    const set = await cli(['secret', 'set', 'entsoe-token', '--config', config], `${TOKEN}\n`);
    expect(set.status).toBe(0);
    const file = join(dir, 'data', 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ 'entsoe-token': TOKEN });
    expect(readFileSync(config, 'utf8')).not.toContain(TOKEN);

    const list = await cli(['secret', 'list', '--config', config]);
    expect(list.stdout).toBe('entsoe-token\n');
    for (const out of [set.stdout, set.stderr, list.stdout, list.stderr]) expect(out).not.toContain(TOKEN);

    // a value on the command line would land in the shell history: refused
    const argv = await cli(['secret', 'set', 'entsoe-token', TOKEN, '--config', config]);
    expect(argv.status).toBe(64);
    expect(argv.stderr).toContain('the value is read from stdin');
    expect(argv.stderr).not.toContain(TOKEN);
    const unknown = await cli(['secret', 'set', 'entsoe-tokn', '--config', config], 'x');
    expect(unknown.stderr).toBe("digital-meter secret: set: unknown secret 'entsoe-tokn' (known: entsoe-token, google-calendar-client-secret, google-calendar-token, ical-url-NAME)\n(see 'digital-meter secret --help')\n");

    expect((await cli(['secret', 'delete', 'entsoe-token', '--config', config])).status).toBe(0);
    // nothing on stdout for scripts, and a word for the person at the terminal
    const empty = await cli(['secret', 'list', '--config', config]);
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toBe('no secrets set (digital-meter secret set entsoe-token adds one)\n');
  });

  it('prints the autumn DST day as 100 quarters in JSON, fetched from ENTSO-E with the stored token', async () => {
    await cli(['secret', 'set', 'entsoe-token', '--config', config], TOKEN);
    const points: [number, number][] = [];
    for (let p = 1; p <= 100; p++) points.push([p, p === 13 ? -20 : 100]);
    api.entsoe = (url) => (url.searchParams.get('securityToken') === TOKEN
      ? { body: publicationXml([{ start: '2025-10-25T22:00Z', end: '2025-10-26T23:00Z', resolution: 'PT15M', curveType: 'A03', points }]) }
      : { status: 401, body: 'Unauthorized' });
    const result = await cli(['prices', '--date', '2025-10-26', '--json', '--config', config]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const rows = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(100);
    expect(rows[0]).toEqual({
      start: '2025-10-25T22:00:00.000Z', local: '2025-10-26T00:00+02:00', spotEurPerMwh: 100, resolutionMinutes: 15,
      // (0.1039 x 100 + 0.8702) c/kWh x 1.06 = 0.11935812; (0.1 x 100 - 1.3135) c/kWh = 0.086865
      importEurPerKwh: 0.119358, exportEurPerKwh: 0.086865, source: 'entsoe',
    });
    // position 13 is 02:00 the second time (winter time): spot -20
    // import (0.1039 x -20 + 0.8702) c/kWh x 1.06 = -0.01280268; export (0.1 x -20 - 1.3135) c/kWh = -0.033135
    expect(rows[12]).toEqual({
      start: '2025-10-26T01:00:00.000Z', local: '2025-10-26T02:00+01:00', spotEurPerMwh: -20, resolutionMinutes: 15,
      importEurPerKwh: -0.012803, exportEurPerKwh: -0.033135, source: 'entsoe',
    });
    expect(rows[8]?.local).toBe('2025-10-26T02:00+02:00');
    expect(rows[99]?.local).toBe('2025-10-26T23:45+01:00');
    expect(result.stdout).not.toContain(TOKEN);

    // the second time comes from the cache: the sources are not asked again
    api.requests.length = 0;
    const again = await cli(['prices', '--date', '2025-10-26', '--json', '--config', config]);
    expect(again.stdout).toBe(result.stdout);
    expect(api.requests).toHaveLength(0);
  });

  it('prints a readable table for an hourly day from Energy-Charts when no token is set', async () => {
    const start = Date.parse('2025-09-14T22:00Z') / 1000;
    api.energyCharts = () => ({ contentType: 'application/json', body: energyChartsJson(start, 3600, Array.from({ length: 24 }, (_, h) => 50 + h)) });
    const result = await cli(['prices', '--date', '2025-09-15', '--config', config]);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('digital-meter prices: ENTSO-E skipped: no token (digital-meter secret set entsoe-token)\n');
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'Day-ahead prices for 2025-09-15 (Brussels time): 96 of 96 quarters known, from energy-charts',
      'Consumer prices (EUR/kWh): import = 0.1039 x spot + 0.8702 c/kWh + 6% VAT; export = 0.1 x spot - 1.3135 c/kWh',
      '',
      'time   spot EUR/MWh  import EUR/kWh  export EUR/kWh',
      // (0.1039 x 50 + 0.8702) x 1.06 / 100 = 0.06429112; (0.1 x 50 - 1.3135) / 100 = 0.036865
      '00:00         50.00         0.06429         0.03687',
    ]);
    // 23:45 is in the 24th hour: 73 EUR/MWh
    expect(lines[99]).toBe('23:45         73.00         0.08962         0.05987');
  });

  it('says register rates apply when no source answers and nothing is cached', async () => {
    api.entsoe = () => ({ body: acknowledgementXml('999', 'No matching data found for Data item Day-ahead Prices [12.1.D].') });
    await cli(['secret', 'set', 'entsoe-token', '--config', config], TOKEN);
    const result = await cli(['prices', '--date', '2026-03-29', '--json', '--config', config]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe([
      'digital-meter prices: Energy-Charts: HTTP 503',
      'digital-meter prices: entsoe has no prices for 2026-03-29 (not published yet?)',
      'digital-meter prices: no day-ahead prices known for 2026-03-29; register rates apply',
      '',
    ].join('\n'));
    // the spring DST day still lists its 92 quarters, unpriced
    const rows = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(92);
    expect(rows[8]).toMatchObject({ local: '2026-03-29T03:00+02:00', spotEurPerMwh: null, importEurPerKwh: null });

    const bad = await cli(['prices', '--date', '2026-02-30', '--config', config]);
    expect(bad.status).toBe(64);
    expect(bad.stderr).toBe("digital-meter prices: --date 2026-02-30: expected a date YYYY-MM-DD\n(see 'digital-meter prices --help')\n");
  });
});
