import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { BaseQuarter } from '../site/base-energy.js';
import type { Database, Statement } from 'better-sqlite3';
import type { DaySummary } from '../ledger/day-summary.js';
import type { BoundaryReading, LedgerState } from '../ledger/ledger.js';
import type { RateEntry } from '../ledger/rate-schedule.js';
import type { Rates } from '../tariff/rates-schema.js';
import type { MonthPeak } from '../../shared/peak/quarter-state.js';

export const RING_MS = 48 * 3_600_000;

export interface StoredQuarter {
  start: number;
  averageKw: number;
  energyKwh: number;
  complete: boolean;
  source: string;
}


/** A batch of the telegram ring that cannot be read back. */
export interface DamagedBatch {
  firstTime: number;
  lastTime: number;
  count: number;
  error: string;
}

/** What a restart needs to carry on exactly where the last commit left off. */
export interface ResumePoint {
  /** meter time of the last telegram committed; later telegrams only are new */
  lastTelegramTime: number | null;
  ledger: LedgerState | null;
}

/**
 * The meter's history in SQLite. Writes are queued and committed together by flush() in one
 * transaction (the pipeline flushes every minute of meter time, not every telegram), and the
 * ledger state and the last telegram time are committed in the same transaction as the figures
 * they produced: after a crash, the database is as of one consistent moment.
 */
export class MeterStore {
  private readonly q = {
    telegram: [] as Buffer[],
    telegramFirst: null as number | null,
    telegramLast: 0,
    days: new Map<string, DaySummary>(),
    quarters: new Map<number, StoredQuarter>(),
    boundaries: [] as BoundaryReading[],
    peaks: new Map<string, MonthPeak>(),
    resume: null as { time: number; ledger: LedgerState } | null,
    siteQuarters: new Map<number, BaseQuarter>(),
  };
  private readonly s: Record<string, Statement>;
  private readonly commit: () => void;

