import { brusselsLocalToUtcCandidates, brusselsLocalToUtc } from '../../shared/time/brussels.js';

/** Why the value is not a time: the caller turns it into a warning and a null field. */
export const INVALID_TIME = Number.NaN;

const HOUR = 3_600_000;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (the well-known days-from-civil
 * arithmetic): the same as Date.UTC / 86,400,000, without a call into the runtime, which costs
 * more than the rest of reading the stamp.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function twoDigits(text: string, at: number): number {
  const high = text.charCodeAt(at) - 48;
  const low = text.charCodeAt(at + 1) - 48;
  if (high < 0 || high > 9 || low < 0 || low > 9) return -1;
  return high * 10 + low;
}

/**
 * A P1 timestamp `YYMMDDhhmmss` + `S` (summer, UTC+2) or `W` (winter, UTC+1), from text[start, end).
 * Returns epoch ms UTC, null for the "no data" placeholders, NaN when it is not a valid time.
 *
 * Without the S/W flag (the Walloon Iskra dialect) Europe/Brussels rules decide; in the repeated
 * autumn hour the first (summer) occurrence is taken unless the previous telegram is already
 * past it, so a meter counting through that hour twice keeps moving forward.
 */
export function parseP1Time(text: string, start: number, end: number, previousTime: number | null): number | null {
  const length = end - start;
  if (length !== 12 && length !== 13) return INVALID_TIME;
  // "no time" placeholders: 2063-25-25 (e-MUCS), 2000-01-01 00:00:01 and 1970-01-01 01:00
  // (an empty M-Bus channel of a Dutch meter)
  if (text.startsWith('632525252525', start) || text.startsWith('000101000001', start)
    || text.startsWith('700101010000', start)) return null;
  const year = twoDigits(text, start);
  const month = twoDigits(text, start + 2);
  const day = twoDigits(text, start + 4);
  const hour = twoDigits(text, start + 6);
  const minute = twoDigits(text, start + 8);
  const second = twoDigits(text, start + 10);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
    || second < 0 || second > 59) return INVALID_TIME;
  const fullYear = 2000 + year;
  if (day > DAYS_IN_MONTH[month - 1]! || (month === 2 && day === 29 && fullYear % 4 !== 0)) return INVALID_TIME;
  const wall = ((daysFromCivil(fullYear, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000;
  if (length === 13) {
    const flag = text.charCodeAt(end - 1);
    if (flag === 0x53 /* S */) return wall - 2 * HOUR;
    if (flag === 0x57 /* W */) return wall - HOUR;
    return INVALID_TIME;
  }
  const candidates = brusselsLocalToUtcCandidates(fullYear, month, day, hour, minute, second);
  if (candidates.length === 2) {
    return previousTime !== null && previousTime > candidates[0]! ? candidates[1]! : candidates[0]!;
  }
  return candidates[0] ?? brusselsLocalToUtc(fullYear, month, day, hour, minute, second);
}
