import { HOUR_MS, QUARTER_MS, type QuarterSpot, type SpotPoint, type TimeRange } from './types.js';

/**
 * Spread market time units over clock quarter hours: a 60-minute price applies to each of its
 * 4 quarters. When two points cover the same quarter (ENTSO-E may publish an hourly and a
 * 15-minute series side by side around the change of market time unit), the finer one wins:
 * it is the price the quarter actually cleared at.
 */
export function spotToQuarters(points: readonly SpotPoint[], range?: TimeRange): QuarterSpot[] {
  const byStart = new Map<number, QuarterSpot>();
  for (const point of points) {
    const resolutionMinutes = point.durationMs === HOUR_MS ? 60 : 15;
    for (let start = point.start; start < point.start + point.durationMs; start += QUARTER_MS) {
      if (range && (start < range.start || start >= range.end)) continue;
      const existing = byStart.get(start);
      if (existing && existing.resolutionMinutes <= resolutionMinutes) continue;
      byStart.set(start, { start, eurPerMwh: point.eurPerMwh, resolutionMinutes });
    }
  }
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}

/** The quarter starts in [start, end) that have no price. */
export function missingQuarters(quarters: readonly QuarterSpot[], range: TimeRange): number[] {
  const have = new Set(quarters.map((q) => q.start));
  const missing: number[] = [];
  for (let t = range.start; t < range.end; t += QUARTER_MS) if (!have.has(t)) missing.push(t);
  return missing;
}
