import type { MbusKind, MbusReading, PhaseReading, RefusalReason, Telegram, ClosedMonthPeak } from '../../shared/p1/telegram.js';
import { crc16 } from './crc16.js';
import { parseP1Time } from './timestamp.js';
import { quantityProblem, readDecimal, readHexText, readKiloQuantity, readQuantity } from './values.js';

/**
 * One pass over a framed telegram: CRC first, then every line read once by position, each known
 * OBIS code checked for the shape it promises (units, digits, valid times, no code twice).
 *
 * A frame whose CRC is right is the meter speaking, so it is accepted: a line that cannot be read
 * gives null for its field and a warning, never a refused telegram (a meter in another dialect
 * would otherwise freeze every consumer, every second). Refused are only frames that fail the
 * CRC, carry none (P1 before version 4), or have no identification line. A corruption that
 * slipped past the CRC (about 1 in 65,000) thus becomes a null field, or a value the ledger and
 * quarter tracker judge by its plausibility, as they judge every counter.
 */
export type ParseOutcome =
  | { ok: true; telegram: Telegram }
  | { ok: false; error: RefusalReason; detail: string };

export interface ParseContext {
  /** time of the previous accepted telegram, to place the repeated autumn hour when there is no S/W flag */
  previousTime: number | null;
}

const BANG = 0x21;
/**
 * Buffer's own latin1 decoder, called on the frame's bytes directly: wrapping them in a Buffer
 * first (Buffer.from + toString) costs two more objects per telegram.
 */
const latin1Slice: (this: Uint8Array, start: number, end: number) => string =
  (Buffer.prototype as unknown as { latin1Slice?: (this: Uint8Array, start: number, end: number) => string }).latin1Slice
  ?? function (this: Uint8Array, start: number, end: number) { return Buffer.from(this.buffer, this.byteOffset + start, end - start).toString('latin1'); };
const MAX_GROUPS = 128;
const groupStarts = new Int32Array(MAX_GROUPS);
const groupEnds = new Int32Array(MAX_GROUPS);
/** which known fields this telegram already set: the first value of a code stands */
const seen = new Uint8Array(96);

/** A line that cannot be read: caught per line and turned into a warning. */
class LineProblem extends Error {}

function refuse(text: string): never {
  throw new LineProblem(text);
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/** Checks the '!' + 1–4 hex digits (any case, padding optional) against the bytes before it. */
function checkCrc(bytes: Uint8Array, bang: number): { error: RefusalReason; detail: string } | null {
  let written = 0;
  let digits = 0;
  let i = bang + 1;
  for (; i < bytes.length; i++) {
    const value = hexValue(bytes[i]!);
    if (value < 0) break;
    written = written * 16 + value;
    if (++digits > 4) return { error: 'crc-mismatch', detail: 'CRC has more than 4 hex digits' };
  }
  for (; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 0x0d && b !== 0x0a) return { error: 'crc-mismatch', detail: 'unexpected bytes after the CRC' };
  }
  if (digits === 0) {
    return bang + 1 < bytes.length
      ? { error: 'no-crc', detail: 'no CRC after "!": the meter speaks a P1 version older than 4 (DSMR 2.2 or 3.0), whose telegrams carry no checksum, so nothing in them can be trusted' }
      : { error: 'truncated', detail: 'the frame ends at "!" without its CRC' };
  }
  const computed = crc16(bytes, 0, bang + 1);
  return computed === written ? null
    : { error: 'crc-mismatch', detail: `CRC ${written.toString(16).toUpperCase()} written, ${computed.toString(16).toUpperCase().padStart(4, '0')} computed` };
}

