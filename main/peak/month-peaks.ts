/**
 * Month peaks per Brussels calendar month, from two sources that check each other: the meter
 * (1-0:1.6.0 for this month, 0-0:98.1.0 for closed months) and our own complete quarters. Pure: the
 * current month is the one of the latest meter time seen.
 *
 * Disagreement (flagged once, as an event): the meter's peak quarter, read with its timestamp as
 * either end of the quarter, differs from our complete quarter there by more than the counter
 * resolution (4 x 1 Wh = 0.004 kW); or one of our complete quarters is higher than the meter's
 * peak by more than that, once the meter has had a minute to take that quarter in.
 */
import type { Telegram, DemandPeak } from '../../shared/p1/telegram.js';
import type { ClosedQuarter, MonthPeak, MonthPeaksState } from '../../shared/peak/quarter-state.js';
import type { PeakEvent } from '../../shared/peak/events.js';
import { brusselsLocalToUtc, brusselsParts, startOfBrusselsMonth, startOfNextBrusselsMonth, startOfQuarter } from '../../shared/time/brussels.js';
import { readMeterHistory } from './meter-history.js';
import { costOfRaisingPeakEur, rollingAverageKw, yearlyCapacityCostEur } from './capacity-cost.js';
import { QUARTER_MS } from './quarter-tracker.js';

/** 4 x 1 Wh, in W: two figures closer than this are the same quarter. */
export const PEAK_RESOLUTION_W = 4;
/** How long after a quarter's end the meter's 1.6.0 is expected to include it. */
export const METER_SETTLE_MS = 60_000;
/** Months kept: the meter's 13 closed months and this one. */
const MONTHS_KEPT = 14;

export interface MonthPeaksOptions {
  /** the per-month minimum the bill counts (Flanders 2.5 kW) */
  minimumKw?: number;
  /** EUR per kW per year (rates.json); null: no cost figures */
  pricePerKwYear?: number | null;
}

interface MonthRecord {
  monthStart: number;
  month: string;
  meterPeakW: number | null;
  meterPeakTime: number | null;
  /** 98.1.0 is the meter's final word on a closed month; 1.6.0 only until then */
  meterFinal: boolean;
  /** meter time of the latest telegram whose 1.6.0 was this month's */
  meterSeenAt: number;
  /** our complete quarters: start -> average in W */
  own: Map<number, number>;
  ownPeakW: number | null;
  ownPeakStart: number | null;
  ownCompleteQuarters: number;
}

function monthKey(monthStart: number): string {
  const p = brusselsParts(monthStart);
  return `${p.year}-${String(p.month).padStart(2, '0')}`;
}

function toW(kw: number): number {
  return Math.round(kw * 1000);
}

/** Month starts from `n` months before `monthStart` up to it, oldest first. */
export function monthStartsEndingWith(monthStart: number, n: number): number[] {
  const p = brusselsParts(monthStart);
  const result: number[] = [];
  for (let back = n - 1; back >= 0; back--) {
    const index = p.year * 12 + (p.month - 1) - back;
    result.push(brusselsLocalToUtc(Math.floor(index / 12), (index % 12) + 1, 1));
  }
  return result;
}

export class MonthPeaks {
  private readonly minimumKw: number;
  private pricePerKwYear: number | null;
  private readonly months = new Map<number, MonthRecord>();
  private currentStart: number | null = null;
  /** start of the next month: below it, a telegram needs no calendar arithmetic */
  private currentEnd = -Infinity;
  private lastMonthPeak: DemandPeak | null = null;
  private lastHistory: Telegram['peakHistory'] = [];
  /** the month the latest 1.6.0 was booked to */
  private lastMonthPeakRecord: MonthRecord | null = null;
  /** month start -> meter time at which to check that month's quarters against 1.6.0 again */
  private readonly rechecks = new Map<number, number>();
  private readonly reported = new Set<string>();

  constructor(options: MonthPeaksOptions = {}) {
    this.minimumKw = options.minimumKw ?? 2.5;
    this.pricePerKwYear = options.pricePerKwYear ?? null;
  }

  setPricePerKwYear(price: number | null): void {
    this.pricePerKwYear = price;
  }

