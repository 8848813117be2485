/**
 * Numbers, money and times in the reader's language: the locale's separators, the unit always
 * shown after a narrow no-break space, times in Europe/Brussels (the meter's clock).
 */
import type { Locale } from './messages.js';

const INTL: Record<Locale, string> = { en: 'en-GB', nl: 'nl-BE', fr: 'fr-BE' };
const UNIT_SPACE = '\u202f';
const cache = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: Locale, digits: number): Intl.NumberFormat {
  const key = `${locale}:${digits}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(INTL[locale], { minimumFractionDigits: digits, maximumFractionDigits: digits });
    cache.set(key, f);
  }
  return f;
}

/** "1.234,57 kWh" (nl), "1,234.57 kWh" (en); a dash for an unknown value, unit still shown. */
export function formatNumber(locale: Locale, value: number | null | undefined, digits: number, unit: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return `–${UNIT_SPACE}${unit}`;
  // -0.00 reads as a loss of something: show 0
  const shown = Math.abs(value) < 0.5 * 10 ** -digits ? 0 : value;
  return `${numberFormat(locale, digits).format(shown)}${UNIT_SPACE}${unit}`;
}

export const kw = (locale: Locale, v: number | null | undefined, digits = 2) => formatNumber(locale, v, digits, 'kW');
export const kwh = (locale: Locale, v: number | null | undefined, digits = 2) => formatNumber(locale, v, digits, 'kWh');
export const eur = (locale: Locale, v: number | null | undefined, digits = 2) => formatNumber(locale, v, digits, '€');
export const m3 = (locale: Locale, v: number | null | undefined, digits = 3) => formatNumber(locale, v, digits, 'm³');

const timeFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(locale: Locale, kind: 'datetime' | 'time' | 'hm' | 'day' | 'month'): Intl.DateTimeFormat {
  const key = `${locale}:${kind}`;
  let f = timeFormats.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions = { timeZone: 'Europe/Brussels' };
    if (kind === 'datetime') Object.assign(options, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    if (kind === 'time') Object.assign(options, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    if (kind === 'hm') Object.assign(options, { hour: '2-digit', minute: '2-digit' });
    if (kind === 'day') Object.assign(options, { day: 'numeric', month: 'short' });
    // "Nov 2026": with a two-digit year "Nov 26" reads as a date
    if (kind === 'month') Object.assign(options, { month: 'short', year: 'numeric' });
    f = new Intl.DateTimeFormat(INTL[locale], options);
    timeFormats.set(key, f);
  }
  return f;
}

export function formatTime(locale: Locale, time: number | null | undefined, kind: 'datetime' | 'time' | 'hm' | 'day' | 'month' = 'datetime'): string {
  return time === null || time === undefined ? '–' : dateFormat(locale, kind).format(time);
}

/** An age as the largest sensible unit: 12 s, 3 min, 2 h. */
export function ageParts(ageS: number): { unit: 'seconds' | 'minutes' | 'hours'; n: number } {
  if (ageS < 120) return { unit: 'seconds', n: Math.round(ageS) };
  if (ageS < 7200) return { unit: 'minutes', n: Math.round(ageS / 60) };
  return { unit: 'hours', n: Math.round(ageS / 3600) };
}