export function parseFrame(bytes: Uint8Array, context: ParseContext = { previousTime: null }): ParseOutcome {
  if (bytes.length === 0 || bytes[0] !== 0x2f) return { ok: false, error: 'malformed', detail: 'frame does not start with "/"' };
  const bang = bytes.indexOf(BANG);
  if (bang < 0) return { ok: false, error: 'truncated', detail: 'no "!" before the end of the frame' };
  const crcProblem = checkCrc(bytes, bang);
  if (crcProblem) return { ok: false, ...crcProblem };
  const text = latin1Slice.call(bytes, 0, bang);
  const headerEnd = text.indexOf('\n');
  if (headerEnd < 0) return { ok: false, error: 'malformed', detail: 'no identification line: no line end between "/" and "!"' };
  const headerLength = text.charCodeAt(headerEnd - 1) === 0x0d ? headerEnd - 1 : headerEnd;
  if (headerLength <= 1) return { ok: false, error: 'malformed', detail: 'no identification line: nothing after "/"' };
  return { ok: true, telegram: parseText(text, headerEnd, headerLength, context.previousTime) };
}

function emptyTelegram(header: string): Telegram {
  return {
    header, version: null, equipmentId: null, time: null, tariff: null,
    importKwh: null, exportKwh: null, powerKw: null, phases: [],
    quarterAverageKw: null, monthPeak: null, peakHistory: [], mbus: [],
    breaker: null, limiterKw: null, fuseA: null, message: null, other: [], warnings: [],
  };
}

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * What is odd about the identification line, or null: the specification's form is three letters
 * and a digit (manufacturer + baud code), then printable text. Heat meters (/NWA-WARMTELINK) and
 * some Irish Iskra meters (a control byte) differ, and are read all the same.
 */
function headerProblem(text: string, end: number): string | null {
  for (let i = 1; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return `identification line has a non-printable byte (0x${c.toString(16).padStart(2, '0')}) at column ${i + 1}`;
  }
  const digit = text.charCodeAt(4);
  if (end < 5 || !isLetter(text.charCodeAt(1)) || !isLetter(text.charCodeAt(2)) || !isLetter(text.charCodeAt(3))
    || digit < 48 || digit > 57) {
    return `identification line is not "/XXXn…": "${text.slice(0, Math.min(end, 40))}"`;
  }
  return null;
}

const phaseSlots: (PhaseReading | undefined)[] = [undefined, undefined, undefined];
const mbusSlots: (MbusReading | undefined)[] = [undefined, undefined, undefined, undefined];

/** where the line loop continues, where the line it reads starts, and that line's number */
let scanFrom = 0;
let lineStart = 0;
let scanLine = 0;

function parseLines(
  text: string, telegram: Telegram, phases: (PhaseReading | undefined)[], mbus: (MbusReading | undefined)[], previousTime: number | null,
): void {
  while (scanFrom < text.length) {
    scanLine++;
    const start = scanFrom;
    const c = text.charCodeAt(start);
    if (c === 0x0a) { scanFrom = start + 1; continue; } // an empty line
    if (c === 0x0d && text.charCodeAt(start + 1) === 0x0a) { scanFrom = start + 2; continue; }
    lineStart = start;
    parseLine(text, start, telegram, phases, mbus, previousTime); // sets scanFrom to the next line
  }
}

function parseText(text: string, headerEnd: number, headerLength: number, previousTime: number | null): Telegram {
  seen.fill(0);
  const telegram = emptyTelegram(text.slice(1, headerLength));
  const oddHeader = headerProblem(text, headerLength);
  if (oddHeader) telegram.warnings.push({ line: 1, code: null, text: oddHeader });
  // the phases and M-Bus channels as they come, listed in order at the end (slots reused per telegram)
  const phases = phaseSlots;
  const mbus = mbusSlots;
  phases.fill(undefined);
  mbus.fill(undefined);
  scanFrom = headerEnd + 1;
  scanLine = 1;
  // the line loop runs without a try block; a line that cannot be read ends it, and it resumes
  // at the next line
  for (;;) {
    try {
      parseLines(text, telegram, phases, mbus, previousTime);
      break;
    } catch (error) {
      if (!(error instanceof LineProblem)) throw error;
      telegram.warnings.push({ line: scanLine, code: obisRead ? codeText() : null, text: error.message });
      const newline = text.indexOf('\n', lineStart); // resume at the next line
      scanFrom = newline < 0 ? text.length : newline + 1;
    }
  }
  for (const phase of phases) if (phase) telegram.phases.push(phase);
  for (const reading of mbus) if (reading) telegram.mbus.push(reading);
  return telegram;
}

