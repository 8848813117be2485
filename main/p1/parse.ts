import type { MbusKind, MbusReading, PhaseReading, RefusalReason, Telegram, ClosedMonthPeak } from '../../shared/p1/telegram.js';
import { crc16 } from './crc16.js';
import { parseP1Time } from './timestamp.js';
import { readDecimal, readHexText, readQuantity, readQuantityWithUnit } from './values.js';

/**
 * One pass over a framed telegram: CRC first, then every line read once by position, each known
 * OBIS code checked for the shape it promises (units, digits, valid times, no code twice).
 * CRC-16 lets about 1 in 65,000 random corruptions through; the structure checks catch those.
 */
export type ParseOutcome =
  | { ok: true; telegram: Telegram }
  | { ok: false; error: RefusalReason; detail: string };

export interface ParseContext {
  /** time of the previous accepted telegram, to place the repeated autumn hour when there is no S/W flag */
  previousTime: number | null;
}

const BANG = 0x21;
const MAX_GROUPS = 128;
const groupStarts = new Int32Array(MAX_GROUPS);
const groupEnds = new Int32Array(MAX_GROUPS);
/** which known fields this telegram already set: a code twice is a corruption */
const seen = new Uint8Array(96);

class Malformed extends Error {}

function refuse(detail: string): never {
  throw new Malformed(detail);
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/** Checks the '!' + 1–4 hex digits (any case, padding optional) against the bytes before it. */
function checkCrc(bytes: Uint8Array, bang: number): string | null {
  let written = 0;
  let digits = 0;
  let i = bang + 1;
  for (; i < bytes.length; i++) {
    const value = hexValue(bytes[i]!);
    if (value < 0) break;
    written = written * 16 + value;
    if (++digits > 4) return 'CRC has more than 4 hex digits';
  }
  for (; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 0x0d && b !== 0x0a) return 'unexpected bytes after the CRC';
  }
  if (digits === 0) return 'no CRC after "!"';
  const computed = crc16(bytes, 0, bang + 1);
  return computed === written ? null : `CRC ${written.toString(16).toUpperCase()} written, ${computed.toString(16).toUpperCase().padStart(4, '0')} computed`;
}

export function parseFrame(bytes: Uint8Array, context: ParseContext = { previousTime: null }): ParseOutcome {
  if (bytes.length === 0 || bytes[0] !== 0x2f) return { ok: false, error: 'malformed', detail: 'frame does not start with "/"' };
  const bang = bytes.indexOf(BANG);
  if (bang < 0) return { ok: false, error: 'truncated', detail: 'no "!" before the end of the frame' };
  const crcProblem = checkCrc(bytes, bang);
  if (crcProblem) return { ok: false, error: 'crc-mismatch', detail: crcProblem };
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bang).toString('latin1');
  try {
    return { ok: true, telegram: parseText(text, context.previousTime) };
  } catch (error) {
    if (error instanceof Malformed) return { ok: false, error: 'malformed', detail: error.message };
    throw error;
  }
}

function emptyTelegram(header: string): Telegram {
  return {
    header, version: null, equipmentId: null, time: null, tariff: null,
    importKwh: null, exportKwh: null, powerKw: null, phases: [],
    quarterAverageKw: null, monthPeak: null, peakHistory: [], mbus: [],
    breaker: null, limiterKw: null, fuseA: null, message: null,
  };
}

/** The identification line: three letters and a digit (manufacturer + baud code), then printable text. */
function readHeader(text: string, lineEnd: number): string {
  if (lineEnd < 5) refuse('identification line too short');
  for (let i = 1; i < lineEnd; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) refuse('non-printable byte in the identification line');
  }
  const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  if (!isLetter(text.charCodeAt(1)) || !isLetter(text.charCodeAt(2)) || !isLetter(text.charCodeAt(3))
    || hexValue(text.charCodeAt(4)) < 0 || hexValue(text.charCodeAt(4)) > 9) {
    refuse('identification line is not "/XXXn…"');
  }
  return text.slice(1, lineEnd);
}

