/**
 * The README's backtest plot: one chart of a report written by `digital-meter backtest --html
 * FILE` (the canvas id: daily, cumulative or peaks; default cumulative), drawn by Debian's
 * Chromium and saved as a PNG. `npm run backtest:plot -- report.html docs/plot.png [cumulative]`
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromiumPath, launchChromium } from './chromium.js';

async function main(): Promise<void> {
  const [html, png, chart = 'cumulative'] = process.argv.slice(2);
  if (!html || !png || !/^(daily|cumulative|peaks)$/.test(chart)) throw new Error('usage: backtest:plot -- REPORT.html OUT.png [daily|cumulative|peaks]');
  const path = chromiumPath();
  if (!path) throw new Error('no chromium on the PATH (apt-get install chromium)');
  const browser = await launchChromium(path);
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    await page.goto(pathToFileURL(resolve(html)).href);
    // the charts are drawn without animation, once the page's script has run
    await page.waitForLoadState('load');
    await page.locator(`canvas#${chart}`).screenshot({ path: resolve(png) });
  } finally {
    await browser.close();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