/** Where the line starting at `from` ends (before its CR LF): for messages, off the hot path. */
function lineEndOf(text: string, from: number): number {
  let newline = text.indexOf('\n', from);
  if (newline < 0) newline = text.length;
  return newline > from && text.charCodeAt(newline - 1) === 0x0d ? newline - 1 : newline;
}

/** Reads `a-b:c.d.e` and returns the index of the "(" after it; fills obis[0..4]. */
const obis = new Int32Array(5);
const OBIS_SEPARATORS = [0x2d /* - */, 0x3a /* : */, 0x2e /* . */, 0x2e /* . */, 0x28 /* ( */];
function readObis(text: string, start: number): number {
  let i = start;
  for (let part = 0; part < 5; part++) {
    let value = 0;
    const first = i;
    let c = text.charCodeAt(i);
    while (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      c = text.charCodeAt(++i);
    }
    if (i === first || i - first > 3 || value > 255 || c !== OBIS_SEPARATORS[part]) {
      refuse(`not an OBIS line: "${text.slice(start, Math.min(lineEndOf(text, start), start + 80))}"`);
    }
    obis[part] = value;
    if (part < 4) i++;
  }
  return i;
}

/**
 * Finds the "(…)" groups after the OBIS code up to the line end: printable ASCII, no nesting,
 * nothing between them. The same scan finds the line end: `scanFrom` is set to the next line.
 */
function readGroups(text: string, from: number): number {
  const length = text.length;
  let count = 0;
  let i = from;
  for (;;) {
    const c = i < length ? text.charCodeAt(i) : 0x0a;
    if (c === 0x0a) { scanFrom = i + 1; break; }
    if (c === 0x0d && (i + 1 >= length || text.charCodeAt(i + 1) === 0x0a)) { scanFrom = i + 2; break; }
    if (c !== 0x28) refuse(`expected "(" at column ${i - from + 1} of the values: "${text.slice(from, lineEndOf(text, from))}"`);
    // one scan to the ")" that also checks every byte is printable and not a nested "("
    let close = i + 1;
    for (;; close++) {
      const d = text.charCodeAt(close); // NaN past the end
      if (d === 0x29) break;
      if (!(d >= 0x20 && d <= 0x7e) || d === 0x28) {
        if (d === 0x0d || d === 0x0a || close >= length) refuse(`unclosed "(": "${text.slice(from, lineEndOf(text, from))}"`);
        refuse(`unexpected character in a value: "${text.slice(from, lineEndOf(text, from))}"`);
      }
    }
    if (count === MAX_GROUPS) refuse(`more than ${MAX_GROUPS} values`);
    groupStarts[count] = i + 1;
    groupEnds[count] = close;
    count++;
    i = close + 1;
  }
  if (count === 0) refuse('no value');
  return count;
}

// The line being read. Parsing is synchronous and never re-entered, so module state stands in
// for per-line closures and keeps the hot path free of allocations.
let lineText = '';
let lineGroups = 0;
let linePreviousTime: number | null = null;
/** whether the line being read has its OBIS code read (in `obis`), for its warning */
let obisRead = false;

function codeText(): string {
  return `${obis[0]}-${obis[1]}:${obis[2]}.${obis[3]}.${obis[4]}`;
}
function once(field: number): void {
  if (seen[field]) refuse('sent twice: the first value stands');
  seen[field] = 1;
}
function single(): void {
  if (lineGroups !== 1) refuse(`should have one value, has ${lineGroups}`);
}
function pair(): void {
  if (lineGroups !== 2) refuse(`should have a time and a value, has ${lineGroups} values`);
}
function empty(group: number): boolean {
  return groupStarts[group] === groupEnds[group];
}
/**
 * A number with its unit: V or A as written; electricity in the contract's kilo units (Wh and W
 * converted). An empty value is a warning here: a meter leaves ids and messages empty, not these.
 */
