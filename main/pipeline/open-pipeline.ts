import type { Logger } from 'pino';
import { startOfBrusselsMonth, startOfBrusselsYear, startOfQuarter } from '../../shared/time/brussels.js';
import { Ledger, type LedgerLimits } from '../ledger/ledger.js';
import { RateSchedule } from '../ledger/rate-schedule.js';
import { TelegramDecoder } from '../p1/decoder.js';
import { PeakMonitor } from '../peak/peak-monitor.js';
import { openMeterDatabase } from '../store/open-database.js';
import { MeterStore, type DamagedBatch } from '../store/meter-store.js';
import type { Rates } from '../tariff/rates-schema.js';
import type { SpotPrice } from '../tariff/pricing.js';
import { MeterPipeline } from './meter-pipeline.js';

export interface OpenPipelineOptions {
  dbFile: string;
  rates: Rates;
  log: Logger;
  limits?: LedgerLimits;
  spot?: SpotPrice;
  exportDir?: string | null;
  keepDays?: number;
  flushEveryMs?: number;
  userFloorKw?: number;
}

export interface OpenedPipeline {
  pipeline: MeterPipeline;
  store: MeterStore;
  ledger: Ledger;
  peaks: PeakMonitor;
  schedule: RateSchedule;
  /** problems found with the database file (reported and moved aside) */
  problems: string[];
  /** Put new rates in force from the last telegram on (the rates editor, a reload). */
  changeRates(rates: Rates): void;
  close(): void;
}

const YEAR_MS = 366 * 86_400_000;

/**
 * Compose the meter's pipeline over a database: resume the ledger where the last commit left it,
 * restore the month peaks and quarters, and rebuild the running quarter from the raw telegrams
 * of the store's ring, so a restart continues exactly as if nothing had happened.
 */
export function openPipeline(o: OpenPipelineOptions): OpenedPipeline {
  const { db, problems } = openMeterDatabase(o.dbFile, o.log);
  const store = new MeterStore(db);
  const resume = store.resumePoint();
  const last = resume.lastTelegramTime;

  let history = store.rateHistory();
  if (history.length === 0) {
    store.saveRateEntry(-Infinity, o.rates);
    history = store.rateHistory();
  }
  const schedule = new RateSchedule(history);
  const changeRates = (rates: Rates, from = pipeline.last ?? last ?? -Infinity) => {
    schedule.change(from, rates);
    store.saveRateEntry(from, rates);
  };
  const inForce = schedule.at(last ?? Infinity);
  if (JSON.stringify(inForce) !== JSON.stringify(o.rates)) {
    schedule.change(last ?? -Infinity, o.rates);
    store.saveRateEntry(last ?? -Infinity, o.rates);
  }

  const since = last === null ? -Infinity : startOfBrusselsYear(last - YEAR_MS);
  const ledger = new Ledger({ schedule, log: o.log, limits: o.limits, spot: o.spot, state: resume.ledger ?? undefined, days: store.days(since) });
  const peaks = new PeakMonitor({
    minimumKw: o.rates.Capacity?.minimumKw ?? 2.5,
    pricePerKwYear: o.rates.Capacity?.eurPerKwYear ?? null,
    userFloorKw: o.userFloorKw,
    maxImportKw: o.limits?.maxKw,
  });
  if (last !== null) {
    // Months whose quarters are in the store get their own figures from those quarters; the
    // stored month row then only brings the meter's figures (else its quarters would count twice).
    const quarters = store.quarters(last - 14 * 31 * 86_400_000).filter((q) => q.complete)
      .map((q) => ({ start: q.start, end: q.start + 900_000, averageKw: q.averageKw, complete: true }));
    const withQuarters = new Set(quarters.map((q) => startOfBrusselsMonth(q.start)));
    const months = store.monthPeaks().map((m) => (withQuarters.has(m.monthStart) ? { ...m, ownPeakKw: null, ownPeakStart: null, ownCompleteQuarters: 0 } : m));
    peaks.restore(quarters, months);
  }
  const pipeline = new MeterPipeline({ store, ledger, peaks, log: o.log, resumeAfter: last, flushEveryMs: o.flushEveryMs, exportDir: o.exportDir ?? null, keepDays: o.keepDays });
  if (last !== null) {
    // the running quarter: its readings are in the ring (the quarters before it are stored)
    const from = startOfQuarter(last) - 3_000;
    const decoder = new TelegramDecoder((result) => {
      if (result.ok && result.telegram.time !== null && result.telegram.time >= from && result.telegram.time <= last) pipeline.prime(result.telegram);
    });
    const damaged = (b: DamagedBatch) => {
      const problem = `${o.dbFile}: the stored telegrams from ${new Date(b.firstTime).toISOString()} to ${new Date(b.lastTime).toISOString()} `
        + `(${b.count}) cannot be read (${b.error}); skipped: the running quarter is rebuilt without them`;
      o.log.error({ file: o.dbFile }, problem);
      problems.push(problem);
    };
    for (const batch of store.telegramBatches(from, last, damaged)) decoder.feed(batch);
    decoder.end();
  }
  return {
    pipeline, store, ledger, peaks, schedule, problems,
    changeRates: (rates) => changeRates(rates),
    close: () => store.close(),
  };
}
