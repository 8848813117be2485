/**
 * The dashboard's one layout at the three sizes people open it at (a 390x844 phone, the 800x480
 * Pi kiosk, a 1280x800 desktop), in English, Dutch and French, in Debian's chromium against
 * `digital-meter serve`'s demo: every page of every size is checked for anything wider than the
 * screen or cut text, the kiosk's main page for needing no scrolling, the phone's and kiosk's
 * controls for being big enough for a finger. Screenshots of each go to test-output/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumPath, launchChromium } from '../support/chromium.js';
import { findOverflow, type Overflow } from '../support/overflow.js';
import { removeHome, startServe, type ServeProcess } from '../support/serve-process.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const OUTPUT = join(ROOT, 'test-output');
const executable = chromiumPath();

const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'kiosk', width: 800, height: 480 },
  { name: 'desktop', width: 1280, height: 800 },
] as const;
const LANGUAGES = [{ lang: 'en', locale: 'en-GB' }, { lang: 'nl', locale: 'nl-BE' }, { lang: 'fr', locale: 'fr-BE' }] as const;
const PAGES = ['now', 'costs', 'peaks', 'home', 'meter'] as const;
/** what the tab of each page says, to click it as a person would */
const TAB_NAMES: Record<string, Record<string, string>> = {
  en: { now: 'Now', costs: 'Costs', peaks: 'Peaks', home: 'Home', meter: 'Meter' },
  nl: { now: 'Nu', costs: 'Kosten', peaks: 'Pieken', home: 'Woning', meter: 'Meter' },
  fr: { now: 'Direct', costs: 'Coûts', peaks: 'Pointes', home: 'Maison', meter: 'Compteur' },
};

if (!executable) console.warn('dashboard layout e2e tests skipped: no chromium on PATH (apt-get install chromium; .ci/run does)');

