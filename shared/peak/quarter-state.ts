/**
 * What the quarter-hour tracker and the month peaks publish: plain serialisable objects (numbers,
 * booleans, null; times as epoch ms UTC) for the dashboard, the bus and the store. The zod schemas
 * validate them where they cross a process boundary; the types are inferred from them so the two
 * can never disagree. The meaning of every number is in capacity-tariff.md and the README section
 * "Capacity tariff".
 */
import { z } from 'zod';

const epochMs = z.number().int();
const kw = z.number();

/**
 * Where the quarter's energy so far comes from: the import counters since a reading within 2 s of
 * the quarter start ('counters'), the meter's 1-0:1.4.0 at a start mid-quarter plus the counters
 * since ('meter-1.4.0+counters'), or only the counters since the first reading seen
 * ('counters-partial': an underestimate, the quarter started before we saw it).
 */
export const quarterEnergySourceSchema = z.enum(['counters', 'meter-1.4.0+counters', 'counters-partial']);
export type QuarterEnergySource = z.infer<typeof quarterEnergySourceSchema>;

/** The running quarter and its budget, recomputed on every telegram. */
export const quarterStateSchema = z.object({
  /** meter time of the telegram this state was computed from */
  time: epochMs,
  /** clock quarter (:00/:15/:30/:45) */
  quarterStart: epochMs,
  quarterEnd: epochMs,
  /** t: seconds elapsed in the quarter, 0..900 */
  elapsedS: z.number(),
  /** E: kWh imported so far in this quarter */
  energySoFarKwh: z.number(),
  energySource: quarterEnergySourceSchema,
  /** 4 x E: the quarter's average if nothing more were imported (what 1-0:1.4.0 shows) */
  averageSoFarKw: kw,
  /** P: import power now (1-0:1.7.0) */
  powerKw: kw,
  /** F = 4 x (E + P x (900 - t) / 3600): the quarter's average if P holds */
  forecastKw: kw,
  /** T = max(minimum, month peak so far, user floor) */
  targetKw: kw,
  /** A = (T/4 - E) x 3600 / (900 - t): average power allowed for the rest of the quarter */
  allowedKw: kw,
  /** G = A - P: headroom now; negative means too much */
  gapKw: kw,
  /** min(P, -G) when G < 0, else 0: the import to cut now to end the quarter at T */
  shedNowKw: kw,
  /** E >= T/4: the quarter already reaches the target, every further kWh raises the peak */
  quarterLost: z.boolean(),
  /** F > T held for the dwell time (or E alone already exceeds T): see NewPeakFlag */
  newPeakInTheMaking: z.boolean(),
  /** this month's peak so far: max of the meter's 1-0:1.6.0 and our complete quarters; null when neither */
  monthPeakKw: kw.nullable(),
  /** the user's chosen floor for T (0 when none) */
  userFloorKw: kw,
});
export type QuarterState = z.infer<typeof quarterStateSchema>;

/** A quarter that has ended, for the store and the month peaks. */
export const closedQuarterSchema = z.object({
  start: epochMs,
  end: epochMs,
  /**
   * complete: 4 x (import counters at the end - at the start), readings within 2 s of both
   * boundaries; incomplete: 4 x the energy seen (an underestimate)
   */
  averageKw: kw,
  complete: z.boolean(),
});
export type ClosedQuarter = z.infer<typeof closedQuarterSchema>;

/** One Brussels calendar month's peak as far as we know it. */
export const monthPeakSchema = z.object({
  /** local midnight of the 1st, Europe/Brussels, as epoch ms UTC */
  monthStart: epochMs,
  /** "YYYY-MM" */
  month: z.string(),
  /** the meter's figure: 0-0:98.1.0 for a closed month, else the latest 1-0:1.6.0 */
  meterPeakKw: kw.nullable(),
  meterPeakTime: epochMs.nullable(),
  /** the highest of our own complete quarters in the month */
  ownPeakKw: kw.nullable(),
  ownPeakStart: epochMs.nullable(),
  ownCompleteQuarters: z.number().int(),
  /** max(meter, own); null when neither is known */
  peakKw: kw.nullable(),
});
export type MonthPeak = z.infer<typeof monthPeakSchema>;

/** The month panel: this month, the closed months and what they cost. */
export const monthPeaksStateSchema = z.object({
  current: monthPeakSchema,
  /** closed months, oldest first: the 13 before this one at most (what 0-0:98.1.0 holds) */
  closed: z.array(monthPeakSchema),
  /** the tariff's per-month minimum (Flanders: 2.5 kW) */
  minimumKw: kw,
  /**
   * average of the known month peaks among the 12 months ending with this one, each counted as
   * at least minimumKw (months without data are left out); null when none is known
   */
  rollingAverageKw: kw.nullable(),
  monthsKnown: z.number().int(),
  /** rollingAverageKw x price per kW per year (rates, excl. VAT); null without a price or data */
  projectedYearlyCostEur: z.number().nullable(),
  /** what raising this month's peak by 1 kW adds to the bill: the part above the minimum x price / 12 */
  costOfOneMoreKwEur: z.number().nullable(),
});
export type MonthPeaksState = z.infer<typeof monthPeaksStateSchema>;
