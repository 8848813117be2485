/**
 * Europe/Brussels civil time without Intl: the EU rule (summer time from the last Sunday of
 * March 01:00 UTC to the last Sunday of October 01:00 UTC) is fixed by directive 2000/84/EC,
 * and doing it by arithmetic keeps the per-telegram path fast and the results testable.
 * Store epoch ms UTC everywhere; use this only for period boundaries and display.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Epoch ms of the last Sunday of a month (0-based) at 01:00 UTC. */
function lastSundayAt0100Utc(year: number, month: number): number {
  const lastDay = Date.UTC(year, month + 1, 0);
  const weekday = new Date(lastDay).getUTCDay();
  return lastDay - weekday * DAY + HOUR;
}

const transitionCache = new Map<number, readonly [number, number]>();

/** [start, end) of summer time in a year, epoch ms UTC. */
export function summerTimeSpan(year: number): readonly [number, number] {
  let span = transitionCache.get(year);
  if (!span) {
    span = [lastSundayAt0100Utc(year, 2), lastSundayAt0100Utc(year, 9)] as const;
    transitionCache.set(year, span);
  }
  return span;
}

export function isSummerTime(utcMs: number): boolean {
  const [start, end] = summerTimeSpan(new Date(utcMs).getUTCFullYear());
  return utcMs >= start && utcMs < end;
}

/** Offset of Brussels civil time from UTC at an instant, in ms (3,600,000 or 7,200,000). */
export function brusselsOffsetMs(utcMs: number): number {
  return isSummerTime(utcMs) ? 2 * HOUR : HOUR;
}

export interface LocalParts {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 1 = Monday … 7 = Sunday (ISO) */
  isoWeekday: number;
}

export function brusselsParts(utcMs: number): LocalParts {
  const local = new Date(utcMs + brusselsOffsetMs(utcMs));
  const weekday = local.getUTCDay();
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    isoWeekday: weekday === 0 ? 7 : weekday,
  };
}

/**
 * The UTC instants a Brussels wall-clock time denotes: one normally, two in the repeated
 * autumn hour (summer occurrence first), none in the skipped spring hour.
 */
export function brusselsLocalToUtcCandidates(
  year: number, month: number, day: number, hour = 0, minute = 0, second = 0,
): number[] {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const result: number[] = [];
  for (const offset of [2 * HOUR, HOUR]) {
    const candidate = wall - offset;
    if (brusselsOffsetMs(candidate) === offset) result.push(candidate);
  }
  return result;
}

/**
 * A Brussels wall-clock time as one instant: the first occurrence in the repeated hour, and a
 * time in the skipped spring hour read with the winter offset (it is then already summer time,
 * so 02:30 becomes 03:30 summer time, as clocks do).
 */
export function brusselsLocalToUtc(
  year: number, month: number, day: number, hour = 0, minute = 0, second = 0,
): number {
  const candidates = brusselsLocalToUtcCandidates(year, month, day, hour, minute, second);
  return candidates[0] ?? Date.UTC(year, month - 1, day, hour, minute, second) - HOUR;
}

/** Local midnight that starts the day containing utcMs. */
export function startOfBrusselsDay(utcMs: number): number {
  const p = brusselsParts(utcMs);
  return brusselsLocalToUtc(p.year, p.month, p.day);
}

/** Local midnight that starts the day after the one containing utcMs (23, 24 or 25 h later). */
export function startOfNextBrusselsDay(utcMs: number): number {
  const p = brusselsParts(utcMs);
  const next = new Date(Date.UTC(p.year, p.month - 1, p.day + 1));
  return brusselsLocalToUtc(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
}

/** Monday 00:00 local of the ISO week containing utcMs. */
export function startOfBrusselsWeek(utcMs: number): number {
  const p = brusselsParts(utcMs);
  const monday = new Date(Date.UTC(p.year, p.month - 1, p.day - (p.isoWeekday - 1)));
  return brusselsLocalToUtc(monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate());
}

export function startOfBrusselsMonth(utcMs: number): number {
  const p = brusselsParts(utcMs);
  return brusselsLocalToUtc(p.year, p.month, 1);
}

export function startOfNextBrusselsMonth(utcMs: number): number {
  const p = brusselsParts(utcMs);
  return p.month === 12 ? brusselsLocalToUtc(p.year + 1, 1, 1) : brusselsLocalToUtc(p.year, p.month + 1, 1);
}

export function startOfBrusselsYear(utcMs: number): number {
  return brusselsLocalToUtc(brusselsParts(utcMs).year, 1, 1);
}

/** "YYYY-MM-DD" of the Brussels day containing utcMs. */
export function brusselsDateKey(utcMs: number): string {
  const p = brusselsParts(utcMs);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** Start of the clock quarter hour (:00/:15/:30/:45) containing utcMs. Brussels offsets are whole hours. */
export function startOfQuarter(utcMs: number): number {
  return utcMs - (((utcMs % 900_000) + 900_000) % 900_000);
}
