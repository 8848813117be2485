/**
 * The dashboard in headless Chromium against `serve`'s demo: first render, main-thread time per
 * telegram, and the page's memory over time. Figures come from the browser itself (Navigation
 * Timing, and the DevTools protocol's Performance metrics: TaskDuration is all main-thread work,
 * ScriptDuration the JavaScript part), telegrams are counted by a websocket client beside it.
 *
 *   npm run bench -- dashboard                          # 2 minutes of memory samples
 *   DM_BENCH_MINUTES=10 npm run bench -- dashboard      # the 10-minute run the issue asks for
 */
import type { CDPSession, Page } from 'playwright-core';
import WebSocket from 'ws';
import { chromiumPath, launchChromium } from '../support/chromium.js';
import { removeHome, startServe } from '../support/serve-process.js';
import { median } from './stats.js';

const SPEED = 10;

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m: { name: string; value: number }) => [m.name, m.value]));
}

/** Telegrams seen on the bus (meter.time changes) while the page watches. */
function countTelegrams(origin: string, token: string): { count: () => number; close: () => void } {
  let n = 0;
  const ws = new WebSocket(`${origin.replace('http', 'ws')}/ws`);
  ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', protocol: 2, role: 'viewer', token, name: 'bench' })));
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString()) as { type: string; set?: Record<string, unknown> };
    if (m.type === 'delta' && m.set && ('meter.time' in m.set || 'meter' in m.set)) n++;
  });
  return { count: () => n, close: () => ws.close() };
}

async function firstRender(page: Page, url: string): Promise<{ ready: number; fcp: number | null }> {
  await page.goto(url);
  await page.getByTestId('meter-time').filter({ hasText: /\d\d:\d\d:\d\d/ }).waitFor();
  return page.evaluate(() => ({
    ready: performance.now(),
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
  }));
}

/** Main-thread work per telegram over `seconds` on a page already showing the dashboard. */
async function perTelegram(page: Page, cdp: CDPSession, origin: string, token: string, seconds: number): Promise<{ telegrams: number; task: number; script: number; layout: number }> {
  const counter = countTelegrams(origin, token);
  await page.waitForTimeout(1500);
  const before = await metrics(cdp);
  const n0 = counter.count();
  await page.waitForTimeout(seconds * 1000);
  const after = await metrics(cdp);
  const telegrams = counter.count() - n0;
  counter.close();
  const per = (key: string) => ((after[key]! - before[key]!) * 1000) / telegrams;
  return { telegrams, task: per('TaskDuration'), script: per('ScriptDuration'), layout: per('LayoutDuration') + per('RecalcStyleDuration') };
}

export async function bench(): Promise<void> {
  const executable = chromiumPath();
  if (!executable) {
    console.log('skipped: no chromium on PATH (apt-get install chromium)');
    return;
  }
  const minutes = Number(process.env.DM_BENCH_MINUTES ?? 2);
  const browser = await launchChromium(executable);
  // real time first (a telegram a second, as on a real meter); the same home then at 10x
  let serve = await startServe(['--port', '0', '--speed', '1'], { timeoutMs: 120_000 });
  const home = serve.home;
  try {
    const loads: Array<{ ready: number; fcp: number | null }> = [];
    for (let i = 0; i < 5; i++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      loads.push(await firstRender(page, serve.url));
      await page.close();
    }
    console.log(`first render (navigation to the first telegram's numbers on screen), 1280x800, 5 fresh pages: median ${median(loads.map((l) => l.ready)).toFixed(0)} ms, max ${Math.max(...loads.map((l) => l.ready)).toFixed(0)} ms; first contentful paint median ${median(loads.map((l) => l.fcp ?? NaN)).toFixed(0)} ms`);

    let page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await firstRender(page, serve.url);
    let cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const real = await perTelegram(page, cdp, serve.origin, serve.token, 20);
    console.log(`main thread per telegram at 1x (${real.telegrams} telegrams, every panel and chart on one 1280x800 page): ${real.task.toFixed(2)} ms all work, of which ${real.script.toFixed(2)} ms script and ${real.layout.toFixed(2)} ms style+layout`);
    await page.close();
    // the Pi's 7" display: the kiosk's first page (quarter box and live power)
    page = await browser.newPage({ viewport: { width: 800, height: 480 } });
    await firstRender(page, serve.url);
    cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const kiosk = await perTelegram(page, cdp, serve.origin, serve.token, 20);
    console.log(`main thread per telegram at 1x, kiosk 800x480 "Now" page (${kiosk.telegrams} telegrams): ${kiosk.task.toFixed(2)} ms all work, of which ${kiosk.script.toFixed(2)} ms script and ${kiosk.layout.toFixed(2)} ms style+layout`);
    await page.close();
    await serve.stop();

    serve = await startServe(['--port', '0', '--speed', String(SPEED)], { home, timeoutMs: 120_000 });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await firstRender(page, serve.url);
    cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const fast = await perTelegram(page, cdp, serve.origin, serve.token, 20);
    console.log(`main thread per telegram at ${SPEED}x (${fast.telegrams} telegrams; slow charts redraw at most every 1 s / 5 s): ${fast.task.toFixed(2)} ms all work, of which ${fast.script.toFixed(2)} ms script and ${fast.layout.toFixed(2)} ms style+layout`);

    // memory: the JS heap after a garbage collection, every 15 s
    const samples: Array<{ at: number; mb: number; nodes: number }> = [];
    const start = Date.now();
    while (Date.now() - start < minutes * 60_000) {
      await cdp.send('HeapProfiler.collectGarbage');
      const m = await metrics(cdp);
      samples.push({ at: (Date.now() - start) / 1000, mb: m.JSHeapUsedSize! / 1e6, nodes: m.Nodes! });
      await page.waitForTimeout(15_000);
    }
    const first = samples[0]!;
    const last = samples.at(-1)!;
    console.log(`renderer memory over ${minutes} min at ${SPEED}x (JS heap after GC / DOM nodes): ${samples.map((x) => `${x.at.toFixed(0)}s ${x.mb.toFixed(1)} MB/${x.nodes}`).join(', ')}`);
    console.log(`  first ${first.mb.toFixed(1)} MB, last ${last.mb.toFixed(1)} MB (${last.mb - first.mb >= 0 ? '+' : ''}${(last.mb - first.mb).toFixed(1)} MB), DOM nodes ${first.nodes} -> ${last.nodes}`);
  } finally {
    await browser.close();
    await serve.stop();
    removeHome(home);
  }
}
