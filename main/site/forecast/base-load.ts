/**
 * The net base load forecast per quarter (site-control.md "Planning"): the house without the
 * flexible devices, solar included, as the site stored it per quarter. A future quarter gets the
 * average of the same weekday and the same clock time over recent weeks; public holidays count
 * as Sundays, both in the past and in the future. With no such quarter in the history, the
 * average of the same clock time on any day; with none at all, 0. Where the sun is up, the
 * recent days' sky then moves it (recent-sky.ts): the last day's anomaly against the average of
 * the same clock time on any day; and from the quarters the sun has been up today, today's sky
 * moves the rest of the day's (recent-sky.ts, the nowcast).
 */
import { brusselsParts } from '../../../shared/time/brussels.js';
import type { BaseQuarter } from '../base-energy.js';
import { ClockHighs } from './base-high.js';
import { dayKind } from './holidays.js';
import { recentAnomaly, TODAY_QUARTERS, todaySkyIndex, withRecentSky, withTodaySky, type PastQuarter } from './recent-sky.js';

const QUARTER_MS = 15 * 60_000;
const WEEK_MS = 7 * 86_400_000;
const DAY_MS = 86_400_000;

export interface BaseLoadForecast {
  /** per quarter: net base load energy, import positive, export (solar) negative (kWh) */
  kwh: number[];
  /** per quarter: how many past quarters the value is the average of (0: nothing known) */
  samples: number[];
  /** per quarter: the most the house drew at that clock time (a quarter either side) on any day of the weeks used, kWh (base-high.ts) */
  highKwh: number[];
}

function clockKey(utcMs: number): number {
  const p = brusselsParts(utcMs);
  return p.hour * 4 + Math.floor(p.minute / 15);
}

/**
 * @param history the stored base-load quarters (any order); only those in the `weeks` weeks
 *   before `start` are used
 * @param recentSky whether the last day's sky moves the daylight quarters (the weekday rule alone without it)
 */
export function forecastBaseLoad(history: readonly BaseQuarter[], start: number, quarters: number, weeks = 4, recentSky = true): BaseLoadForecast {
  const from = start - weeks * WEEK_MS;
  const sameDay = new Map<number, { sum: number; count: number }>();
  const anyDay = new Map<number, { sum: number; count: number }>();
  const add = (map: Map<number, { sum: number; count: number }>, key: number, kwh: number): void => {
    const cell = map.get(key);
    if (cell) {
      cell.sum += kwh;
      cell.count += 1;
    } else map.set(key, { sum: kwh, count: 1 });
  };
  // the most recent quarter at each clock, from the last 24 h
  const latest = new Map<number, { start: number; kwh: number }>();
  const highs = new ClockHighs(24 * 4);
  for (const q of history) {
    if (q.start < from || q.start >= start) continue;
    const clock = clockKey(q.start);
    const net = q.importKwh - q.exportKwh;
    add(sameDay, dayKind(q.start) * 100 + clock, net);
    add(anyDay, clock, net);
    highs.add(clock, net);
    const seen = latest.get(clock);
    if (q.start >= start - DAY_MS && (!seen || seen.start < q.start)) latest.set(clock, { start: q.start, kwh: net });
  }
  const kwh: number[] = [];
  const samples: number[] = [];
  const clocks: number[] = [];
  for (let i = 0; i < quarters; i++) {
    const t = start + i * QUARTER_MS;
    const clock = clockKey(t);
    const cell = sameDay.get(dayKind(t) * 100 + clock) ?? anyDay.get(clock);
    kwh.push(cell ? cell.sum / cell.count : 0);
    samples.push(cell ? cell.count : 0);
    clocks.push(clock);
  }
  if (!recentSky) return { kwh, samples, highKwh: highs.forQuarters(clocks, kwh) };
  const mean = new Map<number, number>();
  for (const [clock, cell] of anyDay) mean.set(clock, cell.sum / cell.count);
  const last = new Map<number, number>();
  for (const [clock, q] of latest) last.set(clock, q.kwh);
  const past: PastQuarter[] = [];
  for (const q of history) {
    if (q.start < start - TODAY_QUARTERS * QUARTER_MS || q.start >= start) continue;
    const m = mean.get(clockKey(q.start));
    if (m !== undefined) past.push({ start: q.start, anomalyKwh: q.importKwh - q.exportKwh - m });
  }
  const recent = withRecentSky(kwh, clocks, start, recentAnomaly(last, mean));
  const forecast = withTodaySky(kwh, recent, start, todaySkyIndex(past, start));
  return { kwh: forecast, samples, highKwh: highs.forQuarters(clocks, forecast) };
}
