import {
  brusselsLocalToUtc, startOfBrusselsDay, startOfBrusselsMonth, startOfBrusselsWeek, startOfBrusselsYear,
  startOfNextBrusselsDay, startOfNextBrusselsMonth,
} from '../../shared/time/brussels.js';
import { sumDays, type DaySummary, type UsageTotals } from './day-summary.js';

/** The seed's columns (today and the three days before) plus ISO week, month and year. */
export type PeriodName = 'today' | 'yesterday' | 'day-2' | 'day-3' | 'week' | 'month' | 'year';

export const PERIODS: readonly PeriodName[] = ['today', 'yesterday', 'day-2', 'day-3', 'week', 'month', 'year'];

export interface PeriodRange {
  /** epoch ms, inclusive */
  start: number;
  /** epoch ms, exclusive */
  end: number;
}

/** Go back `n` Brussels days from the day containing `time` (23- and 25-hour days included). */
function startOfDayBefore(time: number, n: number): number {
  let start = startOfBrusselsDay(time);
  for (let i = 0; i < n; i++) start = startOfBrusselsDay(start - 1);
  return start;
}

export function periodRange(name: PeriodName, now: number): PeriodRange {
  switch (name) {
    case 'today': return { start: startOfBrusselsDay(now), end: startOfNextBrusselsDay(now) };
    case 'yesterday':
    case 'day-2':
    case 'day-3': {
      const start = startOfDayBefore(now, name === 'yesterday' ? 1 : name === 'day-2' ? 2 : 3);
      return { start, end: startOfNextBrusselsDay(start) };
    }
    case 'week': {
      const start = startOfBrusselsWeek(now);
      let end = start;
      for (let i = 0; i < 7; i++) end = startOfNextBrusselsDay(end);
      return { start, end };
    }
    case 'month': return { start: startOfBrusselsMonth(now), end: startOfNextBrusselsMonth(now) };
    case 'year': {
      const start = startOfBrusselsYear(now);
      return { start, end: startOfBrusselsYear(start + 370 * 86_400_000) };
    }
  }
}

/** A past day by its Brussels date "YYYY-MM-DD". */
export function dayRange(key: string): PeriodRange {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  if (!m) throw new Error(`expected a date as YYYY-MM-DD, got "${key}"`);
  const start = brusselsLocalToUtc(Number(m[1]), Number(m[2]), Number(m[3]));
  return { start, end: startOfNextBrusselsDay(start) };
}

/** Figures for a period: the sum of the day summaries that start inside it. */
export function usageIn(days: Iterable<DaySummary>, range: PeriodRange, gasKwhPerM3: number | null): UsageTotals {
  const inside: DaySummary[] = [];
  for (const d of days) if (d.start >= range.start && d.start < range.end) inside.push(d);
  return sumDays(inside, gasKwhPerM3);
}
