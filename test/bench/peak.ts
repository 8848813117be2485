/**
 * The quarter tracker + month peaks per telegram (PeakMonitor.update): a synthetic day of one
 * telegram a second (86,400), with 1.4.0, 1.6.0 and a 13-month 98.1.0 on every telegram as an
 * e-MUCS 1.7 meter sends them. Telegram objects are built before timing; each update is timed
 * on its own (hrtime), so the figures include ~0.1 us of timer overhead. The single slowest call
 * is not printed: it is a garbage collection or the shared machine, at a different telegram each run.
 */
import type { ClosedMonthPeak, Telegram } from '../../shared/p1/telegram.js';
import { PeakMonitor } from '../../main/peak/peak-monitor.js';
import { median, nowMs, percentile } from './stats.js';

function day(): Telegram[] {
  const start = Date.parse('2024-01-15T00:00:00Z');
  const history: ClosedMonthPeak[] = [];
  for (let m = 0; m < 13; m++) {
    const closes = Date.UTC(2022, 12 + m, 1) - 3_600_000;
    history.push({ month: closes, time: closes - 5 * 86_400_000, kw: 2 + (m % 5) * 0.5 });
  }
  const out: Telegram[] = [];
  let wh = 1_000_000;
  let quarterWh = 0;
  for (let s = 0; s < 86_400; s++) {
    const time = start + s * 1000;
    if (time % 900_000 === 0) quarterWh = 0;
    const kw = 0.3 + 2.5 * Math.max(0, Math.sin(s / 700)) + (s % 600 < 10 ? 2 : 0);
    out.push({
      header: 'FLU5\\253769484_A', version: '50217', equipmentId: 'x', time, tariff: 1,
      importKwh: { t1: Math.round(wh) / 1000, t2: 123.456 }, exportKwh: { t1: 0, t2: 0 },
      powerKw: { import: Math.round(kw * 1000) / 1000, export: 0 }, phases: [],
      quarterAverageKw: Math.round(quarterWh * 4) / 1000,
      monthPeak: { time: Date.parse('2024-01-03T18:00:00Z'), kw: 3.1 },
      peakHistory: history, mbus: [], breaker: 1, limiterKw: null, fuseA: null, message: null, other: [], warnings: [],
    });
    wh += (kw * 1000) / 3600;
    quarterWh += (kw * 1000) / 3600;
  }
  return out;
}

export async function bench(): Promise<void> {
  const telegrams = day();
  const perCallUs: number[] = [];
  let totalMs = 0;
  for (let run = 0; run < 3; run++) {
    const peaks = new PeakMonitor({ minimumKw: 2.5, pricePerKwYear: 50 });
    const begin = nowMs();
    for (const t of telegrams) {
      const a = process.hrtime.bigint();
      peaks.update(t);
      const b = process.hrtime.bigint();
      if (run === 2) perCallUs.push(Number(b - a) / 1000);
    }
    peaks.finish();
    totalMs = nowMs() - begin;
  }
  const fmt = (us: number): string => us.toFixed(2);
  console.log(`PeakMonitor.update over ${telegrams.length.toLocaleString('en')} telegrams (a day): median ${fmt(median(perCallUs))} us, p99 ${fmt(percentile(perCallUs, 99))} us, p99.9 ${fmt(percentile(perCallUs, 99.9))} us; ${Math.round(telegrams.length / (totalMs / 1000)).toLocaleString('en')} telegrams/s including timer overhead`);
}