  constructor(readonly db: Database) {
    this.s = {
      telegram: db.prepare("INSERT OR REPLACE INTO telegrams (first_time, last_time, count, raw, encoding) VALUES (?, ?, ?, ?, 'deflate-raw')"),
      // by the primary key, so only the old rows are visited (a batch that ended before the cutoff began before it)
      prune: db.prepare('DELETE FROM telegrams WHERE first_time < @cutoff AND last_time < @cutoff'),
      day: db.prepare(`INSERT OR REPLACE INTO day_summaries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      quarter: db.prepare('INSERT OR REPLACE INTO quarters VALUES (?, ?, ?, ?, ?)'),
      boundary: db.prepare('INSERT OR REPLACE INTO boundary_readings VALUES (?, ?, ?, ?, ?, ?, ?)'),
      peak: db.prepare('INSERT OR REPLACE INTO month_peaks VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      meta: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
      getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
      rate: db.prepare('INSERT OR REPLACE INTO rate_history (from_time, rates) VALUES (?, ?)'),
      siteQuarter: db.prepare('INSERT OR REPLACE INTO site_quarters (start, base_import_kwh, base_export_kwh) VALUES (?, ?, ?)'),
    };
    this.commit = db.transaction(() => this.writeQueued());
  }

  queueTelegram(time: number, raw: Uint8Array): void {
    // copy: the decoder reuses its buffer after the callback
    this.q.telegram.push(Buffer.from(raw));
    this.q.telegramFirst ??= time;
    this.q.telegramLast = time;
  }

  queueDays(days: Iterable<DaySummary>): void {
    for (const d of days) this.q.days.set(d.day, d);
  }

  queueQuarter(quarter: StoredQuarter): void {
    this.q.quarters.set(quarter.start, quarter);
  }

  /** A quarter's base-load energy (site): committed with the next flush. */
  queueSiteQuarter(quarter: BaseQuarter): void {
    this.q.siteQuarters.set(quarter.start, { ...quarter });
  }

  /** The base load's import and export per quarter, oldest first. */
  siteQuarters(from = -Infinity, to = Infinity): BaseQuarter[] {
    const rows = this.db.prepare('SELECT start, base_import_kwh, base_export_kwh FROM site_quarters WHERE start >= ? AND start < ? ORDER BY start')
      .all(from, to) as Array<{ start: number; base_import_kwh: number; base_export_kwh: number }>;
    return rows.map((r) => ({ start: r.start, importKwh: r.base_import_kwh, exportKwh: r.base_export_kwh }));
  }

  queueBoundaries(readings: BoundaryReading[]): void {
    this.q.boundaries.push(...readings);
  }

  queueMonthPeak(peak: MonthPeak): void {
    this.q.peaks.set(peak.month, peak);
  }

  /** The resume point: committed together with everything queued before it. */
  queueResume(lastTelegramTime: number, ledger: LedgerState): void {
    this.q.resume = { time: lastTelegramTime, ledger };
  }

  get pending(): number {
    return this.q.telegram.length + this.q.days.size + this.q.quarters.size + this.q.boundaries.length + this.q.peaks.size + this.q.siteQuarters.size + (this.q.resume ? 1 : 0);
  }

  /** Commit everything queued in one transaction. */
  flush(): void {
    if (this.pending === 0) return;
    this.commit();
  }

  private writeQueued(): void {
    const q = this.q;
    if (q.telegramFirst !== null) {
      // level 1: nearly all of the size gain for a fraction of the time of the default level
      this.s.telegram!.run(q.telegramFirst, q.telegramLast, q.telegram.length, deflateRawSync(Buffer.concat(q.telegram), { level: 1 }));
      this.s.prune!.run({ cutoff: q.telegramLast - RING_MS });
    }
    for (const d of q.days.values()) {
      this.s.day!.run(d.day, d.start, d.importWh[0], d.importWh[1], d.exportWh[0], d.exportWh[1], d.importEur, d.exportEur,
        d.gasLitres, d.gasEur, d.waterLitres, d.waterEur, d.estimated ? 1 : 0);
    }
    for (const x of q.quarters.values()) this.s.quarter!.run(x.start, x.averageKw, x.energyKwh, x.complete ? 1 : 0, x.source);
    for (const b of q.boundaries) this.s.boundary!.run(b.channel, b.time, b.values[0] ?? 0, b.values[1] ?? null, b.values[2] ?? null, b.values[3] ?? null, b.estimated ? 1 : 0);
    for (const p of q.peaks.values()) this.s.peak!.run(p.month, p.monthStart, p.meterPeakKw, p.meterPeakTime, p.ownPeakKw, p.ownPeakStart, p.ownCompleteQuarters, p.peakKw);
    for (const x of q.siteQuarters.values()) this.s.siteQuarter!.run(x.start, x.importKwh, x.exportKwh);
    if (q.resume) {
      this.s.meta!.run('lastTelegramTime', String(q.resume.time));
      this.s.meta!.run('ledger', JSON.stringify(q.resume.ledger));
    }
    q.telegram = [];
    q.telegramFirst = null;
    q.days.clear();
    q.quarters.clear();
    q.boundaries = [];
    q.peaks.clear();
    q.resume = null;
    q.siteQuarters.clear();
  }

  resumePoint(): ResumePoint {
    const time = (this.s.getMeta!.get('lastTelegramTime') as { value: string } | undefined)?.value;
    const ledger = (this.s.getMeta!.get('ledger') as { value: string } | undefined)?.value;
    return { lastTelegramTime: time === undefined ? null : Number(time), ledger: ledger === undefined ? null : JSON.parse(ledger) as LedgerState };
  }

  saveRateEntry(from: number, rates: Rates): void {
    this.s.rate!.run(Number.isFinite(from) ? from : -8.64e15, JSON.stringify(rates));
  }

  rateHistory(): RateEntry[] {
    const rows = this.db.prepare('SELECT from_time, rates FROM rate_history ORDER BY from_time').all() as Array<{ from_time: number; rates: string }>;
    return rows.map((r) => ({ from: r.from_time <= -8.64e15 ? -Infinity : r.from_time, rates: JSON.parse(r.rates) as Rates }));
  }

  /** Day summaries that start at or after `from` (all when omitted). */
  days(from = -Infinity, to = Infinity): DaySummary[] {
    const rows = this.db.prepare('SELECT * FROM day_summaries WHERE start >= ? AND start < ? ORDER BY start')
      .all(Number.isFinite(from) ? from : -8.64e15, Number.isFinite(to) ? to : 8.64e15) as Array<Record<string, number | string>>;
    return rows.map((r) => ({
      day: r.day as string, start: r.start as number,
      importWh: [r.import_wh_1 as number, r.import_wh_2 as number], exportWh: [r.export_wh_1 as number, r.export_wh_2 as number],
      importEur: r.import_eur as number, exportEur: r.export_eur as number,
      gasLitres: r.gas_litres as number, gasEur: r.gas_eur as number, waterLitres: r.water_litres as number, waterEur: r.water_eur as number,
      estimated: r.estimated === 1,
    }));
  }

  quarters(from = -Infinity, to = Infinity): StoredQuarter[] {
    const rows = this.db.prepare('SELECT * FROM quarters WHERE start >= ? AND start < ? ORDER BY start')
      .all(Number.isFinite(from) ? from : -8.64e15, Number.isFinite(to) ? to : 8.64e15) as Array<Record<string, number | string>>;
    return rows.map((r) => ({ start: r.start as number, averageKw: r.average_kw as number, energyKwh: r.energy_kwh as number, complete: r.complete === 1, source: r.source as string }));
  }

  monthPeaks(): MonthPeak[] {
    const rows = this.db.prepare('SELECT * FROM month_peaks ORDER BY month_start').all() as Array<Record<string, number | string | null>>;
    return rows.map((r) => ({
      month: r.month as string, monthStart: r.month_start as number,
      meterPeakKw: r.meter_kw as number | null, meterPeakTime: r.meter_time as number | null,
      ownPeakKw: r.own_kw as number | null, ownPeakStart: r.own_start as number | null,
      ownCompleteQuarters: r.own_quarters as number, peakKw: r.peak_kw as number | null,
    }));
  }

  /**
   * The ring's batches that hold telegrams from `from` to `to` (inclusive), oldest first: raw P1
   * bytes to decode. A batch that no longer inflates (a flipped bit on the card: SQLite's own
   * check does not look inside a blob) is skipped and passed to `onDamaged`, never thrown: it
   * only costs the running quarter some readings, and it leaves the ring within 48 hours.
   */
  telegramBatches(from: number, to: number, onDamaged: (batch: DamagedBatch) => void = () => {}): Buffer[] {
    const rows = this.db.prepare('SELECT first_time, last_time, count, raw, encoding FROM telegrams WHERE last_time >= ? AND first_time <= ? ORDER BY first_time')
      .all(from, to) as Array<{ first_time: number; last_time: number; count: number; raw: Buffer; encoding: string }>;
    const batches: Buffer[] = [];
    for (const r of rows) {
      if (r.encoding !== 'deflate-raw') { batches.push(r.raw); continue; }
      try {
        batches.push(inflateRawSync(r.raw));
      } catch (error) {
        onDamaged({ firstTime: r.first_time, lastTime: r.last_time, count: r.count, error: (error as Error).message });
      }
    }
    return batches;
  }

  close(): void {
    this.flush();
    this.db.close();
  }
}
