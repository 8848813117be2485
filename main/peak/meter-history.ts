/**
 * The meter's closed months (0-0:98.1.0) as Brussels calendar months. Its order is not fixed (real
 * meters send oldest first, the specification's example newest first), it can hold placeholders
 * (no time, value 0) and gaps: sort, skip placeholders, never infer a month from a position.
 */
import type { ClosedMonthPeak } from '../../shared/p1/telegram.js';
import { startOfBrusselsMonth } from '../../shared/time/brussels.js';

const DAY_MS = 86_400_000;

export interface MeterClosedMonth {
  /** local midnight of the 1st of the month the peak belongs to */
  monthStart: number;
  peakKw: number;
  /** when the peak was set (one end of its quarter) */
  peakTime: number;
}

export interface MeterHistory {
  /** oldest first, one per month */
  months: MeterClosedMonth[];
  /** entries left out because they carry no data */
  placeholders: number;
}

/**
 * The first timestamp of an entry is the moment the month closed, i.e. the start of the next month
 * (`230201000000W` is January 2023): a day earlier lies inside the month it describes, even if the
 * meter wrote the closing moment a little after midnight.
 */
export function monthOfClosing(closedAt: number): number {
  return startOfBrusselsMonth(closedAt - DAY_MS);
}

export function readMeterHistory(entries: readonly ClosedMonthPeak[]): MeterHistory {
  const byMonth = new Map<number, MeterClosedMonth>();
  let placeholders = 0;
  for (const entry of entries) {
    if (entry.month === null || entry.time === null) {
      placeholders += 1;
      continue;
    }
    const monthStart = monthOfClosing(entry.month);
    const seen = byMonth.get(monthStart);
    // The same month twice should not happen; if it does, the higher figure is the safe one.
    if (!seen || entry.kw > seen.peakKw) byMonth.set(monthStart, { monthStart, peakKw: entry.kw, peakTime: entry.time });
  }
  const months = [...byMonth.values()].sort((a, b) => a.monthStart - b.monthStart);
  return { months, placeholders };
}