function quantity(group: number, unit: 'V' | 'A'): number {
  const start = groupStarts[group]!;
  const end = groupEnds[group]!;
  if (start === end) refuse('empty value');
  const value = readQuantity(lineText, start, end, unit);
  if (Number.isNaN(value)) refuse(quantityProblem(lineText, start, end, unit));
  return value;
}
function kilo(group: number, baseUnit: 'Wh' | 'W'): number {
  const start = groupStarts[group]!;
  const end = groupEnds[group]!;
  if (start === end) refuse('empty value');
  const value = readKiloQuantity(lineText, start, end, baseUnit);
  if (Number.isNaN(value)) refuse(quantityProblem(lineText, start, end, `k${baseUnit} or ${baseUnit}`));
  return value;
}
function integer(group: number): number {
  if (empty(group)) refuse('empty value');
  const value = readDecimal(lineText, groupStarts[group]!, groupEnds[group]!);
  if (!Number.isInteger(value)) refuse(`not a whole number: "${groupText(group)}"`);
  return value;
}
function time(group: number): number | null {
  if (empty(group)) refuse('empty value');
  const value = parseP1Time(lineText, groupStarts[group]!, groupEnds[group]!, linePreviousTime);
  if (value !== null && Number.isNaN(value)) refuse(`not a valid time: "${groupText(group)}"`);
  return value;
}
function groupText(group: number): string {
  return lineText.slice(groupStarts[group]!, groupEnds[group]!);
}
/** An id or message: hex-ASCII decoded when it is, null when empty. */
function hexText(group: number): string | null {
  return empty(group) ? null : readHexText(lineText, groupStarts[group]!, groupEnds[group]!);
}
/** Keeps a line the parser does not read under `other`, as written. */
function keepOther(telegram: Telegram): void {
  const values: string[] = [];
  for (let group = 0; group < lineGroups; group++) values.push(groupText(group));
  telegram.other.push({ code: codeText(), values });
}
function phase(phases: (PhaseReading | undefined)[], n: 1 | 2 | 3): PhaseReading {
  return (phases[n - 1] ??= { phase: n, voltageV: null, currentA: null, importKw: null, exportKw: null });
}
function importPair(telegram: Telegram) { return (telegram.importKwh ??= { t1: null, t2: null }); }
function exportPair(telegram: Telegram) { return (telegram.exportKwh ??= { t1: null, t2: null }); }
function powerNow(telegram: Telegram) { return (telegram.powerKw ??= { import: null, export: null }); }

