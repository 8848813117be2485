/**
 * A corruption that slips past the CRC must reach neither the ledger nor the quarter books:
 * the parser gives null for a line it cannot read, and the ledger and quarter tracker refuse a
 * counter that is implausible. Here the CRC is recomputed after each corruption, so every one of
 * them reaches the parser, the ledger and the quarter tracker.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseFrame } from '../../main/p1/parse.js';
import { P1Framer } from '../../main/p1/framer.js';
import { TelegramDecoder } from '../../main/p1/decoder.js';
import type { RegisterPair, Telegram } from '../../shared/p1/telegram.js';
import { haveRecording, noRecordingReason, recordingPath } from '../support/shared-fixtures.js';
import { referenceCrc16ArcBytes } from '../support/crc-reference.js';
import { booksOf, type Books } from '../support/books.js';
import { badLines } from '../support/p1-line-shapes.js';

if (!haveRecording) console.log(noRecordingReason);

/** The recording's frames, each as it was sent (the two with a bad CRC left out). */
function recordedFrames(): Buffer[] {
  const frames: Buffer[] = [];
  const framer = new P1Framer((f) => { if (f.status === 'complete') frames.push(Buffer.from(f.bytes)); });
  framer.feed(readFileSync(recordingPath));
  framer.end();
  return frames.filter((f) => parseFrame(f).ok);
}

/** The frame with its CRC written anew, as a meter would have sent the corrupted text. */
function resealed(bytes: Buffer): Buffer {
  const bang = bytes.indexOf(0x21);
  if (bang < 0) return bytes;
  const covered = bytes.subarray(0, bang + 1);
  return Buffer.concat([covered, Buffer.from(`${referenceCrc16ArcBytes(covered)}\r\n`, 'latin1')]);
}

function decodeAll(stream: Buffer): Telegram[] {
  const telegrams: Telegram[] = [];
  const decoder = new TelegramDecoder((result) => { if (result.ok) telegrams.push(result.telegram); });
  decoder.feed(stream);
  decoder.end();
  return telegrams;
}

describe.skipIf(!haveRecording)('a CRC-valid frame with a garbled import counter', () => {
  it('is accepted with that counter null and a warning, and the books equal those of the stream without it', () => {
    const frames = recordedFrames();
    // The telegram at 18:00:00 W (17:00:00 UTC), a quarter boundary: the most a lost reading can matter.
    const k = frames.findIndex((f) => f.includes('0-0:1.0.0(221127180000W)'));
    expect(k).toBe(173); // 16:57:07 + 173 s; the recording's two refused frames come later
    const garbled = resealed(Buffer.from(frames[k]!.toString('latin1').replace('1-0:1.8.2(003113.162*kWh)', '1-0:1.8.2(00A811.227*kWh)'), 'latin1'));
    const outcome = parseFrame(garbled);
    expect(outcome.ok).toBe(true);
    const telegram = outcome.ok ? outcome.telegram : null;
    expect(telegram!.importKwh).toEqual({ t1: 3594.884, t2: null });
    expect(telegram!.time).toBe(Date.parse('2022-11-27T17:00:00Z'));
    expect(telegram!.powerKw?.import).not.toBeNull();
    expect(telegram!.warnings).toEqual([{ line: 7, code: '1-0:1.8.2', text: 'not a number in kWh: "00A811.227*kWh"' }]);

    const withGarbled = decodeAll(Buffer.concat(frames.map((f, i) => (i === k ? garbled : f))));
    const without = decodeAll(Buffer.concat(frames.filter((_, i) => i !== k)));
    expect(withGarbled).toHaveLength(frames.length);
    expect(booksOf(withGarbled)).toEqual(booksOf(without));
    // and the books are not trivially empty: 0.742 kWh of register 2 over the 20 minutes
    // (the README's replay figure, checked by hand there), three quarters
    const books = booksOf(withGarbled);
    expect(books.electricity.importWh).toEqual([0, 742]);
    expect(books.quarters.map((q) => new Date(q.start).toISOString())).toEqual(['2022-11-27T16:45:00.000Z', '2022-11-27T17:00:00.000Z', '2022-11-27T17:15:00.000Z']);
  });
});

