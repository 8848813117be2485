import { brusselsLocalToUtc, brusselsParts, startOfBrusselsDay, startOfNextBrusselsDay } from '../../../shared/time/brussels.js';
import type { TimeRange } from './types.js';

/**
 * When to ask for prices. The day-ahead auction closes at 12:00 CE(S)T and the results appear
 * around 12:45-13:00 Brussels time; asking at 13:00 local gets tomorrow's prices on the first
 * try most days, and a backoff covers the late days without hammering the platform.
 */
export const PUBLICATION_LOCAL_HOUR = 13;
export const RETRY_FIRST_MS = 5 * 60_000;
export const RETRY_MAX_MS = 60 * 60_000;

/** The Brussels day containing `t` as [local midnight, next local midnight). */
export function brusselsDay(t: number): TimeRange {
  return { start: startOfBrusselsDay(t), end: startOfNextBrusselsDay(t) };
}

/** 13:00 Brussels time on the day containing `t`. */
export function publicationTime(t: number): number {
  const p = brusselsParts(t);
  return brusselsLocalToUtc(p.year, p.month, p.day, PUBLICATION_LOCAL_HOUR);
}

/** 5, 10, 20, 40, 60, 60 ... minutes after the 1st, 2nd, ... attempt that brought nothing new. */
export function retryDelay(failedAttempts: number): number {
  return Math.min(RETRY_FIRST_MS * 2 ** Math.max(0, failedAttempts - 1), RETRY_MAX_MS);
}

export interface Coverage {
  today: boolean;
  tomorrow: boolean;
}

/**
 * The next moment to fetch: soon (with backoff) while a needed day is missing, else at the
 * next publication time. Tomorrow is needed only from today's publication time on.
 */
export function nextAttemptAt(now: number, coverage: Coverage, failedAttempts: number): number {
  const retry = now + retryDelay(Math.max(1, failedAttempts));
  if (!coverage.today) return retry;
  const publication = publicationTime(now);
  if (now < publication) return publication;
  if (!coverage.tomorrow) return retry;
  return publicationTime(startOfNextBrusselsDay(now));
}