function parseLine(
  text: string, start: number, telegram: Telegram,
  phases: (PhaseReading | undefined)[], mbus: (MbusReading | undefined)[], previousTime: number | null,
): void {
  lineText = text;
  linePreviousTime = previousTime;
  obisRead = false;
  const groupsAt = readObis(text, start);
  obisRead = true;
  lineGroups = readGroups(text, groupsAt);
  const a = obis[0]!;
  const b = obis[1]!;
  const key = obis[2]! * 1_000_000 + obis[3]! * 1000 + obis[4]!;

  if (b >= 1 && b <= 4 && a === 0) {
    parseMbusLine(b, key, mbus, telegram);
    return;
  }
  if (b !== 0) {
    if (a === 1 && b === 3 && key === 2008) { // 1-3:0.2.8: Dutch DSMR version
      once(1); single(); integer(0);
      telegram.version = empty(0) ? null : groupText(0);
      return;
    }
    keepOther(telegram);
    return;
  }
  if (a === 0) {
    switch (key) {
      case 96001004: once(1); single(); integer(0); telegram.version = empty(0) ? null : groupText(0); return;
      case 96001001: case 96001000: once(2); single(); telegram.equipmentId = hexText(0); return;
      case 1000000: once(3); single(); telegram.time = time(0); return;
      case 96014000: once(4); single(); telegram.tariff = integer(0); return;
      case 98001000:
        if (!belgianPeakHistoryShape()) { keepOther(telegram); return; } // e.g. E.ON Hungary's monthly billing record
        once(5); telegram.peakHistory = readPeakHistory(); return;
      case 96003010: once(6); single(); telegram.breaker = integer(0); return;
      case 17000000: once(7); single(); telegram.limiterKw = kilo(0, 'W'); return;
      case 96013000: {
        once(8); single();
        const message = hexText(0);
        telegram.message = message === '' ? null : message;
        return;
      }
      default: keepOther(telegram); return;
    }
  }
  if (a !== 1) { keepOther(telegram); return; }
  switch (key) {
    case 1008001: once(10); single(); importPair(telegram).t1 = kilo(0, 'Wh'); return;
    case 1008002: once(11); single(); importPair(telegram).t2 = kilo(0, 'Wh'); return;
    case 2008001: once(12); single(); exportPair(telegram).t1 = kilo(0, 'Wh'); return;
    case 2008002: once(13); single(); exportPair(telegram).t2 = kilo(0, 'Wh'); return;
    case 1007000: once(14); single(); powerNow(telegram).import = kilo(0, 'W'); return;
    case 2007000: once(15); single(); powerNow(telegram).export = kilo(0, 'W'); return;
    case 1004000: once(16); single(); telegram.quarterAverageKw = kilo(0, 'W'); return;
    case 1006000: {
      once(17); pair();
      const peakTime = time(0);
      telegram.monthPeak = { time: peakTime, kw: kilo(1, 'W') };
      return;
    }
    case 31004000: once(18); single(); telegram.fuseA = quantity(0, 'A'); return;
    case 21007000: once(20); single(); phase(phases, 1).importKw = kilo(0, 'W'); return;
    case 41007000: once(21); single(); phase(phases, 2).importKw = kilo(0, 'W'); return;
    case 61007000: once(22); single(); phase(phases, 3).importKw = kilo(0, 'W'); return;
    case 22007000: once(23); single(); phase(phases, 1).exportKw = kilo(0, 'W'); return;
    case 42007000: once(24); single(); phase(phases, 2).exportKw = kilo(0, 'W'); return;
    case 62007000: once(25); single(); phase(phases, 3).exportKw = kilo(0, 'W'); return;
    case 32007000: once(26); single(); phase(phases, 1).voltageV = quantity(0, 'V'); return;
    case 52007000: once(27); single(); phase(phases, 2).voltageV = quantity(0, 'V'); return;
    case 72007000: once(28); single(); phase(phases, 3).voltageV = quantity(0, 'V'); return;
    case 31007000: once(29); single(); phase(phases, 1).currentA = quantity(0, 'A'); return;
    case 51007000: once(30); single(); phase(phases, 2).currentA = quantity(0, 'A'); return;
    case 71007000: once(31); single(); phase(phases, 3).currentA = quantity(0, 'A'); return;
    default: keepOther(telegram); return;
  }
}

/**
 * The Belgian 0-0:98.1.0 starts with a month count of one or two digits. E.ON Hungary uses the
 * same code for a monthly billing record starting with a timestamp: that is not a peak history.
 */
