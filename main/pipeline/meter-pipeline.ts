import type { Logger } from 'pino';
import type { FrameResult, Telegram } from '../../shared/p1/telegram.js';
import type { ClosedQuarter } from '../../shared/peak/quarter-state.js';
import { startOfBrusselsDay, startOfNextBrusselsDay } from '../../shared/time/brussels.js';
import type { Ledger } from '../ledger/ledger.js';
import type { PeakMonitor } from '../peak/peak-monitor.js';
import type { PeakUpdate } from '../peak/peak-monitor.js';
import { logPeakUpdate } from '../peak/peak-event-log.js';
import { ConditionLog } from '../log/logger.js';
import { ClockJumpGuard } from '../ledger/clock-jump.js';
import { exportDay } from '../store/daily-export.js';
import type { MeterStore } from '../store/meter-store.js';

const EXPORT_SETTLE_MS = 15 * 60_000;
const EXPORT_LOOKBACK_MS = 7 * 86_400_000;

export interface PipelineOptions {
  store: MeterStore;
  ledger: Ledger;
  peaks: PeakMonitor;
  log: Logger;
  /** meter time of the last telegram already in the store: earlier ones are not counted again */
  resumeAfter: number | null;
  /** commit at most this much meter time of work at once (default one minute) */
  flushEveryMs?: number;
  /** folder for the daily JSON/CSV export; null: none (replay) */
  exportDir?: string | null;
  keepDays?: number;
}

/**
 * One telegram's path: decoder result -> ledger -> quarter tracker and month peaks -> store.
 * Idempotent by meter time: a telegram at or before the last one stored is skipped, so a
 * restart over the same input never counts anything twice. Writes are batched: the store
 * commits once per minute of meter time (and at finish), with the ledger state and the last
 * telegram time in the same transaction, so a crash rolls back to one consistent moment.
 */
export class MeterPipeline {
  readonly counts = { ok: 0, refused: 0, skipped: 0 };
  first: number | null = null;
  last: number | null = null;
  /** quarters closed during this run, oldest first */
  readonly quarters: ClosedQuarter[] = [];
  sawGas = false;
  sawWater = false;
  private resumeAfter: number | null;
  private lastFlushAt: number | null = null;
  private lastStored: number | null = null;
  /** meter time of the last telegram committed */
  private committedTime: number | null;
  private readonly flushEveryMs: number;
  /** days exported in this run and not changed since */
  private readonly exported = new Set<string>();
  private meterPeakSignature = '';
  private monthsChanged = false;

  private readonly conditions: ConditionLog;
  private readonly clock = new ClockJumpGuard<{ t: Telegram; raw: Uint8Array }>();
  /** meter times of the telegrams skipped since the last used one in this run (its clock went back) */
  private behind: { from: number; to: number; count: number } | null = null;

  constructor(private readonly o: PipelineOptions) {
    this.conditions = new ConditionLog(o.log);
    this.resumeAfter = o.resumeAfter;
    this.committedTime = o.resumeAfter;
    this.flushEveryMs = o.flushEveryMs ?? 60_000;
  }

  /** The decoder's callback. `raw` is only valid during the call (the store copies it). */
  handle(result: FrameResult, raw: Uint8Array): void {
    if (!result.ok) {
      this.counts.refused++;
      return;
    }
    this.counts.ok++;
    const t = result.telegram;
    if (t.time === null) return;
    if (this.first === null) this.first = t.time;
    this.last = t.time;
    if (t.mbus.length) this.noteMbus(t);
    if (this.resumeAfter !== null && t.time <= this.resumeAfter) {
      this.counts.skipped++;
      // after a telegram of this run: the meter's clock went back (set right after running ahead).
      // Real time passes meanwhile; the counters' rise over it is booked with the next telegram.
      if (this.lastStored !== null) {
        this.behind ??= { from: t.time, to: t.time, count: 0 };
        this.behind.to = Math.max(this.behind.to, t.time);
        this.behind.from = Math.min(this.behind.from, t.time);
        this.behind.count++;
      }
      return;
    }
    // a time far ahead of the last one waits for the next telegrams to confirm it (clock-jump.ts):
    // taken at once, a corrupted 2062 stamp would make every real telegram after it "already stored"
    const item = { t, raw };
    const decision = this.clock.offer(this.resumeAfter, t.time, item);
    if (decision.dropped > 0) this.o.log.warn({ dropped: decision.dropped, time: new Date(t.time).toISOString() }, 'a meter time that jumped ahead was not confirmed by the next telegram; dropped as a corrupted frame');
    if (decision.held) {
      item.raw = Uint8Array.from(raw); // raw is only valid during this call
      return;
    }
    for (const held of decision.pass) this.use(held.t, held.raw);
  }

