/**
 * The days of a backtest in Brussels civil time: each day's start (UTC ms), its length (23, 24
 * or 25 hours), and facts the generators need (weekday, day of the year, Belgian register).
 */
import { brusselsLocalToUtc, brusselsParts, startOfBrusselsDay, startOfNextBrusselsDay } from '../../shared/time/brussels.js';
import { isBelgianHoliday } from '../site/forecast/holidays.js';

export interface SimDay {
  index: number;
  start: number;
  end: number;
  /** YYYY-MM-DD */
  key: string;
  isoWeekday: number;
  /** 1..366 */
  dayOfYear: number;
  holiday: boolean;
}

export function simDays(startKey: string, days: number): SimDay[] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(startKey);
  if (!m) throw new Error(`expected a date as YYYY-MM-DD, got "${startKey}"`);
  let start = brusselsLocalToUtc(Number(m[1]), Number(m[2]), Number(m[3]));
  const out: SimDay[] = [];
  for (let i = 0; i < days; i++) {
    out.push(dayAt(start, i));
    start = startOfNextBrusselsDay(start);
  }
  return out;
}

export function dayAt(time: number, index: number): SimDay {
  const start = startOfBrusselsDay(time);
  const p = brusselsParts(start);
  const jan1 = Date.UTC(p.year, 0, 1);
  return {
    index, start, end: startOfNextBrusselsDay(start),
    key: `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`,
    isoWeekday: p.isoWeekday,
    dayOfYear: Math.round((Date.UTC(p.year, p.month - 1, p.day) - jan1) / 86_400_000) + 1,
    holiday: isBelgianHoliday(p.year, p.month, p.day),
  };
}

/** Local time "HH:MM" on a day, as UTC ms. */
export function localTime(day: SimDay, hhmm: string): number {
  const p = brusselsParts(day.start);
  return brusselsLocalToUtc(p.year, p.month, p.day, Number(hhmm.slice(0, 2)), Number(hhmm.slice(3, 5)));
}

/**
 * The Belgian meter's register: 2 (night/low) on weekdays 22:00-07:00, all weekend and on
 * public holidays; 1 (day/normal) otherwise.
 */
export function registerAt(day: SimDay, secondOfDay: number): 1 | 2 {
  if (day.isoWeekday >= 6 || day.holiday) return 2;
  // local hours from the day's start (a DST day's hours after 02:00 shift by one; close enough for a register)
  const hour = secondOfDay / 3600;
  return hour < 7 || hour >= 22 ? 2 : 1;
}
