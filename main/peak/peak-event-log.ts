/**
 * Peak events as log lines: a sentence a person can act on, at the right level, and logged once
 * per condition where one can persist (a meter whose telegrams lack counters would otherwise
 * log every second). The wording lives here, beside the events; the caller owns the logger.
 */
import type { Logger } from 'pino';
import type { PeakEvent } from '../../shared/peak/events.js';
import type { ConditionLog } from '../log/logger.js';
import type { PeakUpdate } from './peak-monitor.js';

export interface PeakEventLine {
  level: 'info' | 'warn';
  /** ConditionLog key for a condition that can last; null for a one-off event */
  condition: string | null;
  message: string;
}

/** ConditionLog key of "the quarter tracker cannot use the telegrams". */
export const READING_CONDITION = 'peak.reading';

function iso(time: number | null): string {
  return time === null ? 'unknown time' : new Date(time).toISOString();
}

export function describePeakEvent(event: PeakEvent): PeakEventLine {
  switch (event.type) {
    case 'quarter-seeded':
      return { level: 'info', condition: null, message: `quarter ${iso(event.quarterStart)}: started mid-quarter, energy so far taken from the meter's 1-0:1.4.0 (${event.meterKw} kW / 4 = ${event.seedKwh} kWh)` };
    case 'seed-check':
      return event.agrees
        ? { level: 'info', condition: null, message: `1-0:1.4.0 matches 4 x the energy from the counters over the quarter ${iso(event.quarterStart)} (${event.samples} telegrams, at most ${event.maxDeviationKw} kW apart)` }
        : { level: 'warn', condition: null, message: `1-0:1.4.0 does not behave as "energy so far x 4" on this meter (up to ${event.maxDeviationKw} kW from the counters over the quarter ${iso(event.quarterStart)}, tolerance ${event.toleranceKw} kW): a start mid-quarter will be seeded from it anyway, treat that first quarter's budget with care` };
    case 'reading-ignored':
      return { level: 'warn', condition: READING_CONDITION, message: `quarter tracker: telegram at ${iso(event.time)} not used (${event.reason}): ${event.detail}` };
    case 'counter-break':
      return { level: 'warn', condition: null, message: `quarter tracker: ${event.detail} (${event.reason}); the quarter ${iso(event.quarterStart)} is kept as incomplete` };
    case 'month-peak-disagreement':
      return event.reason === 'quarter-differs'
        ? { level: 'warn', condition: null, message: `month ${event.month}: the meter's peak ${event.meterKw} kW (stamped ${iso(event.meterTime)}) differs from our quarter ${iso(event.ownQuarterStart)} at ${event.ownKw} kW by more than 0.004 kW` }
        : { level: 'warn', condition: null, message: `month ${event.month}: our quarter ${iso(event.ownQuarterStart)} at ${event.ownKw} kW is above the meter's month peak ${event.meterKw} kW` };
    case 'month-closed':
      return { level: 'info', condition: null, message: `month ${event.month} closed with a peak of ${event.peakKw === null ? 'unknown' : `${event.peakKw} kW`}` };
  }
}

/** Log one update's events; a lasting condition once when it starts and once when it clears. */
export function logPeakUpdate(update: PeakUpdate, log: Logger, conditions: ConditionLog): void {
  for (const event of update.events) {
    const line = describePeakEvent(event);
    if (line.condition === null) log[line.level]({ event }, line.message);
    else conditions.report(line.condition, event.type === 'reading-ignored' ? event.reason : event.type, line.level, line.message, { event });
  }
  const state = conditions.current(READING_CONDITION);
  if (update.accepted && state !== undefined && state !== 'ok') {
    conditions.report(READING_CONDITION, 'ok', 'info', 'quarter tracker: telegrams usable again');
  }
}
