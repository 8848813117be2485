/**
 * What the dashboard shows beyond the meter and the running quarter: the figures the core
 * publishes under the bus state's `costs` and `dashboard` keys (shared/state.ts keeps them opaque
 * on the wire; these types are the contract between main/dashboard/ and renderer/). Plain JSON:
 * numbers, strings, null; times as epoch ms UTC.
 */
import type { MonthPeaksState } from '../peak/quarter-state.js';

/** The seed's columns: Day-3 .. Today, then week, month and year (Brussels periods). */
export const PERIOD_NAMES = ['day-3', 'day-2', 'yesterday', 'today', 'week', 'month', 'year'] as const;
export type DashboardPeriod = typeof PERIOD_NAMES[number];

/** Usage and money of one period (the ledger's sums of its days). */
export interface PeriodFigures {
  importKwh: { t1: number; t2: number };
  exportKwh: { t1: number; t2: number };
  electricityEur: number;
  gas: { m3: number; kwh: number | null; eur: number };
  water: { m3: number; eur: number };
  totalEur: number;
  /** part of it is shared out over a gap without readings */
  estimated: boolean;
}

export interface DayCost {
  /** "YYYY-MM-DD", Brussels */
  day: string;
  start: number;
  electricityEur: number;
  gasEur: number;
  waterEur: number;
  totalEur: number;
}

/** The `costs` key. */
export interface CostsState {
  /** meter time the figures were computed at */
  asOf: number;
  periods: Record<DashboardPeriod, PeriodFigures>;
  /** the last 30 Brussels days, oldest first, today included */
  days: DayCost[];
  /** EUR per kWh imported now (VAT included), as the ledger prices it: the EV panel's session cost */
  importEurPerKwhNow?: number | null;
}

export interface TelegramLine {
  code: string;
  /** the value as the meter wrote it, parentheses removed, groups joined with a space */
  value: string;
}

export interface RatesSummary {
  /** register number -> band name (Belgium: 1 Day, 2 Night) */
  registers: { '1': string; '2': string };
  /** EUR/kWh per band, as the rates file writes them */
  importEur: Record<string, number>;
  exportEur: Record<string, number> | null;
  /** clock bands: the band in force now, else null (register rates) */
  bandNow: string | null;
  gasEurPerM3: number | null;
  waterEurPerM3: number | null;
  capacityEurPerKwYear: number | null;
  vat: number | null;
}

export type LogLevel = 'info' | 'warn' | 'error';

export interface LogEntry {
  /** this machine's clock, epoch ms */
  time: number;
  level: LogLevel;
  message: string;
}

export interface QuarterBar {
  start: number;
  averageKw: number;
  complete: boolean;
}

/** The `dashboard` key. */
export interface DashboardState {
  roles: string[];
  /** the demo (simulated meter) rather than a real one */
  demo: boolean;
  months: MonthPeaksState | null;
  /** today's closed quarters, oldest first (the running one is in `quarter`) */
  quarters: QuarterBar[];
  telegram: { time: number; header: string; lines: TelegramLine[] } | null;
  rates: RatesSummary;
  /** the rates file the editor changes */
  ratesFile: string;
  log: LogEntry[];
}

/** One point of the live power chart. */
export interface PowerSample {
  time: number;
  importKw: number;
  exportKw: number;
  /** net kW per phase (import - export), index 0 = L1 */
  phasesKw: number[];
}

/** Answers of the dashboard's commands. */
export interface RatesDocument {
  file: string;
  /** the file's JSON as written (the editor's starting point) */
  rates: unknown;
}

export interface RatesPreview {
  /** today's cost so far at the rates in force, and at the proposed ones */
  todayEur: number;
  previewEur: number;
}
