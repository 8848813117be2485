/**
 * Pure helpers for replaying a recording: cut it into telegrams and work out how far apart
 * the meter sent them. Framing proper (CRC, truncation) is the decoder's job downstream; here
 * a '/' is enough, because '/' never occurs inside a telegram.
 */
import { parseP1Time } from '../timestamp.js';

const SLASH = 0x2f;

/** Split at every '/'; bytes before the first '/' stay with the first piece (nothing is lost). */
export function splitAtTelegramStarts(bytes: Uint8Array): Uint8Array[] {
  const starts: number[] = [];
  for (let i = bytes.indexOf(SLASH); i !== -1; i = bytes.indexOf(SLASH, i + 1)) starts.push(i);
  if (starts.length === 0) return bytes.length > 0 ? [bytes] : [];
  starts[0] = 0;
  return starts.map((start, k) => bytes.subarray(start, starts[k + 1] ?? bytes.length));
}

const TIME_LINE = '0-0:1.0.0(';

/**
 * The meter's own time in a telegram (0-0:1.0.0), epoch ms, or null: read by the parser's own
 * timestamp reader (S/W flags, Brussels rules without them), without parsing the whole telegram.
 */
export function meterTimeOf(telegram: Uint8Array): number | null {
  const text = Buffer.from(telegram.buffer, telegram.byteOffset, telegram.byteLength).toString('latin1');
  const at = text.indexOf(TIME_LINE);
  if (at < 0) return null;
  const start = at + TIME_LINE.length;
  const end = text.indexOf(')', start);
  if (end < 0) return null;
  const time = parseP1Time(text, start, end, null);
  return time === null || Number.isNaN(time) ? null : time;
}

/** The meter sends one telegram a second; used where the recording cannot tell. */
export const DEFAULT_GAP_MS = 1000;
/** A longer gap in a recording (the recorder was off) is replayed as one ordinary second. */
export const MAX_REPLAYED_GAP_MS = 60_000;

/**
 * gaps[i] = how long after telegram i-1 the meter sent telegram i, at real speed (gaps[0] = 0).
 * Taken from the meter timestamps when both are readable and plausible, else 1 s.
 */
export function gapsBetween(telegrams: Uint8Array[]): number[] {
  const times = telegrams.map(meterTimeOf);
  return times.map((time, i) => {
    if (i === 0) return 0;
    const previous = times[i - 1];
    if (time === null || previous === null || previous === undefined) return DEFAULT_GAP_MS;
    const gap = time - previous;
    return gap >= 0 && gap <= MAX_REPLAYED_GAP_MS ? gap : DEFAULT_GAP_MS;
  });
}
