/**
 * The simulator's run options as people write them (command line, configuration): a start
 * time, a duration, a speed. Errors name the option and show what is expected.
 */
import { brusselsLocalToUtc } from '../../../shared/time/brussels.js';

export class SimulatorOptionError extends Error {
  override name = 'SimulatorOptionError';
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * An ISO time: with an offset (Z, +01:00) it is that instant; without one it is Brussels local
 * time ("2025-01-15T18:00", "2025-07-01"). 'now' or undefined: the current second.
 */
export function parseStart(text: string | undefined, now: () => number = Date.now): number {
  if (text === undefined || text === 'now') return Math.floor(now() / 1000) * 1000;
  const local = LOCAL.exec(text);
  if (local) {
    const [year, month, day, hour = 0, minute = 0, second = 0] = local.slice(1).map((part) => (part === undefined ? undefined : Number(part))) as number[];
    const probe = new Date(Date.UTC(year!, month! - 1, day!, hour, minute, second));
    if (probe.getUTCMonth() !== month! - 1 || probe.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
      throw new SimulatorOptionError(`--start ${text}: not a valid date and time`);
    }
    return brusselsLocalToUtc(year!, month!, day!, hour, minute, second);
  }
  const instant = WITH_OFFSET.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(instant)) {
    throw new SimulatorOptionError(`--start ${text}: expected an ISO time such as 2025-01-15T18:00 (Brussels time) or 2025-01-15T17:00:00Z`);
  }
  return Math.floor(instant / 1000) * 1000;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** "90s", "15m", "1h", "7d" (or plain seconds) as a number of seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(s|m|h|d)?$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[match[2] ?? 's']! : Number.NaN;
  if (!(seconds > 0)) throw new SimulatorOptionError(`--duration ${text}: expected a positive duration such as 90s, 15m, 1h or 7d`);
  return seconds;
}

/** A positive factor ("10", "0.5") or "max". */
export function parseSpeed(text: string): number | 'max' {
  if (text === 'max') return 'max';
  const speed = Number(text);
  if (!(speed > 0) || !Number.isFinite(speed)) throw new SimulatorOptionError(`--speed ${text}: expected a positive number (1 = real time) or max`);
  return speed;
}
