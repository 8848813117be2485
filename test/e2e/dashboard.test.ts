/**
 * The dashboard in a real browser (Debian's chromium driven by playwright-core) against
 * `digital-meter serve` in demo mode, as a newcomer runs it: one serve and one browser for the
 * whole file. The page reaches serve through a TCP relay so the test can cut the connection.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumPath, launchChromium } from '../support/chromium.js';
import { removeHome, startServe, type ServeProcess } from '../support/serve-process.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const OUTPUT = join(ROOT, 'test-output');
const executable = chromiumPath();
const built = existsSync(join(ROOT, 'dist', 'renderer', 'index.html'));

/** The number in a formatted text ("1,234.56 €" in English). */
function amount(text: string | null): number {
  return Number((text ?? '').replace(/[^0-9.-]/g, ''));
}

if (!executable) console.warn('dashboard e2e tests skipped: no chromium on PATH (apt-get install chromium; .ci/run does)');

describe.skipIf(!executable)('the dashboard in headless Chromium', () => {
  let serve: ServeProcess;
  let proxy: TcpProxy;
  let browser: Browser;
  let page: Page;
  let url: string;
  const consoleErrors: string[] = [];
  /** while the test cuts the network on purpose, the browser's own reports of it are expected */
  let networkCut = false;

  function watch(p: Page): void {
    p.on('console', (m) => {
      if (m.type() !== 'error') return;
      if (networkCut && /WebSocket connection to .* failed|ERR_CONNECTION/.test(m.text())) return;
      consoleErrors.push(`${m.text()} (${m.location().url})`);
    });
    p.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
  }

  beforeAll(async () => {
    if (!built) throw new Error('dist/renderer is missing: run `npm run build` first (npm test does)');
    mkdirSync(OUTPUT, { recursive: true });
    // 30 simulated seconds per second: a quarter hour passes in 30 s
    serve = await startServe(['--port', '0', '--speed', '30']);
    proxy = await TcpProxy.start(Number(new URL(serve.origin).port));
    url = `http://127.0.0.1:${proxy.port}/#token=${serve.token}`;
    browser = await launchChromium(executable!);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    watch(page);
    await page.goto(url);
    await page.getByTestId('meter-time').filter({ hasText: /\d\d:\d\d:\d\d/ }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    const code = await serve?.stop();
    if (serve) removeHome(serve.home);
    expect(code).toBe(0);
  });

  test('serve prints one line with the address and the token, and the page keeps the token out of the address bar', () => {
    expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
    expect(page.url()).not.toContain('token');
  });

  test('every panel renders, with numbers that change as telegrams arrive', async () => {
    for (const id of ['header', 'quarter', 'live-power', 'rates', 'month-peaks', 'gas-water', 'usage', 'day-costs',
      'quarters-today', 'telegram', 'log', 'ev-demo', 'placeholder-battery', 'trips']) {
      await expect.poll(() => page.getByTestId(id).isVisible(), { message: `panel ${id}` }).toBe(true);
    }
    // figures from the 35 days of history, with their units
    expect(await page.getByTestId('total-yesterday').textContent()).toMatch(/^\s*\d+\.\d\d\s€/);
    expect(await page.getByTestId('month-average').textContent()).toMatch(/\d\.\d{3}\skW/);
    expect(await page.getByTestId('month-yearly').textContent()).toMatch(/\d+\.\d\d\s€/);
    expect(await page.getByTestId('gas-meter').textContent()).toMatch(/\d\.\d{3}\sm³/);
    expect(await page.getByTestId('closed-months').locator('li').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('[data-testid=rates] tr[data-active=true]').count()).toBe(1);
    await expect.poll(() => page.locator('[data-testid=telegram] tbody tr').count()).toBeGreaterThan(20);
    await expect.poll(() => page.getByTestId('days-total').textContent()).toMatch(/\d\.\d\d\s€/);

    const first = await page.getByTestId('meter-time').textContent();
    const telegramFirst = await page.locator('[data-testid=telegram] .muted').first().textContent();
    await expect.poll(() => page.getByTestId('meter-time').textContent(), { timeout: 5000 }).not.toBe(first);
    await expect.poll(() => page.locator('[data-testid=telegram] .muted').first().textContent(), { timeout: 5000 }).not.toBe(telegramFirst);
    expect(await page.getByTestId('power-import').textContent()).toMatch(/\d\.\d{3}\skW/);
  });

  test('the quarter bar advances', async () => {
    const progress = page.getByTestId('quarter-progress');
    const seconds = async () => {
      const [m, s] = ((await page.getByTestId('quarter-elapsed').textContent()) ?? '').split(' ')[0]!.split(':').map(Number);
      return { elapsed: m! * 60 + s!, bar: Number(await progress.getAttribute('aria-valuenow')) };
    };
    const before = await seconds();
    // 30x: two seconds move the quarter a minute on, unless it just wrapped round to a new one
    await expect.poll(async () => {
      const now = await seconds();
      return now.elapsed > before.elapsed + 20 || now.elapsed < before.elapsed;
    }, { timeout: 5000 }).toBe(true);
    const after = await seconds();
    if (after.elapsed > before.elapsed) expect(after.bar).toBeGreaterThan(before.bar);
  });

  test('screenshots at 1280x800 and at the kiosk size 800x480, light and dark', async () => {
    await page.screenshot({ path: join(OUTPUT, 'dashboard-1280x800.png') });
    const kiosk = await browser.newPage({ viewport: { width: 800, height: 480 }, locale: 'en-GB' });
    watch(kiosk);
    await kiosk.goto(url);
    await kiosk.getByTestId('meter-time').filter({ hasText: /\d\d:\d\d:\d\d/ }).waitFor();
    expect(await kiosk.getByTestId('tabs').isVisible()).toBe(true);
    expect(await kiosk.getByTestId('quarter').isVisible()).toBe(true);
    await kiosk.waitForTimeout(500);
    await kiosk.screenshot({ path: join(OUTPUT, 'dashboard-800x480.png') });
    await kiosk.getByRole('button', { name: 'Costs' }).click();
    await kiosk.getByTestId('usage').waitFor();
    await kiosk.getByTestId('theme').selectOption('dark');
    await kiosk.waitForTimeout(300);
    await kiosk.screenshot({ path: join(OUTPUT, 'dashboard-800x480-costs-dark.png') });
    await kiosk.getByTestId('theme').selectOption('auto');
    await kiosk.close();
    await page.getByTestId('theme').selectOption('dark');
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(OUTPUT, 'dashboard-1280x800-dark.png') });
    await page.getByTestId('theme').selectOption('light');
  });

  test('the demo charges a simulated car: the EV panel shows its power per phase, SoC and reason (screenshot)', async () => {
    const panel = page.getByTestId('ev-demo');
    await panel.waitFor();
    // the demo car charges in mode "now": several kW within seconds (3 x 230 V x 16 A = 11 kW unless the fuse limits it)
    const kwShown = async () => Number(/^([\d.]+)/.exec((await panel.getByTestId('ev-power').textContent()) ?? '')?.[1] ?? 0);
    await expect.poll(kwShown, { timeout: 30_000 }).toBeGreaterThan(4);
    expect(await panel.getByTestId('ev-plugged').textContent()).toBe('Plugged in');
    // nobody has said the car's state of charge yet: the panel asks, and takes the answer
    await panel.getByTestId('ev-soc-input').fill('35');
    await panel.getByTestId('ev-soc-submit').click();
    await expect.poll(async () => (await panel.getByTestId('ev-soc').textContent())?.replace(/\s+/g, ' ').trim(), { timeout: 10_000 }).toMatch(/^3\d % \((as you said|estimated)\)$/);
    expect(((await panel.getByTestId('ev-reason-text').textContent()) ?? '').length).toBeGreaterThan(5);
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(OUTPUT, 'dashboard-ev-charging.png'), fullPage: true });
  });

  test('the trips view: a sudden trip asked in its form is listed for the demo car, judged by the EV controller', async () => {
    const panel = page.getByTestId('trips');
    await panel.scrollIntoViewIfNeeded();
    expect(await panel.getByTestId('trips-car-demo_car').locator('h3').textContent()).toBe('Demo car');
    // the car is chosen already (the only one)
    expect(await panel.getByTestId('trips-sudden').locator('select').inputValue()).toBe('demo_car');
    const form = panel.getByTestId('trips-sudden');
    await form.locator('input[type=time]').fill('17:00');
    await form.locator('input[type=text]').fill('80%');
    await form.getByRole('button').click();
    const row = panel.getByTestId('trip').first();
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getByTestId('trip-from').textContent()).toMatch(/^sudden trip/);
    // the SoC was said above (35%): the controller judges it at the charger's most power
    await expect.poll(async () => (await row.getByTestId('trip-verdict').textContent())?.replace(/\s+/g, ' ').trim(), { timeout: 10_000 })
      .toMatch(/^(will be met|short by \d+\.\d kWh)/);
    await page.screenshot({ path: join(OUTPUT, 'dashboard-trips.png'), fullPage: true });
  });

  test('a bad rate is refused inline; a good one is saved and changes today\'s cost', async () => {
    await page.getByTestId('edit-rates').click();
    const editor = page.getByTestId('rates-editor');
    const day = editor.getByTestId('rate-Electricity.+.Day');
    await day.waitFor();
    await day.fill('abc');
    await expect.poll(() => editor.getByTestId('field-error').count()).toBe(1);
    expect(await editor.getByTestId('field-error').textContent()).toBe('"abc" is not a number: write it like 0.45 or 0,45.');
    expect(await editor.getByTestId('editor-save').isDisabled()).toBe(true);
    await page.screenshot({ path: join(OUTPUT, 'rates-editor-refused.png') });

    // 40 EUR/kWh both ways (export at -40 costs too): whatever the house does now, today's cost climbs fast
    for (const [field, value] of [['Electricity.+.Day', '40'], ['Electricity.+.Night', '40,0'], ['Electricity.-.Day', '-40'], ['Electricity.-.Night', '-40']] as const) {
      await editor.getByTestId(`rate-${field}`).fill(value);
    }
    await expect.poll(() => editor.getByTestId('field-error').count()).toBe(0);
    await expect.poll(async () => amount(await editor.getByTestId('preview-new').textContent()), { timeout: 5000 }).toBeGreaterThan(0);
    const costBefore = amount(await page.getByTestId('total-today').textContent());
    await editor.getByTestId('editor-save').click();
    await expect.poll(() => editor.getByTestId('editor-message').textContent(), { timeout: 5000 }).toContain('Saved');
    const saved = JSON.parse(readFileSync(join(serve.home, 'data', 'digital-meter', 'demo', 'rates.json'), 'utf8')) as { Electricity: Record<string, Record<string, number>> };
    expect(saved.Electricity['+']).toEqual({ Day: 40, Night: 40 });
    expect(saved.Electricity['-']).toEqual({ Day: -40, Night: -40 });
    await editor.getByTestId('editor-close').click();
    expect(await page.locator('[data-testid=rates] tr[data-active=true]').textContent()).toContain('40.000');
    // at 30x, 0.1 kW for 3 s is 2.5 Wh: 0.10 EUR at the new price, 0.001 EUR at the old one
    await expect.poll(async () => amount(await page.getByTestId('total-today').textContent()), { timeout: 6000 }).toBeGreaterThan(costBefore + 0.05);
  });

  test('the language switch changes words and number formats', async () => {
    const title = page.locator('[data-testid=quarter] h2');
    await page.getByTestId('language').selectOption('nl');
    await expect.poll(() => title.textContent()).toBe('Kwartier');
    expect(await page.getByTestId('month-average').textContent()).toMatch(/\d,\d{3}\skW/);
    await page.screenshot({ path: join(OUTPUT, 'dashboard-1280x800-nl.png') });
    await page.getByTestId('language').selectOption('fr');
    await expect.poll(() => title.textContent()).toBe('Quart d\'heure');
    expect(await page.getByTestId('total-yesterday').textContent()).toMatch(/\d,\d\d\s€/);
    await page.getByTestId('language').selectOption('en');
    await expect.poll(() => title.textContent()).toBe('Quarter hour');
  });

  test('the page survives the connection dropping: a banner, then fresh state', async () => {
    const banner = page.getByTestId('connection-banner');
    expect(await banner.count()).toBe(0);
    networkCut = true;
    proxy.drop(2000);
    await banner.waitFor({ timeout: 5000 });
    expect(await banner.textContent()).toContain('reconnecting');
    const during = await page.getByTestId('meter-time').textContent();
    await banner.waitFor({ state: 'detached', timeout: 15_000 });
    networkCut = false;
    await expect.poll(() => page.getByTestId('meter-time').textContent(), { timeout: 5000 }).not.toBe(during);
    // the chart came back with its minutes from the core, not from empty (30x: a minute is 2 s)
    const chart = page.getByTestId('power-chart');
    await expect.poll(async () => Number(await chart.getAttribute('data-to')) - Number(await chart.getAttribute('data-from'))).toBeGreaterThan(60_000);
    // a second page load finds the token in the browser's storage
    await page.goto(`http://127.0.0.1:${proxy.port}/`);
    await page.getByTestId('meter-time').filter({ hasText: /\d\d:\d\d:\d\d/ }).waitFor();
  });

  test('without a token the page asks for it, and a wrong one is refused', async () => {
    const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const p = await fresh.newPage();
    watch(p);
    await p.goto(`http://127.0.0.1:${proxy.port}/`);
    await p.getByTestId('token-form').waitFor();
    await p.getByTestId('token-input').fill('not-the-token-of-this-meter');
    await p.getByTestId('token-form').locator('button[type=submit]').click();
    await p.getByTestId('token-form').locator('[role=alert]').waitFor({ timeout: 10_000 });
    await p.getByTestId('token-input').fill(serve.token);
    await p.getByTestId('token-form').locator('button[type=submit]').click();
    await p.getByTestId('meter-time').filter({ hasText: /\d\d:\d\d:\d\d/ }).waitFor();
    await fresh.close();
  });

  test('no console errors on any page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
