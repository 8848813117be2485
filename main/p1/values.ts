/**
 * Readers for the values inside a P1 group, working on positions in the frame's text so the
 * parser allocates no substrings. Each returns NaN for a value that is not what the OBIS code
 * promises: that is how a line corrupted past the CRC (or a dialect) gives a null field and a warning.
 */

const POWERS_OF_TEN = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000,
  1e10, 1e11, 1e12];

/**
 * A decimal number `digits[.digits]` in text[start, end), divided by 10^`scale` (3 turns Wh into
 * kWh). Accumulating the digits as an integer and dividing once by a power of ten gives the same
 * double as parsing the decimal text (both are the correctly rounded value), at a fraction of the
 * cost; dividing once also keeps a converted Wh value exactly the kWh value written in decimal.
 */
export function readDecimal(text: string, start: number, end: number, scale = 0): number {
  if (start >= end) return Number.NaN;
  let integer = 0;
  let fractionDigits = -1;
  let digits = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x2e /* . */) {
      if (fractionDigits !== -1 || i === start || i === end - 1) return Number.NaN;
      fractionDigits = 0;
      continue;
    }
    const digit = code - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    integer = integer * 10 + digit;
    digits++;
    if (fractionDigits !== -1) fractionDigits++;
  }
  if (digits > 15 || fractionDigits > 9) return Number.NaN;
  const divisor = (fractionDigits > 0 ? fractionDigits : 0) + scale;
  return divisor > 0 ? integer / POWERS_OF_TEN[divisor]! : integer;
}

/** `number*unit` in text[start, end) with exactly the expected unit. */
export function readQuantity(text: string, start: number, end: number, unit: string): number {
  const star = end - unit.length - 1;
  if (star <= start || text.charCodeAt(star) !== 0x2a /* * */) return Number.NaN;
  // compared code by code: startsWith with an offset is a runtime call on the hot path
  for (let i = 0; i < unit.length; i++) if (text.charCodeAt(star + 1 + i) !== unit.charCodeAt(i)) return Number.NaN;
  return readDecimal(text, start, star);
}

/**
 * An electricity quantity in the contract's kilo unit: `number*kWh` (or kW) as written, or
 * `number*Wh` (or W) as some Austrian and Hungarian meters write it, converted. `unit` is the
 * base unit, "Wh" or "W". NaN for anything else.
 */
export function readKiloQuantity(text: string, start: number, end: number, unit: string): number {
  const base = end - unit.length;
  for (let i = 0; i < unit.length; i++) if (text.charCodeAt(base + i) !== unit.charCodeAt(i)) return Number.NaN;
  const before = text.charCodeAt(base - 1);
  if (before === 0x6b /* k */) {
    return base - 2 > start && text.charCodeAt(base - 2) === 0x2a /* * */ ? readDecimal(text, start, base - 2) : Number.NaN;
  }
  return before === 0x2a && base - 1 > start ? readDecimal(text, start, base - 1, 3) : Number.NaN;
}

/**
 * Why `number*unit` in text[start, end) could not be read, for a warning (the slow path: only
 * called when reading failed). Ends with the value as written, after ': '.
 */
export function quantityProblem(text: string, start: number, end: number, expected: string): string {
  const written = text.slice(start, end);
  const star = written.lastIndexOf('*');
  if (star < 0) return `no unit, ${expected} expected: "${written}"`;
  const unit = written.slice(star + 1);
  if (!expected.split(' or ').includes(unit)) return `unit "${unit}" where ${expected} was expected: "${written}"`;
  return `not a number in ${unit}: "${written}"`;
}

/** `number*unit` with any of a few units, e.g. an M-Bus reading in m3, GJ or kWh. */
export function readQuantityWithUnit(text: string, start: number, end: number, units: readonly string[]):
  { value: number; unit: string } | null {
  for (const unit of units) {
    const value = readQuantity(text, start, end, unit);
    if (!Number.isNaN(value)) return { value, unit };
  }
  return null;
}

function hexDigit(c: number): number {
  return c <= 57 ? c - 48 : (c | 0x20) - 87;
}

/** Hex digits only, even count: the shape of a hex-encoded id or message. */
function isHexText(text: string, start: number, end: number): boolean {
  if ((end - start) % 2 !== 0 || end === start) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/**
 * Ids and messages are written as hex-encoded ASCII ("3153414733…" is "1SAG3…"): decode when the
 * result is printable text, else keep the text as written (Walloon meters write ids plainly).
 */
export function readHexText(text: string, start: number, end: number): string {
  // The meter and gas meter ids come in every telegram and never change: remember the last few.
  for (const entry of recentHexTexts) {
    if (entry.written.length === end - start && text.startsWith(entry.written, start)) return entry.decoded;
  }
  const decoded = decodeHexText(text, start, end);
  recentHexTexts[nextHexSlot] = { written: text.slice(start, end), decoded };
  nextHexSlot = (nextHexSlot + 1) % 4;
  return decoded;
}

const recentHexTexts: { written: string; decoded: string }[] = [];
let nextHexSlot = 0;

function decodeHexText(text: string, start: number, end: number): string {
  const written = text.slice(start, end);
  if (!isHexText(text, start, end)) return written;
  let decoded = '';
  for (let i = start; i < end; i += 2) {
    const code = hexDigit(text.charCodeAt(i)) * 16 + hexDigit(text.charCodeAt(i + 1));
    if (code < 0x20 || code > 0x7e) return written;
    decoded += String.fromCharCode(code);
  }
  return decoded;
}
