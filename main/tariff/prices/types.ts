/**
 * Day-ahead spot prices: the shapes every price source returns and the price service keeps.
 * Times are epoch ms UTC; a price is in EUR/MWh as the market publishes it.
 */

export const QUARTER_MS = 900_000;
export const HOUR_MS = 3_600_000;

/** One published market time unit: 15 minutes since 1 October 2025, an hour before. */
export interface SpotPoint {
  /** start of the market time unit, epoch ms UTC */
  start: number;
  /** QUARTER_MS or HOUR_MS */
  durationMs: number;
  eurPerMwh: number;
}

/** A spot price for one clock quarter hour (an hourly price spread over its 4 quarters). */
export interface QuarterSpot {
  /** start of the quarter, epoch ms UTC */
  start: number;
  eurPerMwh: number;
  /** resolution of the market unit the price came from, in minutes (15 or 60) */
  resolutionMinutes: 15 | 60;
}

export type PriceSourceName = 'entsoe' | 'energy-charts';

export interface TimeRange {
  /** inclusive, epoch ms UTC */
  start: number;
  /** exclusive, epoch ms UTC */
  end: number;
}

/**
 * One price provider. `fetchSpot` returns the points it has inside the range (an empty array
 * when the market has not published them yet) and throws PriceSourceError when it cannot
 * answer. The signal aborts the request (service shutdown).
 */
export interface PriceSource {
  readonly name: PriceSourceName;
  fetchSpot(range: TimeRange, signal?: AbortSignal): Promise<SpotPoint[]>;
}

export type PriceSourceFailure =
  /** the server could not be reached or the connection broke */
  | 'unreachable'
  /** no answer within the timeout */
  | 'timeout'
  /** HTTP status other than success, or an error document (ENTSO-E Acknowledgement) */
  | 'refused'
  /** an answer that is not in the documented format */
  | 'bad-answer'
  /** the request was cancelled by the caller */
  | 'aborted';

/** A price source that did not answer with prices; `message` is safe to show and log (no token). */
export class PriceSourceError extends Error {
  override name = 'PriceSourceError';
  constructor(
    readonly source: PriceSourceName,
    readonly failure: PriceSourceFailure,
    message: string,
  ) {
    super(`${source}: ${message}`);
  }
}

/** What the price service knows, for the dashboard and the CLI. */
export interface PriceStatus {
  /** where the prices in force come from; 'none': no prices, register rates apply */
  source: PriceSourceName | 'cache' | 'none';
  /** when the last successful fetch happened (epoch ms UTC), null when never */
  fetchedAt: number | null;
  /** end of the last quarter with a known price (epoch ms UTC, exclusive), null when none */
  coversUntil: number | null;
  /** a sentence for the user */
  message: string;
}