function parseText(text: string, previousTime: number | null): Telegram {
  seen.fill(0);
  let lineEnd = text.indexOf('\n');
  if (lineEnd < 0) refuse('no line end after the identification line');
  const header = readHeader(text, text.charCodeAt(lineEnd - 1) === 0x0d ? lineEnd - 1 : lineEnd);
  const telegram = emptyTelegram(header);
  const phases: (PhaseReading | undefined)[] = [undefined, undefined, undefined];
  const mbus: (MbusReading | undefined)[] = [];
  let lineNumber = 1;
  let start = lineEnd + 1;
  while (start < text.length) {
    lineNumber++;
    lineEnd = text.indexOf('\n', start);
    if (lineEnd < 0) refuse(`line ${lineNumber} has no line end before "!"`);
    const end = text.charCodeAt(lineEnd - 1) === 0x0d ? lineEnd - 1 : lineEnd;
    if (end > start) parseLine(text, start, end, lineNumber, telegram, phases, mbus, previousTime);
    start = lineEnd + 1;
  }
  for (const phase of phases) if (phase) telegram.phases.push(phase);
  for (const reading of mbus) if (reading) telegram.mbus.push(reading);
  return telegram;
}

/** Reads `a-b:c.d.e` and returns the index of the "(" after it; fills obis[0..4]. */
const obis = new Int32Array(5);
const OBIS_SEPARATORS = [0x2d /* - */, 0x3a /* : */, 0x2e /* . */, 0x2e /* . */, 0x28 /* ( */];
function readObis(text: string, start: number, end: number, lineNumber: number): number {
  let i = start;
  for (let part = 0; part < 5; part++) {
    let value = 0;
    const first = i;
    let c = text.charCodeAt(i);
    while (c >= 48 && c <= 57 && i < end) {
      value = value * 10 + (c - 48);
      c = text.charCodeAt(++i);
    }
    if (i === first || i - first > 3 || value > 255 || c !== OBIS_SEPARATORS[part] || i >= end) {
      refuse(`line ${lineNumber}: not an OBIS line: "${text.slice(start, Math.min(end, start + 40))}"`);
    }
    obis[part] = value;
    if (part < 4) i++;
  }
  return i;
}

/** Finds the "(…)" groups after the OBIS code: printable ASCII, no nesting, nothing between them. */
function readGroups(text: string, from: number, end: number, lineNumber: number): number {
  let count = 0;
  let i = from;
  while (i < end) {
    if (text.charCodeAt(i) !== 0x28) refuse(`line ${lineNumber}: expected "(" at column ${i - from + 1}`);
    // one scan to the ")" that also checks every byte is printable and not a nested "("
    let close = i + 1;
    for (; close < end; close++) {
      const c = text.charCodeAt(close);
      if (c === 0x29) break;
      if (c < 0x20 || c > 0x7e || c === 0x28) refuse(`line ${lineNumber}: unexpected character in a value`);
    }
    if (close >= end) refuse(`line ${lineNumber}: unclosed "("`);
    if (count === MAX_GROUPS) refuse(`line ${lineNumber}: more than ${MAX_GROUPS} values`);
    groupStarts[count] = i + 1;
    groupEnds[count] = close;
    count++;
    i = close + 1;
  }
  if (count === 0) refuse(`line ${lineNumber}: no value`);
  return count;
}

// The line being read. Parsing is synchronous and never re-entered, so module state stands in
// for per-line closures and keeps the hot path free of allocations.
let lineText = '';
let lineNumber = 0;
let lineGroups = 0;
let linePreviousTime: number | null = null;

