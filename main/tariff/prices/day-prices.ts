import { brusselsLocalToUtcCandidates, brusselsOffsetMs, brusselsParts } from '../../../shared/time/brussels.js';
import { consumerPriceEurPerKwh, type DynamicContract } from './consumer-price.js';
import type { CachedQuarter } from './price-cache.js';
import { QUARTER_MS, type TimeRange } from './types.js';

/** One quarter of a Brussels day, as the `prices` command prints it. */
export interface DayPriceRow {
  /** quarter start, epoch ms UTC */
  start: number;
  /** Brussels wall-clock time with its offset, e.g. "2025-10-26T02:15+02:00" */
  local: string;
  spotEurPerMwh: number | null;
  resolutionMinutes: 15 | 60 | null;
  /** EUR/kWh incl. VAT; null without a price or without a dynamic contract */
  importEurPerKwh: number | null;
  /** EUR/kWh; null without a price or without an export formula */
  exportEurPerKwh: number | null;
  source: string | null;
}

/** A "YYYY-MM-DD" Brussels date as [local midnight, next local midnight) in UTC, or null when not a date. */
export function brusselsDateRange(date: string): TimeRange | null {
  const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(date);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return null;
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  // midnight is never skipped or repeated in Brussels (the changes happen at 02:00/03:00)
  const start = brusselsLocalToUtcCandidates(year, month, day)[0]!;
  const end = brusselsLocalToUtcCandidates(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate())[0]!;
  return { start, end };
}

export function localLabel(ms: number): string {
  const p = brusselsParts(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}+${two(brusselsOffsetMs(ms) / 3_600_000)}:00`;
}

/** Every quarter of the day (92, 96 or 100), priced where the cache knows the spot price. */
export function dayPrices(day: TimeRange, cached: readonly CachedQuarter[], contract: DynamicContract | null): DayPriceRow[] {
  const byStart = new Map(cached.map((q) => [q.start, q]));
  const rows: DayPriceRow[] = [];
  for (let start = day.start; start < day.end; start += QUARTER_MS) {
    const q = byStart.get(start);
    const spot = q?.eurPerMwh ?? null;
    rows.push({
      start,
      local: localLabel(start),
      spotEurPerMwh: spot,
      resolutionMinutes: q?.resolutionMinutes ?? null,
      importEurPerKwh: spot !== null && contract ? consumerPriceEurPerKwh(contract, 'import', spot) : null,
      exportEurPerKwh: spot !== null && contract ? consumerPriceEurPerKwh(contract, 'export', spot) : null,
      source: q?.source ?? null,
    });
  }
  return rows;
}