  private use(t: Telegram, raw: Uint8Array): void {
    const time = t.time!;
    this.resumeAfter = time;
    const behind = this.behind;
    this.behind = null;
    // the skipped telegrams span at least this much real time (one interval more than their stamps)
    const unseenMs = behind ? behind.to - behind.from + 1000 : 0;
    if (behind) {
      this.o.log.warn({ skipped: behind.count, from: new Date(behind.from).toISOString(), to: new Date(behind.to).toISOString() },
        "the meter's clock went back: telegrams at or before the last stored time were skipped; the energy the counters show for them is booked with this telegram");
    }
    this.o.ledger.addTelegram(t, unseenMs);
    this.takePeaks(this.o.peaks.update(t));
    this.noteMeterPeaks(t);
    this.o.store.queueTelegram(time, raw);
    this.lastStored = time;
    if (this.lastFlushAt === null) this.lastFlushAt = time;
    if (time - this.lastFlushAt >= this.flushEveryMs) this.flush();
  }

  /** A telegram replayed from the store's ring at start: rebuilds the running quarter only. */
  prime(t: Telegram): void {
    this.o.peaks.update(t);
  }

  private noteMbus(t: Telegram): void {
    for (const m of t.mbus) {
      if (m.value === null) continue;
      if (m.kind === 'gas') this.sawGas = true;
      if (m.kind === 'water') this.sawWater = true;
    }
  }

  /** The month panel changes only with a closed quarter or a new 1-0:1.6.0 / 0-0:98.1.0: store it then. */
  private noteMeterPeaks(t: Telegram): void {
    const signature = `${t.monthPeak?.time}/${t.monthPeak?.kw}/${t.peakHistory.length}/${t.peakHistory[0]?.month}`;
    if (signature !== this.meterPeakSignature) {
      this.meterPeakSignature = signature;
      this.monthsChanged = true;
    }
  }

  private takePeaks(update: PeakUpdate): void {
    if (update.closed.length) this.monthsChanged = true;
    for (const q of update.closed) {
      this.quarters.push(q);
      this.o.store.queueQuarter({ start: q.start, averageKw: q.averageKw, energyKwh: q.averageKw / 4, complete: q.complete, source: q.complete ? 'counters' : 'partial' });
    }
    logPeakUpdate(update, this.o.log, this.conditions);
  }

  /** Commit what is queued (also called on a timer by a live source, so a quiet meter still commits). */
  flush(): void {
    const { store, ledger } = this.o;
    if (this.lastStored === null) return;
    const changed = ledger.takeDirtyDays();
    for (const day of changed) this.exported.delete(day.day);
    store.queueDays(changed);
    store.queueBoundaries(ledger.takeBoundaryReadings());
    const month = this.monthsChanged ? this.o.peaks.monthState() : null;
    if (month) for (const m of [...month.closed, month.current]) store.queueMonthPeak(m);
    this.monthsChanged = false;
    if (this.lastStored !== this.committedTime) store.queueResume(this.lastStored, ledger.state());
    this.lastFlushAt = this.lastStored;
    // a silent meter and a timer that keeps calling: nothing to write, so nothing is written
    if (store.pending === 0) return;
    store.flush();
    this.committedTime = this.lastStored;
    this.o.log.debug({ lastTelegram: new Date(this.lastStored).toISOString() }, 'committed');
    if (this.o.exportDir) this.exportFinishedDays(this.o.exportDir, this.lastStored);
  }

  /** End of input: close the running quarter with what was seen, commit everything. */
  finish(): void {
    this.takePeaks(this.o.peaks.finish());
    this.flush();
  }

  /**
   * Export each finished day of the last week once per run, and again when late data changed it
   * (a gas reading, downtime shared out). A day counts as finished 15 minutes after its end, so
   * the gas reading that straddles midnight is in. Exporting again after a restart is cheap
   * (a week of small files) and repairs an export a crash cut off.
   */
  private exportFinishedDays(dir: string, now: number): void {
    for (const day of this.o.ledger.allDays()) {
      if (this.exported.has(day.day) || day.start < now - EXPORT_LOOKBACK_MS) continue;
      const end = startOfNextBrusselsDay(day.start);
      if (end + EXPORT_SETTLE_MS > now) continue;
      this.exported.add(day.day);
      try {
        exportDay(dir, day, this.o.store.quarters(day.start, end), this.o.keepDays);
      } catch (error) {
        this.o.log.error({ dir, day: day.day, error: (error as Error).message }, 'daily export failed; the database keeps the figures');
      }
    }
  }

  /** Start of the Brussels day of the last telegram, for callers that show "today". */
  today(): number | null {
    return this.last === null ? null : startOfBrusselsDay(this.last);
  }
}
