/**
 * Belgian public holidays (the ten legal ones): the house lives them like Sundays, so the
 * forecasts treat them as Sundays.
 */
import { brusselsParts } from '../../../shared/time/brussels.js';

/** Easter Sunday (Gregorian computus, Meeus/Jones/Butcher), as [month 1-12, day]. */
export function easterSunday(year: number): [number, number] {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return [month, day];
}

const FIXED = ['1-1', '5-1', '7-21', '8-15', '11-1', '11-11', '12-25'];
/** days after Easter Sunday: Easter Monday, Ascension Day, Whit Monday */
const MOVABLE = [1, 39, 50];

const cache = new Map<number, Set<string>>();

function holidaysOf(year: number): Set<string> {
  let set = cache.get(year);
  if (!set) {
    set = new Set(FIXED);
    const [month, day] = easterSunday(year);
    for (const offset of MOVABLE) {
      const date = new Date(Date.UTC(year, month - 1, day + offset));
      set.add(`${date.getUTCMonth() + 1}-${date.getUTCDate()}`);
    }
    cache.set(year, set);
  }
  return set;
}

export function isBelgianHoliday(year: number, month: number, day: number): boolean {
  return holidaysOf(year).has(`${month}-${day}`);
}

/** 1 = Monday … 7 = Sunday, with public holidays counted as Sundays (Brussels civil time). */
export function dayKind(utcMs: number): number {
  const p = brusselsParts(utcMs);
  return isBelgianHoliday(p.year, p.month, p.day) ? 7 : p.isoWeekday;
}
