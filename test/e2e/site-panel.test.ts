/**
 * The Site panel in headless Chromium: a meter (simulated P1) with a test device beside it, in
 * the same process (the in-process door): the panel shows the base load, the budget and the
 * device's grant with its reason, as the meter's `site` state has them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumPath, launchChromium } from '../support/chromium.js';
import { removeHome, startServe, type ServeProcess } from '../support/serve-process.js';

const executable = chromiumPath();
if (!executable) console.warn('site panel e2e test skipped: no chromium on PATH (apt-get install chromium; .ci/run does)');

describe.skipIf(!executable)('the Site panel', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dm-site-panel-'));
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({
      roles: ['meter'], dataDir: 'data', log: { level: 'info', file: false }, p1: { type: 'simulator' },
      site: { fuse: { grid: '3x400', phases: 3, amps: 25 }, testDevices: [{ id: 'testload', maxKw: 2, minRunKw: 1, class: 'emergency' }] },
    }));
    serve = await startServe(['--config', config, '--port', '0']);
    browser = await launchChromium(executable!);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (serve) removeHome(serve.home);
    removeHome(dir);
  });

  test('shows who gets what and why', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(serve.url);
    const row = page.getByTestId('site-devices').locator('tr[data-device="testload"]');
    await row.waitFor({ timeout: 20_000 });
    const cells = await row.locator('td').allTextContents();
    expect(cells[0]).toBe('testload');
    expect(cells[1]).toBe('local');
    // granted: at least its 1 kW minimum (emergency), at most its 2 kW
    const granted = Number(cells[3]!.replace(/[^0-9.]/g, ''));
    expect(granted).toBeGreaterThanOrEqual(1);
    expect(granted).toBeLessThanOrEqual(2);
    expect(cells[4]).toMatch(/^emergency charge at \d\.\d kW/);
    await expect.poll(() => page.getByTestId('site-base').textContent()).toMatch(/\d/);
    expect(await page.getByTestId('site').locator('h2, header').first().textContent()).toMatch(/Site: who gets what/);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  test('on a satellite: the link to the meter, the grant and the reason', async () => {
    const config = join(dir, 'satellite.json');
    writeFileSync(config, JSON.stringify({
      roles: ['ev'], dataDir: 'satellite-data', log: { level: 'info', file: false },
      bus: { meter: { url: `ws://${new URL(serve.origin).host}/ws`, token: serve.token, name: 'garage' } },
      site: { testDevices: [{ id: 'shedload', maxKw: 1.5, minRunKw: 1, class: 'emergency' }] },
    }));
    const satellite = await startServe(['--config', config, '--roles', 'ev', '--port', '0']);
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
      await page.goto(satellite.url);
      await expect.poll(() => page.getByTestId('satellite-link').textContent(), { timeout: 20_000 }).toMatch(/^garage → ws:\/\/127\.0\.0\.1:\d+\/ws: connected$/);
      const row = page.getByTestId('satellite-devices').locator('tr[data-device="shedload"]');
      await expect.poll(async () => (await row.locator('td').allTextContents())[3] ?? '', { timeout: 20_000 }).toMatch(/^emergency charge at/);
      const cells = await row.locator('td').allTextContents();
      expect(Number(cells[2]!.replace(/[^0-9.]/g, ''))).toBeGreaterThanOrEqual(1);
      // the meter's figures reach the satellite's page too: no "waiting for the meter"
      await page.getByTestId('meter-time').filter({ hasText: /\d\d:\d\d:\d\d/ }).waitFor({ timeout: 20_000 });
      await page.close();
    } finally {
      await satellite.stop();
      removeHome(satellite.home);
    }
  }, 90_000);
});
