/**
 * Things the quarter tracker and the month peaks notice that a person may need to know. They are
 * returned, never logged here (the core is pure): the caller logs them, once per condition
 * (ConditionLog) where a condition can persist.
 */
export type PeakEvent =
  /** a start mid-quarter: E begins at 1-0:1.4.0 / 4 instead of 0 */
  | { type: 'quarter-seeded'; quarterStart: number; time: number; meterKw: number; seedKwh: number }
  /**
   * the first complete quarter that carried 1-0:1.4.0, compared telegram by telegram with our own
   * 4 x E from the counters: agrees=false means seeding from 1.4.0 cannot be trusted on this meter
   */
  | {
      type: 'seed-check'; quarterStart: number; samples: number; maxDeviationKw: number;
      toleranceKw: number; agrees: boolean;
    }
  /** a telegram the tracker could not use */
  | { type: 'reading-ignored'; time: number | null; reason: ReadingIgnoredReason; detail: string }
  /**
   * the counters lost continuity (they went down: meter replaced or reset; or a jump repeated by
   * the next reading, so not a corrupted frame): the running quarter is kept as incomplete
   */
  | { type: 'counter-break'; time: number; quarterStart: number; reason: 'counter-decrease' | 'counter-jump'; detail: string }
  /** our own quarters and the meter's month peak differ by more than the counter resolution */
  | {
      type: 'month-peak-disagreement'; monthStart: number; month: string; meterKw: number;
      meterTime: number; ownKw: number; ownQuarterStart: number;
      reason: 'quarter-differs' | 'own-quarter-higher';
    }
  /** a Brussels month ended (its final figures may still improve when 0-0:98.1.0 arrives) */
  | { type: 'month-closed'; monthStart: number; month: string; peakKw: number | null };

export type ReadingIgnoredReason =
  | 'no-time'
  | 'no-import-counters'
  | 'time-not-after-previous'
  /** a meter time far ahead of the last one, held until the next telegrams confirm it */
  | 'time-jump'
  | 'implausible-jump';
