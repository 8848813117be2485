/**
 * Pure helpers for replaying a recording: cut it into telegrams and work out how far apart
 * the meter sent them. Framing proper (CRC, truncation) is the decoder's job downstream; here
 * a '/' is enough, because '/' never occurs inside a telegram.
 */
const SLASH = 0x2f;

/** Split at every '/'; bytes before the first '/' stay with the first piece (nothing is lost). */
export function splitAtTelegramStarts(bytes: Uint8Array): Uint8Array[] {
  const starts: number[] = [];
  for (let i = bytes.indexOf(SLASH); i !== -1; i = bytes.indexOf(SLASH, i + 1)) starts.push(i);
  if (starts.length === 0) return bytes.length > 0 ? [bytes] : [];
  starts[0] = 0;
  return starts.map((start, k) => bytes.subarray(start, starts[k + 1] ?? bytes.length));
}

const TIMESTAMP = /0-0:1\.0\.0\((\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)([SW]?)\)/;

/**
 * The meter's own time in a telegram (0-0:1.0.0), epoch ms, or null. S/W give the offset; a
 * timestamp without it is taken as UTC, which is fine for what this is used for: the gap
 * between two neighbouring telegrams.
 */
export function meterTimeOf(telegram: Uint8Array): number | null {
  const match = TIMESTAMP.exec(Buffer.from(telegram.buffer, telegram.byteOffset, telegram.byteLength).toString('latin1'));
  if (!match) return null;
  const [yy, mo, dd, hh, mi, ss] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const offsetHours = match[7] === 'S' ? 2 : match[7] === 'W' ? 1 : 0;
  return Date.UTC(2000 + yy, mo - 1, dd, hh - offsetHours, mi, ss);
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