describe.skipIf(!executable)('one layout at 390x844, 800x480 and 1280x800 in en, nl and fr', () => {
  let serve: ServeProcess;
  let browser: Browser;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'renderer', 'index.html'))) throw new Error('dist/renderer is missing: run `npm run build` first (npm test does)');
    mkdirSync(OUTPUT, { recursive: true });
    serve = await startServe(['--port', '0']);
    browser = await launchChromium(executable!);
  });

  afterAll(async () => {
    await browser?.close();
    const code = await serve?.stop();
    if (serve) removeHome(serve.home);
    expect(code).toBe(0);
  });

  async function open(width: number, height: number, locale: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height }, locale });
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
    await page.goto(serve.url);
    await page.getByTestId('meter-time').filter({ hasText: /\d\d:\d\d:\d\d/ }).waitFor();
    // the figures from the history are in (the widest numbers of the day)
    await page.locator('[data-testid=quarter] dd').first().waitFor();
    return page;
  }

  /** a finger needs about 44 px: every button, select and field shown */
  function smallTargets(page: Page) {
    return page.evaluate(() => [...document.querySelectorAll('button, select, input')]
      .filter((e) => e.checkVisibility())
      .map((e) => ({ what: `${e.tagName.toLowerCase()} ${(e.textContent ?? '').trim() || e.getAttribute('data-testid')}`, h: e.getBoundingClientRect().height }))
      .filter((e) => e.h < 43.5));
  }

  test('the power chart starts with the minutes the store already had, not empty', async () => {
    const page = await open(1280, 800, 'en-GB');
    const chart = page.getByTestId('power-chart');
    await expect.poll(() => chart.getAttribute('data-to')).toMatch(/^\d+$/);
    // serve started moments ago at 1x: samples more than 5 minutes old can only come from the store
    // (the demo's history ring holds a telegram every 5 minutes up to its start)
    const span = Number(await chart.getAttribute('data-to')) - Number(await chart.getAttribute('data-from'));
    expect(span).toBeGreaterThan(5 * 60_000);
    expect(span).toBeLessThanOrEqual(15 * 60_000);
    await page.context().close();
  });

  test('the overflow check finds a box wider than the screen and text cut in its box', async () => {
    const page = await open(390, 844, 'en-GB');
    expect(await page.evaluate(findOverflow)).toEqual([]);
    await page.evaluate(() => {
      const wide = document.createElement('div');
      wide.id = 'too-wide';
      wide.style.width = '500px';
      wide.textContent = 'x';
      const cut = document.createElement('p');
      cut.id = 'cut';
      Object.assign(cut.style, { width: '60px', whiteSpace: 'nowrap', overflow: 'hidden' });
      cut.textContent = '1,234.56 € and more text';
      const ellipsis = document.createElement('p');
      ellipsis.id = 'meant';
      Object.assign(ellipsis.style, { width: '60px', whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' });
      ellipsis.textContent = 'an ellipsis the design means';
      document.querySelector('main')!.append(wide, cut, ellipsis);
    });
    const found = await page.evaluate(findOverflow);
    expect(found.map((o: Overflow) => `${o.element}: ${o.kind}`)).toEqual(['div#too-wide: box', 'p#cut: text']);
    await page.context().close();
  });

  for (const size of SIZES) {
    for (const { lang, locale } of LANGUAGES) {
      test(`${size.width}x${size.height} in ${lang}: nothing wider than the screen, no text cut, on every page`, async () => {
        const page = await open(size.width, size.height, locale);
        expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
        const problems: string[] = [];
        const check = async (where: string) => {
          for (const o of await page.evaluate(findOverflow)) problems.push(`${where}: ${o.element} (${o.kind}: ${o.detail}) "${o.text}"`);
        };
        if (size.name === 'desktop') {
          expect(await page.getByTestId('tabs').count()).toBe(0);
          await check('the page');
          await page.screenshot({ path: join(OUTPUT, `layout-${size.width}x${size.height}-${lang}.png`) });
          await page.screenshot({ path: join(OUTPUT, `layout-${size.width}x${size.height}-${lang}-full.png`), fullPage: true });
        } else {
          for (const p of PAGES) {
            await page.getByTestId('tabs').getByRole('button', { name: TAB_NAMES[lang]![p]!, exact: true }).click();
            await expect.poll(() => page.locator('.dashboard').getAttribute('data-page')).toBe(p);
            await check(`page ${p}`);
            if ((p === 'now' || p === 'costs') && size.name === 'kiosk') {
              // the kiosk's main page (and its costs): everything on the screen, no scrolling
              const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollHeight, inner: window.innerHeight }));
              expect(scroll, `the kiosk's ${p} page needs no scrolling`).toBeLessThanOrEqual(inner);
            }
            if (p === 'now' || lang === 'en') await page.screenshot({ path: join(OUTPUT, `layout-${size.width}x${size.height}-${lang}-${p}.png`), fullPage: size.name === 'phone' });
          }
          expect(await smallTargets(page), 'touch targets under 44 px').toEqual([]);
        }
        // the rates editor too, with Save in sight
        await page.getByTestId('edit-rates').click();
        await page.getByTestId('rate-Electricity.+.Day').waitFor();
        await check('rates editor');
        if (size.name !== 'desktop') expect(await smallTargets(page), 'touch targets under 44 px in the editor').toEqual([]);
        const save = await page.getByTestId('editor-save').boundingBox();
        expect(save!.y + save!.height, 'Save is on the screen without scrolling').toBeLessThanOrEqual(size.height);
        if (lang === 'en' || size.name !== 'desktop') await page.screenshot({ path: join(OUTPUT, `layout-${size.width}x${size.height}-${lang}-rates-editor.png`) });
        await page.keyboard.press('Escape');
        await expect.poll(() => page.getByTestId('rates-editor').count()).toBe(0);
        // and the dark theme
        await page.getByTestId('theme').selectOption('dark');
        await check('dark theme');
        await page.context().close();
        expect(problems).toEqual([]);
      });
    }
  }

  test('the active tab reads well in the dark theme (contrast at least 4.5:1)', async () => {
    const page = await open(800, 480, 'en-GB');
    await page.getByTestId('theme').selectOption('dark');
    const colors = await page.locator('.tabs button.current').evaluate((el) => ({ fg: getComputedStyle(el).color, bg: getComputedStyle(el).backgroundColor }));
    const luminance = (css: string) => {
      const [r, g, b] = css.match(/\d+/g)!.slice(0, 3).map((v) => Number(v) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const [hi, lo] = [luminance(colors.fg), luminance(colors.bg)].sort((a, b) => b - a);
    expect((hi! + 0.05) / (lo! + 0.05)).toBeGreaterThanOrEqual(4.5);
    await page.context().close();
  });

  test('no console errors on any page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
