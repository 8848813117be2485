/**
 * The one call per telegram for the pipeline: quarter tracker + month peaks + budget + the
 * "new peak in the making" flag, giving the QuarterState for the dashboard/bus, the quarters that
 * ended (for the store) and events (for the log). Pure; the meter's timestamps are the clock.
 *
 *   const peaks = new PeakMonitor({ minimumKw: 2.5, pricePerKwYear: 50 });
 *   const { state, closed, events } = peaks.update(telegram);   // every telegram
 *   const last = peaks.finish();                               // end of a replay / shutdown
 *   peaks.monthState();                                        // the month panel
 */
import type { Telegram } from '../../shared/p1/telegram.js';
import type { ClosedQuarter, MonthPeak, MonthPeaksState, QuarterState } from '../../shared/peak/quarter-state.js';
import type { PeakEvent } from '../../shared/peak/events.js';
import { QuarterTracker } from './quarter-tracker.js';
import { MonthPeaks } from './month-peaks.js';
import { NewPeakFlag } from './new-peak-flag.js';
import { budget, targetKw } from './budget.js';

export interface PeakMonitorOptions {
  /** per-month minimum of the capacity tariff (rates.json; Flanders 2.5 kW) */
  minimumKw?: number;
  /** EUR per kW per year (rates.json); null: no cost figures */
  pricePerKwYear?: number | null;
  /** the user's chosen floor for the target T (0: none) */
  userFloorKw?: number;
  /** hysteresis of newPeakInTheMaking (default 30 s) */
  peakFlagDwellMs?: number;
  /** the connection's maximum import; faster counter rises are refused as corrupt (default 60 kW) */
  maxImportKw?: number;
}

export interface PeakUpdate {
  /** whether the quarter tracker could use this telegram (see the events when not) */
  accepted: boolean;
  /** the running quarter's state; null until a telegram could be used */
  state: QuarterState | null;
  /** quarters that ended, oldest first: store them */
  closed: ClosedQuarter[];
  /** log them (once per condition where a condition can persist) */
  events: PeakEvent[];
}

export class PeakMonitor {
  private readonly quarters: QuarterTracker;
  private readonly months: MonthPeaks;
  private readonly flag: NewPeakFlag;
  private readonly minimumKw: number;
  private userFloorKw: number;
  private last: QuarterState | null = null;

  constructor(options: PeakMonitorOptions = {}) {
    this.minimumKw = options.minimumKw ?? 2.5;
    this.userFloorKw = options.userFloorKw ?? 0;
    this.quarters = new QuarterTracker({ maxImportKw: options.maxImportKw });
    this.months = new MonthPeaks({ minimumKw: this.minimumKw, pricePerKwYear: options.pricePerKwYear ?? null });
    this.flag = new NewPeakFlag(options.peakFlagDwellMs);
  }

  update(telegram: Telegram): PeakUpdate {
    const ingest = this.quarters.ingest(telegram);
    const events = ingest.events;
    // Quarters before the telegram's month figures: a quarter that just set a new month peak
    // raises T at once, and the last quarter of a month is in before the month closes.
    for (const quarter of ingest.closed) events.push(...this.months.addQuarter(quarter));
    // a time held as a possible jump must not move the months on either (a 2062 stamp would close them)
    const heldJump = ingest.events.some((e) => e.type === 'reading-ignored' && e.reason === 'time-jump');
    if (!heldJump) events.push(...this.months.observe(telegram));
    if (ingest.accepted) this.last = this.compute();
    return { accepted: ingest.accepted, state: this.last, closed: ingest.closed, events };
  }

  /** End of input: the running quarter closes with what was seen (complete if the last reading is within 2 s of its end). */
  finish(): PeakUpdate {
    const ingest = this.quarters.finish();
    const events = [...ingest.events];
    for (const quarter of ingest.closed) events.push(...this.months.addQuarter(quarter));
    return { accepted: true, state: this.last, closed: ingest.closed, events };
  }

  /** Quarters and months from the store, before the first telegram. */
  restore(quarters: readonly ClosedQuarter[], months: readonly MonthPeak[] = []): void {
    this.months.restore(months);
    for (const quarter of quarters) this.months.addQuarter(quarter);
  }

  setUserFloorKw(kw: number): void {
    this.userFloorKw = kw;
  }

  setPricePerKwYear(price: number | null): void {
    this.months.setPricePerKwYear(price);
  }

  /** The latest quarter state (null before the first usable telegram). */
  state(): QuarterState | null {
    return this.last;
  }

  /** The month panel (null before the first telegram). */
  monthState(): MonthPeaksState | null {
    return this.months.state();
  }

  /** This month's peak so far: max of 1-0:1.6.0 and our complete quarters; null when neither. */
  monthPeakKw(): number | null {
    return this.months.currentPeakKw();
  }

  private compute(): QuarterState | null {
    const q = this.quarters.running();
    // no import power read yet (1-0:1.7.0 unreadable since the start): P is unknown, so there is
    // no forecast and no budget to share (the site broker then grants nothing from the quarter)
    if (!q || q.powerKw === null) return null;
    const monthPeakKw = this.months.currentPeakKw();
    const target = targetKw(this.minimumKw, monthPeakKw, this.userFloorKw);
    const powerKw = q.powerKw;
    const b = budget(q.energyKwh, powerKw, q.elapsedS, target);
    const averageSoFarKw = 4 * q.energyKwh;
    return {
      time: q.time,
      quarterStart: q.quarterStart,
      quarterEnd: q.quarterEnd,
      elapsedS: q.elapsedS,
      energySoFarKwh: q.energyKwh,
      energySource: q.source,
      averageSoFarKw,
      powerKw,
      forecastKw: b.forecastKw,
      targetKw: b.targetKw,
      allowedKw: b.allowedKw,
      gapKw: b.gapKw,
      shedNowKw: b.shedNowKw,
      quarterLost: b.quarterLost,
      newPeakInTheMaking: this.flag.update(q.time, b.forecastKw, averageSoFarKw, target),
      monthPeakKw,
      userFloorKw: this.userFloorKw,
    };
  }
}
