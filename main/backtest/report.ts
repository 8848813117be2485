/**
 * The backtest's outputs: the table per strategy, the JSON of issue 21 and a self-contained HTML
 * report with Chart.js (inlined from the chart.js package) plotting the daily cost per strategy
 * (and its running sum),
 * the month peaks and a sample day's power flows per strategy.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { STRATEGIES, type StrategyName, type StrategyReport } from './run-strategy.js';

const r2 = (x: number) => Math.round(x * 100) / 100;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

export function toJson(days: number, reports: ReadonlyMap<StrategyName, StrategyReport>): string {
  const strategies: Record<string, unknown> = {};
  for (const name of STRATEGIES) {
    const r = reports.get(name);
    if (!r) continue;
    strategies[name] = {
      totalEur: r2(r.energyEur + r.capacityEur), energyEur: r2(r.energyEur), capacityEur: r2(r.capacityEur),
      monthPeaksKw: r.monthPeaksKw.map(r3), tripsMissed: r.tripsMissed, kwhShort: r2(r.kwhShort), exportKwh: r2(r.exportKwh),
    };
  }
  return `${JSON.stringify({ days, strategies })}\n`;
}

export function selfConsumptionPct(r: StrategyReport): number {
  return r.solarKwh > 0 ? Math.max(0, 100 * (1 - r.exportKwh / r.solarKwh)) : 0;
}

export function toTable(reports: ReadonlyMap<StrategyName, StrategyReport>): string {
  const head = ['strategy', 'energy EUR', 'capacity EUR', 'total EUR', 'month peaks kW', 'export kWh', 'self-use %', 'trips missed', 'kWh short'];
  const rows = STRATEGIES.filter((n) => reports.has(n)).map((n) => {
    const r = reports.get(n)!;
    return [n, r.energyEur.toFixed(2), r.capacityEur.toFixed(2), (r.energyEur + r.capacityEur).toFixed(2), r.monthPeaksKw.map((p) => p.toFixed(2)).join(' '),
      r.exportKwh.toFixed(1), selfConsumptionPct(r).toFixed(1), String(r.tripsMissed), r.kwhShort.toFixed(1)];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}

function chartJs(): string {
  // the package's exports map hides dist/; its entry point sits in dist/ beside the UMD build
  const require = createRequire(import.meta.url);
  const entry = require.resolve('chart.js');
  return readFileSync(new URL('chart.umd.min.js', pathToFileURL(entry)), 'utf8');
}

const COLORS: Record<StrategyName, string> = { plugAndCharge: '#d62728', instantCap30s: '#ff7f0e', ours: '#2ca02c', optimum: '#1f77b4' };

export function toHtml(title: string, dayKeys: readonly string[], reports: ReadonlyMap<StrategyName, StrategyReport>): string {
  const present = STRATEGIES.filter((n) => reports.has(n));
  const daily = present.map((n) => ({ label: n, data: reports.get(n)!.dailyEur.map(r2), borderColor: COLORS[n], fill: false }));
  const peaks = present.map((n) => ({ label: n, data: reports.get(n)!.monthPeaksKw.map(r3), backgroundColor: COLORS[n] }));
  const months = (reports.get('ours') ?? reports.values().next().value!).monthPeaksKw.map((_, i) => `month ${i + 1}`);
  const samples = present.filter((n) => reports.get(n)!.sample).map((n) => ({ name: n, sample: reports.get(n)!.sample! }));
  const times = Array.from({ length: 288 }, (_, i) => `${String(Math.floor(i / 12)).padStart(2, '0')}:${String((i % 12) * 5).padStart(2, '0')}`);
  const data = { dayKeys, daily, peaks, months, samples, times };
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}canvas{margin-bottom:2em}pre{background:#f4f4f4;padding:1em}</style>
</head><body>
<h1>${esc(title)}</h1>
<h2>Energy cost per day (EUR)</h2><canvas id="daily"></canvas>
<h2>Energy cost so far (EUR)</h2><canvas id="cumulative"></canvas>
<h2>Month peaks (kW)</h2><canvas id="peaks"></canvas>
<div id="flows"></div>
<script>${chartJs().replace(/<\/script/gi, '<\\/script')}</script>
<script>
const D = ${JSON.stringify(data).replace(/</g, '\\u003c')};
new Chart(document.getElementById('daily'), { type: 'line', data: { labels: D.dayKeys, datasets: D.daily }, options: { animation: false, elements: { point: { radius: 0 } } } });
const sums = D.daily.map((d) => { let t = 0; return { ...d, data: d.data.map((v) => Math.round((t += v) * 100) / 100) }; });
new Chart(document.getElementById('cumulative'), { type: 'line', data: { labels: D.dayKeys, datasets: sums }, options: { animation: false, elements: { point: { radius: 0 } } } });
new Chart(document.getElementById('peaks'), { type: 'bar', data: { labels: D.months, datasets: D.peaks }, options: { animation: false } });
for (const s of D.samples) {
  const h = document.createElement('h2'); h.textContent = s.name + ': power flows on ' + s.sample.day + ' (kW, five-minute averages)';
  const c = document.createElement('canvas');
  document.getElementById('flows').append(h, c);
  new Chart(c, { type: 'line', data: { labels: D.times, datasets: [
    { label: 'grid (+ import)', data: s.sample.gridKw, borderColor: '#000' },
    { label: 'house', data: s.sample.houseKw, borderColor: '#9467bd' },
    { label: 'solar', data: s.sample.solarKw, borderColor: '#bcbd22' },
    { label: 'cars', data: s.sample.carsKw, borderColor: '#2ca02c' },
    { label: 'battery (+ charge)', data: s.sample.batteryKw, borderColor: '#17becf' },
  ] }, options: { animation: false, elements: { point: { radius: 0 } } } });
}
</script></body></html>
`;
}