function codeText(): string {
  return `${obis[0]}-${obis[1]}:${obis[2]}.${obis[3]}.${obis[4]}`;
}
function once(field: number): void {
  if (seen[field]) refuse(`line ${lineNumber}: ${codeText()} appears twice`);
  seen[field] = 1;
}
function single(): void {
  if (lineGroups !== 1) refuse(`line ${lineNumber}: ${codeText()} should have one value, has ${lineGroups}`);
}
function pair(): void {
  if (lineGroups !== 2) refuse(`line ${lineNumber}: ${codeText()} should have a time and a value`);
}
function quantity(group: number, unit: string): number {
  const value = readQuantity(lineText, groupStarts[group]!, groupEnds[group]!, unit);
  if (Number.isNaN(value)) refuse(`line ${lineNumber}: ${codeText()} should be a number in ${unit}`);
  return value;
}
function integer(group: number): number {
  const value = readDecimal(lineText, groupStarts[group]!, groupEnds[group]!);
  if (!Number.isInteger(value)) refuse(`line ${lineNumber}: ${codeText()} should be a whole number`);
  return value;
}
function time(group: number): number | null {
  const value = parseP1Time(lineText, groupStarts[group]!, groupEnds[group]!, linePreviousTime);
  if (value !== null && Number.isNaN(value)) refuse(`line ${lineNumber}: ${codeText()} has an invalid timestamp`);
  return value;
}
function groupText(group: number): string {
  return lineText.slice(groupStarts[group]!, groupEnds[group]!);
}
function phase(phases: (PhaseReading | undefined)[], n: 1 | 2 | 3): PhaseReading {
  return (phases[n - 1] ??= { phase: n, voltageV: null, currentA: null, importKw: null, exportKw: null });
}
function importPair(telegram: Telegram) { return (telegram.importKwh ??= { t1: null, t2: null }); }
function exportPair(telegram: Telegram) { return (telegram.exportKwh ??= { t1: null, t2: null }); }
function powerNow(telegram: Telegram) { return (telegram.powerKw ??= { import: null, export: null }); }

function parseLine(
  text: string, start: number, end: number, number: number, telegram: Telegram,
  phases: (PhaseReading | undefined)[], mbus: (MbusReading | undefined)[], previousTime: number | null,
): void {
  lineText = text;
  lineNumber = number;
  linePreviousTime = previousTime;
  const groupsAt = readObis(text, start, end, number);
  lineGroups = readGroups(text, groupsAt, end, number);
  const a = obis[0]!;
  const b = obis[1]!;
  const key = obis[2]! * 1_000_000 + obis[3]! * 1000 + obis[4]!;

  if (b >= 1 && b <= 4 && a === 0) {
    parseMbusLine(b, key, mbus);
    return;
  }
  if (b !== 0) {
    if (a === 1 && b === 3 && key === 2008) { // 1-3:0.2.8: Dutch DSMR version
      once(1); single(); integer(0);
      telegram.version = groupText(0);
    }
    return;
  }
  if (a === 0) {
    switch (key) {
      case 96001004: once(1); single(); integer(0); telegram.version = groupText(0); return;
      case 96001001: case 96001000:
        once(2); single();
        telegram.equipmentId = readHexText(text, groupStarts[0]!, groupEnds[0]!);
        return;
      case 1000000: once(3); single(); telegram.time = time(0); return;
      case 96014000: once(4); single(); telegram.tariff = integer(0); return;
      case 98001000: once(5); telegram.peakHistory = readPeakHistory(); return;
      case 96003010: once(6); single(); telegram.breaker = integer(0); return;
      case 17000000: once(7); single(); telegram.limiterKw = quantity(0, 'kW'); return;
      case 96013000: {
        once(8); single();
        const message = readHexText(text, groupStarts[0]!, groupEnds[0]!);
        telegram.message = message === '' ? null : message;
        return;
      }
      default: return; // unknown codes are someone else's business
    }
  }
  if (a !== 1) return;
  switch (key) {
    case 1008001: once(10); single(); importPair(telegram).t1 = quantity(0, 'kWh'); return;
    case 1008002: once(11); single(); importPair(telegram).t2 = quantity(0, 'kWh'); return;
    case 2008001: once(12); single(); exportPair(telegram).t1 = quantity(0, 'kWh'); return;
    case 2008002: once(13); single(); exportPair(telegram).t2 = quantity(0, 'kWh'); return;
    case 1007000: once(14); single(); powerNow(telegram).import = quantity(0, 'kW'); return;
    case 2007000: once(15); single(); powerNow(telegram).export = quantity(0, 'kW'); return;
    case 1004000: once(16); single(); telegram.quarterAverageKw = quantity(0, 'kW'); return;
    case 1006000: {
      once(17); pair();
      const peakTime = time(0);
      telegram.monthPeak = { time: peakTime, kw: quantity(1, 'kW') };
      return;
    }
    case 31004000: once(18); single(); telegram.fuseA = quantity(0, 'A'); return;
    case 21007000: once(20); single(); phase(phases, 1).importKw = quantity(0, 'kW'); return;
    case 41007000: once(21); single(); phase(phases, 2).importKw = quantity(0, 'kW'); return;
    case 61007000: once(22); single(); phase(phases, 3).importKw = quantity(0, 'kW'); return;
    case 22007000: once(23); single(); phase(phases, 1).exportKw = quantity(0, 'kW'); return;
    case 42007000: once(24); single(); phase(phases, 2).exportKw = quantity(0, 'kW'); return;
    case 62007000: once(25); single(); phase(phases, 3).exportKw = quantity(0, 'kW'); return;
    case 32007000: once(26); single(); phase(phases, 1).voltageV = quantity(0, 'V'); return;
    case 52007000: once(27); single(); phase(phases, 2).voltageV = quantity(0, 'V'); return;
    case 72007000: once(28); single(); phase(phases, 3).voltageV = quantity(0, 'V'); return;
    case 31007000: once(29); single(); phase(phases, 1).currentA = quantity(0, 'A'); return;
    case 51007000: once(30); single(); phase(phases, 2).currentA = quantity(0, 'A'); return;
    case 71007000: once(31); single(); phase(phases, 3).currentA = quantity(0, 'A'); return;
    default: return;
  }
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
  if (!Number.isInteger(count) || count > 13) refuse(`line ${lineNumber}: 0-0:98.1.0 should start with a month count of at most 13`);
  let next = 1;
  // the two column descriptors, when present
  while (next < groups && next <= 2 && text.charCodeAt(groupStarts[next]!) === 0x31 /* '1' of 1-0:1.6.0 */
    && groupEnds[next]! - groupStarts[next]! === 9) next++;
  const history: ClosedMonthPeak[] = [];
  while (next + 2 < groups && history.length < count) {
    history.push({ month: time(next), time: time(next + 1), kw: quantity(next + 2, 'kW') });
    next += 3;
  }
  // anything left must be a lone empty "()" (the empty buffer's form)
  if (next < groups && !(next === groups - 1 && groupEnds[next] === groupStarts[next])) {
    refuse(`line ${lineNumber}: 0-0:98.1.0 has ${groups - next} unexpected values`);
  }
  if (history.length !== count) refuse(`line ${lineNumber}: 0-0:98.1.0 announces ${count} months, has ${history.length}`);
  return history;
}