/** Deterministic PRNG (mulberry32) so a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(frame: Buffer, next: () => number): Buffer {
  const kind = Math.floor(next() * 5);
  const count = 1 + Math.floor(next() * 3);
  let bytes = Buffer.from(frame);
  for (let n = 0; n < count; n++) {
    const at = Math.floor(next() * bytes.length);
    if (kind === 0) bytes[at] = bytes[at]! ^ (1 << Math.floor(next() * 8)); // a bit flipped
    else if (kind === 1) bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1 + Math.floor(next() * 4))]); // bytes lost
    else if (kind === 2) bytes = Buffer.concat([bytes.subarray(0, at + 1), bytes.subarray(at, at + 1 + Math.floor(next() * 8)), bytes.subarray(at + 1)]); // repeated
    else if (kind === 3) bytes[at] = Math.floor(next() * 256); // any byte
    else bytes[at] = 0x30 + Math.floor(next() * 10); // a digit (most often a digit among digits)
  }
  return resealed(bytes);
}

/** What each part of the books is made from: the ledger's electricity and gas, the quarter tracker. */
type Part = 'electricity' | 'gas' | 'quarters';
function bookedValues(t: Telegram, part: Part): string {
  if (part === 'electricity') return JSON.stringify([t.time, t.importKwh, t.exportKwh]);
  const gas = t.mbus.find((m) => m.kind === 'gas');
  if (part === 'gas') return JSON.stringify(gas ? [gas.time, gas.value] : null);
  return JSON.stringify([t.time, t.importKwh, t.quarterAverageKw]);
}

/*
 * Whether a corrupted telegram's values are themselves plausible after the telegram before it,
 * written here from the README's rules rather than taken from the ledger's code: a register group
 * (import t1 + t2, export t1 + t2) is booked only when both were read; none may go down, and their
 * sum may rise at most what the connection delivers in the time between (43.5 kW for the ledger,
 * 60 kW for the quarter tracker, plus a little counter resolution); gas at most 16 m3/h; the
 * time must be later. A time moved forward is plausible: the meter's clock is taken as given.
 */
function groupPlausible(now: RegisterPair | null, then: RegisterPair | null, maxKw: number, hours: number, slackWh: number): boolean {
  if (now?.t1 == null || now.t2 == null || then?.t1 == null || then.t2 == null) return true;
  const riseWh = (now.t1 + now.t2 - then.t1 - then.t2) * 1000;
  return now.t1 >= then.t1 && now.t2 >= then.t2 && riseWh <= maxKw * 1000 * hours + slackWh;
}
function plausible(part: Part, before: Telegram, t: Telegram): boolean {
  if (part === 'gas') {
    const gas = t.mbus.find((m) => m.kind === 'gas');
    const then = before.mbus.find((m) => m.kind === 'gas');
    if (gas?.time == null || gas.value == null || then?.time == null || then.value == null) return false;
    return gas.time > then.time && gas.value >= then.value
      && (gas.value - then.value) * 1000 <= (16_000 * (gas.time - then.time + 1000)) / 3_600_000 + 1;
  }
  if (t.time === null || before.time === null || t.time <= before.time) return false;
  const hours = (t.time - before.time + 1000) / 3_600_000;
  if (part === 'quarters') return groupPlausible(t.importKwh, before.importKwh, 60, hours, 2);
  return groupPlausible(t.importKwh, before.importKwh, 43.5, hours, 1) && groupPlausible(t.exportKwh, before.exportKwh, 43.5, hours, 1);
}
function timeMovedForward(part: Part, original: Telegram, t: Telegram): number {
  if (part !== 'gas') return t.time !== null && original.time !== null ? t.time - original.time : 0;
  const gas = t.mbus.find((m) => m.kind === 'gas');
  const was = original.mbus.find((m) => m.kind === 'gas');
  return gas?.time != null && was?.time != null ? gas.time - was.time : 0;
}