  /** Take in one telegram's meter time, 1-0:1.6.0 and 0-0:98.1.0. */
  observe(telegram: Telegram): PeakEvent[] {
    const events: PeakEvent[] = [];
    if (telegram.time === null) return events;
    this.advanceTo(telegram.time, events);
    const current = this.record(this.currentStart!);
    if (telegram.monthPeak && telegram.monthPeak.time !== null) {
      if (!samePeak(telegram.monthPeak, this.lastMonthPeak)) {
        this.lastMonthPeak = telegram.monthPeak;
        this.lastMonthPeakRecord = this.takeMeterMonthPeak({ time: telegram.monthPeak.time, kw: telegram.monthPeak.kw }, current, telegram.time, events);
      } else if (this.lastMonthPeakRecord) {
        this.lastMonthPeakRecord.meterSeenAt = telegram.time;
      }
    }
    if (telegram.peakHistory.length && !sameHistory(telegram.peakHistory, this.lastHistory)) {
      this.lastHistory = telegram.peakHistory;
      for (const m of readMeterHistory(telegram.peakHistory).months) {
        if (m.monthStart >= current.monthStart) continue;
        const record = this.record(m.monthStart);
        record.meterPeakW = toW(m.peakKw);
        record.meterPeakTime = m.peakTime;
        record.meterFinal = true;
        this.check(record, events);
      }
    }
    for (const [monthStart, at] of this.rechecks) {
      if (telegram.time < at) continue;
      this.rechecks.delete(monthStart);
      const record = this.months.get(monthStart);
      if (record) this.check(record, events);
    }
    return events;
  }

  /** Take in a closed quarter (live, or restored from the store at start). */
  addQuarter(quarter: ClosedQuarter): PeakEvent[] {
    const events: PeakEvent[] = [];
    if (!quarter.complete) return events;
    const record = this.record(startOfBrusselsMonth(quarter.start));
    const w = toW(quarter.averageKw);
    if (!record.own.has(quarter.start)) record.ownCompleteQuarters += 1;
    record.own.set(quarter.start, w);
    if (record.ownPeakW === null || w > record.ownPeakW) {
      record.ownPeakW = w;
      record.ownPeakStart = quarter.start;
    }
    this.check(record, events);
    if (!record.meterFinal) this.rechecks.set(record.monthStart, quarter.end + METER_SETTLE_MS);
    return events;
  }

  /** Closed months as the store kept them (own figures without their quarters). */
  restore(months: readonly MonthPeak[]): void {
    for (const m of months) {
      const record = this.record(m.monthStart);
      if (m.meterPeakKw !== null && !record.meterFinal) {
        record.meterPeakW = toW(m.meterPeakKw);
        record.meterPeakTime = m.meterPeakTime;
      }
      if (m.ownPeakKw !== null && m.ownPeakStart !== null) {
        record.own.set(m.ownPeakStart, toW(m.ownPeakKw));
        if (record.ownPeakW === null || toW(m.ownPeakKw) > record.ownPeakW) {
          record.ownPeakW = toW(m.ownPeakKw);
          record.ownPeakStart = m.ownPeakStart;
        }
        record.ownCompleteQuarters = Math.max(record.ownCompleteQuarters, m.ownCompleteQuarters);
      }
    }
  }

  /** This month's peak so far: max(meter 1.6.0, own complete quarters); null when neither. */
  currentPeakKw(): number | null {
    if (this.currentStart === null) return null;
    const record = this.months.get(this.currentStart);
    const w = record ? peakW(record) : null;
    return w === null ? null : w / 1000;
  }

  /** The month panel; null before the first telegram. */
  state(): MonthPeaksState | null {
    if (this.currentStart === null) return null;
    const current = this.view(this.record(this.currentStart));
    const closed = [...this.months.values()]
      .filter((r) => r.monthStart < this.currentStart!)
      .sort((a, b) => a.monthStart - b.monthStart)
      .map((r) => this.view(r));
    const window = monthStartsEndingWith(this.currentStart, 12).map((start) => {
      const r = this.months.get(start);
      const w = r ? peakW(r) : null;
      return w === null ? null : w / 1000;
    });
    const rolling = rollingAverageKw(window, this.minimumKw);
    const price = this.pricePerKwYear;
    return {
      current,
      closed,
      minimumKw: this.minimumKw,
      rollingAverageKw: rolling.averageKw,
      monthsKnown: rolling.monthsKnown,
      projectedYearlyCostEur: price === null || rolling.averageKw === null ? null : yearlyCapacityCostEur(rolling.averageKw, price),
      costOfOneMoreKwEur: price === null ? null : costOfRaisingPeakEur(current.peakKw, (current.peakKw ?? 0) + 1, this.minimumKw, price),
    };
  }

  private advanceTo(time: number, events: PeakEvent[]): void {
    if (time < this.currentEnd) return;
    const monthStart = startOfBrusselsMonth(time);
    if (this.currentStart !== null && monthStart <= this.currentStart) return;
    if (this.currentStart !== null) {
      const ended = this.record(this.currentStart);
      const w = peakW(ended);
      events.push({ type: 'month-closed', monthStart: ended.monthStart, month: ended.month, peakKw: w === null ? null : w / 1000 });
    }
    this.currentStart = monthStart;
    this.currentEnd = startOfNextBrusselsMonth(monthStart);
    this.record(monthStart);
    this.lastMonthPeak = null;
    this.lastMonthPeakRecord = null;
    const keep = new Set(monthStartsEndingWith(monthStart, MONTHS_KEPT));
    for (const start of this.months.keys()) if (!keep.has(start)) this.months.delete(start);
  }

