import { mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { brusselsParts } from '../../shared/time/brussels.js';
import type { DaySummary } from '../ledger/day-summary.js';
import { writeFileAtomic } from '../tariff/rates-load.js';
import type { StoredQuarter } from './meter-store.js';

export const DEFAULT_KEEP_DAYS = 366;

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function localTime(time: number): string {
  const p = brusselsParts(time);
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

/** One day as a person would read it: kWh, m3 and EUR, and its quarters. */
export function dayExportJson(day: DaySummary, quarters: StoredQuarter[]): object {
  return {
    day: day.day,
    start: new Date(day.start).toISOString(),
    estimated: day.estimated,
    electricity: {
      importKwh: { t1: round(day.importWh[0] / 1000, 3), t2: round(day.importWh[1] / 1000, 3) },
      exportKwh: { t1: round(day.exportWh[0] / 1000, 3), t2: round(day.exportWh[1] / 1000, 3) },
      importEur: round(day.importEur, 4),
      exportEur: round(day.exportEur, 4),
    },
    gas: { m3: round(day.gasLitres / 1000, 3), eur: round(day.gasEur, 4) },
    water: { m3: round(day.waterLitres / 1000, 3), eur: round(day.waterEur, 4) },
    quarters: quarters.map((q) => ({ start: new Date(q.start).toISOString(), averageKw: round(q.averageKw, 3), complete: q.complete })),
  };
}

/** The day's quarters as CSV for a spreadsheet (local time beside UTC: 92, 96 or 100 rows). */
export function dayExportCsv(quarters: StoredQuarter[]): string {
  const lines = ['start_utc,start_local,average_kw,complete'];
  for (const q of quarters) lines.push(`${new Date(q.start).toISOString()},${localTime(q.start)},${round(q.averageKw, 3)},${q.complete}`);
  return lines.join('\n') + '\n';
}

/**
 * Write <dir>/<day>.json and <day>.csv atomically, then delete exports older than `keepDays`
 * days (by the date in their names), so the folder holds a year by default.
 */
export function exportDay(dir: string, day: DaySummary, quarters: StoredQuarter[], keepDays = DEFAULT_KEEP_DAYS): void {
  // a day's quarters show when the family was home: readable by this user only
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileAtomic(join(dir, `${day.day}.json`), JSON.stringify(dayExportJson(day, quarters), null, 2) + '\n', 0o600);
  writeFileAtomic(join(dir, `${day.day}.csv`), dayExportCsv(quarters), 0o600);
  const oldest = Date.parse(`${day.day}T00:00:00Z`) - keepDays * 86_400_000;
  for (const name of readdirSync(dir)) {
    const m = /^(\d{4}-\d{2}-\d{2})\.(json|csv)$/.exec(name);
    if (m && Date.parse(`${m[1]}T00:00:00Z`) < oldest) unlinkSync(join(dir, name));
  }
}