const MBUS_KINDS: Record<number, MbusKind> = { 3: 'gas', 7: 'water', 4: 'heat', 12: 'heat' };

function parseMbusLine(channel: number, key: number, mbus: (MbusReading | undefined)[]): void {
  const text = lineText;
  const field = 40 + (channel - 1) * 8;
  const reading = (mbus[channel - 1] ??= { channel, kind: 'other', id: null, valve: null, time: null, value: null, unit: null });
  switch (key) {
    case 24001000: { // device type, written in hex ("003", "007", "00C")
      once(field); single();
      let type = 0;
      for (let i = groupStarts[0]!; i < groupEnds[0]!; i++) {
        const digit = hexValue(text.charCodeAt(i));
        if (digit < 0) refuse(`line ${lineNumber}: ${codeText()} should be a hex device type`);
        type = type * 16 + digit;
      }
      if (groupEnds[0] === groupStarts[0]) refuse(`line ${lineNumber}: ${codeText()} is empty`);
      reading.kind = MBUS_KINDS[type] ?? 'other';
      return;
    }
    case 96001001: case 96001000:
      once(field + 1); single();
      reading.id = readHexText(text, groupStarts[0]!, groupEnds[0]!);
      return;
    case 24004000: once(field + 2); single(); reading.valve = integer(0); return;
    case 24002001: case 24002003: {
      once(field + 3); pair();
      const readingTime = time(0);
      const value = readQuantityWithUnit(text, groupStarts[1]!, groupEnds[1]!, ['m3', 'GJ', 'kWh']);
      if (!value) refuse(`line ${lineNumber}: ${codeText()} should be a number in m3, GJ or kWh`);
      reading.time = readingTime;
      reading.value = value.value;
      reading.unit = value.unit;
      return;
    }
    default: return;
  }
}