  /**
   * 1.6.0 is "this month's" peak; one timestamped before this month is a value the meter has not
   * reset yet, and belongs to the month it names (until 98.1.0 gives that month's final figure).
   */
  private takeMeterMonthPeak(peak: { time: number; kw: number }, current: MonthRecord, now: number, events: PeakEvent[]): MonthRecord | null {
    const record = peak.time >= current.monthStart ? current : this.record(startOfBrusselsMonth(peak.time));
    if (record.meterFinal) return null;
    record.meterPeakW = toW(peak.kw);
    record.meterPeakTime = peak.time;
    record.meterSeenAt = now;
    this.check(record, events);
    return record;
  }

  private check(record: MonthRecord, events: PeakEvent[]): void {
    if (record.meterPeakW === null || record.meterPeakTime === null) return;
    const meterW = record.meterPeakW;
    const meterTime = record.meterPeakTime;
    const report = (reason: 'quarter-differs' | 'own-quarter-higher', ownStart: number, ownW: number): void => {
      const key = `${record.monthStart}|${reason}|${meterW}|${meterTime}|${ownStart}|${ownW}`;
      if (this.reported.has(key)) return;
      this.reported.add(key);
      events.push({
        type: 'month-peak-disagreement', monthStart: record.monthStart, month: record.month,
        meterKw: meterW / 1000, meterTime, ownKw: ownW / 1000, ownQuarterStart: ownStart, reason,
      });
    };
    // The meter's timestamp may mark the start or the end of its quarter: either may match.
    const candidates = [startOfQuarter(meterTime), startOfQuarter(meterTime - QUARTER_MS)];
    const ours = candidates.filter((start) => record.own.has(start));
    if (ours.length && !ours.some((start) => Math.abs(record.own.get(start)! - meterW) <= PEAK_RESOLUTION_W)) {
      report('quarter-differs', ours[0]!, record.own.get(ours[0]!)!);
    }
    if (record.ownPeakW !== null && record.ownPeakStart !== null && record.ownPeakW > meterW + PEAK_RESOLUTION_W) {
      // Our highest quarter that the meter has had time to take in: all of them once 98.1.0 has
      // closed the month; else those that ended a minute before the latest 1.6.0 of the month.
      const settledAt = record.meterFinal ? Infinity : record.meterSeenAt;
      let best: [number, number] | null = null;
      for (const [start, w] of record.own) {
        if (start + QUARTER_MS + METER_SETTLE_MS > settledAt) continue;
        if (w > meterW + PEAK_RESOLUTION_W && (!best || w > best[1])) best = [start, w];
      }
      if (best) report('own-quarter-higher', best[0], best[1]);
    }
  }

  private record(monthStart: number): MonthRecord {
    let record = this.months.get(monthStart);
    if (!record) {
      record = {
        monthStart, month: monthKey(monthStart), meterPeakW: null, meterPeakTime: null, meterFinal: false, meterSeenAt: -Infinity,
        own: new Map(), ownPeakW: null, ownPeakStart: null, ownCompleteQuarters: 0,
      };
      this.months.set(monthStart, record);
    }
    return record;
  }

  private view(r: MonthRecord): MonthPeak {
    const w = peakW(r);
    return {
      monthStart: r.monthStart, month: r.month,
      meterPeakKw: r.meterPeakW === null ? null : r.meterPeakW / 1000, meterPeakTime: r.meterPeakTime,
      ownPeakKw: r.ownPeakW === null ? null : r.ownPeakW / 1000, ownPeakStart: r.ownPeakStart,
      ownCompleteQuarters: r.ownCompleteQuarters,
      peakKw: w === null ? null : w / 1000,
    };
  }
}

function peakW(r: MonthRecord): number | null {
  if (r.meterPeakW === null) return r.ownPeakW;
  if (r.ownPeakW === null) return r.meterPeakW;
  return Math.max(r.meterPeakW, r.ownPeakW);
}

function samePeak(a: DemandPeak, b: DemandPeak | null): boolean {
  return b !== null && a.time === b.time && a.kw === b.kw;
}

function sameHistory(a: Telegram['peakHistory'], b: Telegram['peakHistory']): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.month !== y.month || x.time !== y.time || x.kw !== y.kw) return false;
  }
  return true;
}
