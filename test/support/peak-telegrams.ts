/**
 * Telegram objects for the peak tests, written from the spec's fields: only what the quarter
 * tracker and the month peaks read is filled in (time, 1.8.1/1.8.2, 1.7.0, 1.4.0, 1.6.0, 98.1.0).
 */
import type { ClosedMonthPeak, DemandPeak, Telegram } from '../../shared/p1/telegram.js';

export interface PeakTelegramFields {
  /** ISO 8601 with zone, e.g. '2024-01-10T10:00:00Z' */
  at: string;
  /** 1-0:1.8.1 and 1-0:1.8.2, kWh */
  t1: number;
  t2?: number;
  /** 1-0:1.7.0, kW */
  kw?: number;
  /** 1-0:1.4.0, kW */
  quarterKw?: number | null;
  /** 1-0:1.6.0 */
  monthPeak?: DemandPeak | null;
  /** 0-0:98.1.0 */
  history?: ClosedMonthPeak[];
}

export function ms(iso: string): number {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) throw new Error(`bad test time ${iso}`);
  return time;
}

export function peakTelegram(f: PeakTelegramFields): Telegram {
  return {
    header: 'FLU5\\253769484_A',
    version: '50217',
    equipmentId: '1SAG3100348745',
    time: ms(f.at),
    tariff: 1,
    importKwh: { t1: f.t1, t2: f.t2 ?? 0 },
    exportKwh: { t1: 0, t2: 0 },
    powerKw: { import: f.kw ?? 0, export: 0 },
    phases: [],
    quarterAverageKw: f.quarterKw ?? null,
    monthPeak: f.monthPeak ?? null,
    peakHistory: f.history ?? [],
    mbus: [],
    breaker: 1,
    limiterKw: null,
    fuseA: null,
    message: null, other: [], warnings: [],
  };
}