function belgianPeakHistoryShape(): boolean {
  const length = groupEnds[0]! - groupStarts[0]!;
  if (length < 1 || length > 2) return false;
  for (let i = groupStarts[0]!; i < groupEnds[0]!; i++) {
    const c = lineText.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * 0-0:98.1.0(N)(1-0:1.6.0)(1-0:1.6.0) then N triples (month closed)(peak time)(kW). An empty
 * buffer ends with "()". The meter's order is kept: real meters send oldest first, the
 * specification's example newest first.
 */
function readPeakHistory(): ClosedMonthPeak[] {
  const text = lineText;
  const groups = lineGroups;
  const count = readDecimal(text, groupStarts[0]!, groupEnds[0]!);
  if (count > 13) refuse(`a month count of at most 13 expected: "${groupText(0)}"`);
  let next = 1;
  // the two column descriptors, when present
  while (next < groups && next <= 2 && text.charCodeAt(groupStarts[next]!) === 0x31 /* '1' of 1-0:1.6.0 */
    && groupEnds[next]! - groupStarts[next]! === 9) next++;
  const history: ClosedMonthPeak[] = [];
  while (next + 2 < groups && history.length < count) {
    history.push({ month: time(next), time: time(next + 1), kw: kilo(next + 2, 'W') });
    next += 3;
  }
  // anything left must be a lone empty "()" (the empty buffer's form)
  if (next < groups && !(next === groups - 1 && groupEnds[next] === groupStarts[next])) {
    refuse(`${groups - next} unexpected values after the months`);
  }
  if (history.length !== count) refuse(`announces ${count} months, has ${history.length}`);
  return history;
}

const MBUS_KINDS: Record<number, MbusKind> = { 3: 'gas', 7: 'water', 4: 'heat', 12: 'heat' };
/** M-Bus units kept as written: gas and water in m3, heat in GJ, MJ or kWh */
const MBUS_UNITS = ['m3', 'GJ', 'MJ', 'kWh'];

function parseMbusLine(channel: number, key: number, mbus: (MbusReading | undefined)[], telegram: Telegram): void {
  const text = lineText;
  const field = 40 + (channel - 1) * 8;
  switch (key) {
    case 24001000: { // device type, written in hex ("003", "007", "00C")
      once(field); single();
      const reading = mbusReading(mbus, channel);
      if (empty(0)) return;
      let type = 0;
      for (let i = groupStarts[0]!; i < groupEnds[0]!; i++) {
        const digit = hexValue(text.charCodeAt(i));
        if (digit < 0) refuse(`not a hex device type: "${groupText(0)}"`);
        type = type * 16 + digit;
      }
      reading.kind = MBUS_KINDS[type] ?? 'other';
      return;
    }
    case 96001001: case 96001000:
      once(field + 1); single();
      mbusReading(mbus, channel).id = hexText(0);
      return;
    case 24004000: once(field + 2); single(); mbusReading(mbus, channel).valve = integer(0); return;
    case 24002001: case 24002003: {
      once(field + 3); pair();
      const reading = mbusReading(mbus, channel);
      const readingTime = time(0);
      const { value, unit } = mbusValue(text, groupStarts[1]!, groupEnds[1]!);
      reading.time = readingTime;
      // a "no time" stamp with a bare number is an empty channel: its 0 is no reading
      reading.value = readingTime === null && unit === null ? null : value;
      reading.unit = unit;
      return;
    }
    default: keepOther(telegram); return;
  }
}

function mbusReading(mbus: (MbusReading | undefined)[], channel: number): MbusReading {
  return (mbus[channel - 1] ??= { channel, kind: 'other', id: null, valve: null, time: null, value: null, unit: null });
}

/**
 * An M-Bus reading with its own unit (m3, GJ, MJ, kWh), or without one: an empty channel of a
 * Dutch meter writes `(00000000)`, read as the number with a null unit.
 */
function mbusValue(text: string, start: number, end: number): { value: number | null; unit: string | null } {
  if (start === end) return { value: null, unit: null };
  let star = end - 1;
  while (star > start && text.charCodeAt(star) !== 0x2a /* * */) star--;
  if (text.charCodeAt(star) !== 0x2a) {
    const value = readDecimal(text, start, end);
    if (Number.isNaN(value)) refuse(`not a number: "${text.slice(start, end)}"`);
    return { value, unit: null };
  }
  const unit = text.slice(star + 1, end);
  if (!MBUS_UNITS.includes(unit)) refuse(quantityProblem(text, start, end, MBUS_UNITS.join(' or ')));
  const value = readDecimal(text, start, star);
  if (Number.isNaN(value)) refuse(quantityProblem(text, start, end, unit));
  return { value, unit };
}
