/**
 * The meter's demand registers, exactly as capacity-tariff.md defines them:
 * 1-0:1.4.0 = energy imported so far in the clock quarter x 4, 1-0:1.6.0 = the month's highest
 * closed quarter (with the quarter's start time), 0-0:98.1.0 = up to 13 closed months.
 * Energy is kept in joules (integer W x 1 s), so the averages are exact; kW are shown with
 * three decimals, i.e. whole watts, truncated as the meter's registers are.
 */
import { startOfBrusselsMonth, startOfNextBrusselsMonth, startOfQuarter } from '../../../shared/time/brussels.js';

export interface PeakRecord {
  /** start of the quarter */
  time: number;
  watts: number;
}

export interface ClosedMonth {
  /** the moment the month closed: the start of the next month */
  closedAt: number;
  peak: PeakRecord | null;
}

const QUARTER_MS = 900_000;
export const MAX_CLOSED_MONTHS = 13;

export class DemandRegisters {
  quarterStart: number;
  private quarterJoules = 0;
  private monthEnd: number;
  monthPeak: PeakRecord | null = null;
  readonly closedMonths: ClosedMonth[] = [];
  /** bumped when monthPeak or closedMonths change, so the formatter re-encodes those lines only then */
  version = 0;

  constructor(startUtc: number) {
    this.quarterStart = startOfQuarter(startUtc);
    this.monthEnd = startOfNextBrusselsMonth(startUtc);
  }

  /** Average demand of the running quarter so far: imported energy x 4, in whole watts. */
  get runningAverageW(): number {
    return Math.floor(this.quarterJoules / 900);
  }

  addImport(joules: number): void {
    this.quarterJoules += joules;
  }

  /** Move to the quarter containing utcMs, closing the running quarter (and month) if it ended. */
  advanceTo(utcMs: number): void {
    if (utcMs < this.quarterStart + QUARTER_MS) return;
    const averageW = this.runningAverageW;
    if (!this.monthPeak || averageW > this.monthPeak.watts) {
      this.monthPeak = { time: this.quarterStart, watts: averageW };
      this.version++;
    }
    this.quarterStart = startOfQuarter(utcMs);
    this.quarterJoules = 0;
    if (this.quarterStart >= this.monthEnd) {
      this.closedMonths.push({ closedAt: this.monthEnd, peak: this.monthPeak });
      if (this.closedMonths.length > MAX_CLOSED_MONTHS) this.closedMonths.shift();
      this.monthPeak = null;
      this.monthEnd = startOfNextBrusselsMonth(this.quarterStart);
      this.version++;
    }
  }

  /** The month the registers are in (its start), for tests and controllers. */
  get monthStart(): number {
    return startOfBrusselsMonth(this.quarterStart);
  }
}
