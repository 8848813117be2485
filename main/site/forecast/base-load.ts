/**
 * The net base load forecast per quarter (site-control.md "Planning"): the house without the
 * flexible devices, solar included, as the site stored it per quarter. A future quarter gets the
 * average of the same weekday and the same clock time over recent weeks; public holidays count
 * as Sundays, both in the past and in the future. With no such quarter in the history, the
 * average of the same clock time on any day; with none at all, 0.
 */
import { brusselsParts } from '../../../shared/time/brussels.js';
import type { BaseQuarter } from '../base-energy.js';
import { dayKind } from './holidays.js';

const QUARTER_MS = 15 * 60_000;
const WEEK_MS = 7 * 86_400_000;

export interface BaseLoadForecast {
  /** per quarter: net base load energy, import positive, export (solar) negative (kWh) */
  kwh: number[];
  /** per quarter: how many past quarters the value is the average of (0: nothing known) */
  samples: number[];
}

function clockKey(utcMs: number): number {
  const p = brusselsParts(utcMs);
  return p.hour * 4 + Math.floor(p.minute / 15);
}

/**
 * @param history the stored base-load quarters (any order); only those in the `weeks` weeks
 *   before `start` are used
 */
export function forecastBaseLoad(history: readonly BaseQuarter[], start: number, quarters: number, weeks = 4): BaseLoadForecast {
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
  for (const q of history) {
    if (q.start < from || q.start >= start) continue;
    const clock = clockKey(q.start);
    const net = q.importKwh - q.exportKwh;
    add(sameDay, dayKind(q.start) * 100 + clock, net);
    add(anyDay, clock, net);
  }
  const kwh: number[] = [];
  const samples: number[] = [];
  for (let i = 0; i < quarters; i++) {
    const t = start + i * QUARTER_MS;
    const clock = clockKey(t);
    const cell = sameDay.get(dayKind(t) * 100 + clock) ?? anyDay.get(clock);
    kwh.push(cell ? cell.sum / cell.count : 0);
    samples.push(cell ? cell.count : 0);
  }
  return { kwh, samples };
}