describe.skipIf(!haveRecording)('100,000 corrupted frames with their CRC recomputed, through parser, ledger and quarter tracker', () => {
  it('never throw, and leave the books as without the corrupted telegram unless its value is itself plausible', () => {
    const frames = recordedFrames();
    const originals = frames.map((f) => { const o = parseFrame(f); if (!o.ok) throw new Error('recording frame refused'); return o.telegram; });
    const n = frames.length;
    // a window of the stream around the corrupted telegram: 12 s, long enough for the ledger's
    // 3 confirmations after it, and for a quarter boundary to fall inside now and then
    const BEFORE = 3;
    const AFTER = 8;
    const windowOf = (k: number) => ({ from: Math.max(0, k - BEFORE), to: Math.min(n, k + AFTER + 1) });
    const withOriginal = new Map<number, Books>();
    const withoutIt = new Map<number, Books>();
    const next = random(20261202);
    const stats = {
      mutations: 0, corrupted: 0, refused: {} as Record<string, number>, acceptedWithWarnings: 0, bookedValuesUntouched: 0,
      booksAsWithout: 0, booksAsOriginal: 0,
      plausibleCorruptions: 0,
      plausible: { electricity: 0, gas: 0, quarters: 0, byTimeForward: 0, byTimeForwardOverAnHour: 0 },
    };
    const examples: string[] = [];
    for (let m = 0; m < 100_000; m++) {
      const k = 1 + Math.floor(next() * (n - 1)); // the first telegram has nothing before it to be judged against
      const original = frames[k]!;
      const bytes = mutate(original, next);
      stats.mutations++;
      const bang = bytes.indexOf(0x21);
      if (!bytes.subarray(0, bang + 1).equals(original.subarray(0, original.indexOf(0x21) + 1))) stats.corrupted++;
      const outcome = parseFrame(bytes, { previousTime: originals[k - 1]!.time });
      if (!outcome.ok) {
        stats.refused[outcome.error] = (stats.refused[outcome.error] ?? 0) + 1;
        continue; // not accepted: the books are those of the stream without it by construction
      }
      const t = outcome.telegram;
      if (t.warnings.length) stats.acceptedWithWarnings++;
      // a line not of its code's shape gave no value: it is a warning (checked by independent regular expressions)
      const warned = new Set(t.warnings.map((w) => w.line));
      for (const line of badLines(bytes)) if (!warned.has(line)) throw new Error(`mutation ${m}: line ${line} is not of its shape but gave no warning: ${JSON.stringify(bytes.toString('latin1').split('\n')[line - 1])}`);
      const parts: Part[] = ['electricity', 'gas', 'quarters'];
      const changed = parts.filter((part) => bookedValues(t, part) !== bookedValues(originals[k]!, part));
      // The ledger and the tracker read nothing else: with these values as sent, their books are the original's.
      if (changed.length === 0) { stats.bookedValuesUntouched++; continue; }
      const { from, to } = windowOf(k);
      const stream = originals.slice(from, to);
      if (!withOriginal.has(k)) {
        withOriginal.set(k, booksOf(stream));
        withoutIt.set(k, booksOf(stream.filter((_, i) => from + i !== k)));
      }
      stream[k - from] = t;
      const books = booksOf(stream);
      const without = withoutIt.get(k)!;
      const asOriginal = withOriginal.get(k)!;
      if (same(books, without)) { stats.booksAsWithout++; continue; }
      if (same(books, asOriginal)) { stats.booksAsOriginal++; continue; }
      // The books differ from both: only a corrupted value that is itself plausible may do that.
      const before = originals[k - 1]!;
      let forward = 0;
      for (const part of parts) {
        if (same(books[part], without[part]) || same(books[part], asOriginal[part])) continue;
        if (!changed.includes(part) || !plausible(part, before, t)) {
          throw new Error(`mutation ${m} of frame ${k} changed the ${part} books with an implausible value: `
            + `${bookedValues(t, part)} instead of ${bookedValues(originals[k]!, part)}`);
        }
        stats.plausible[part]++;
        forward = Math.max(forward, timeMovedForward(part, originals[k]!, t));
      }
      stats.plausibleCorruptions++;
      if (forward > 0) stats.plausible.byTimeForward++;
      if (forward > 3_600_000) stats.plausible.byTimeForwardOverAnHour++;
      if (examples.length < 6) examples.push(`${changed.map((part) => `${part}: ${bookedValues(originals[k]!, part)} -> ${bookedValues(t, part)}`).join('; ')}`);
    }
    console.log(`books fuzz: ${JSON.stringify(stats)}\n  examples of plausible corruptions:\n  ${examples.join('\n  ')}`);
    expect(stats.mutations).toBe(100_000);
    // most corruptions reach the parser (the CRC was recomputed) and are still accepted
    expect(stats.corrupted).toBeGreaterThan(90_000);
  }, 600_000);
});

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
