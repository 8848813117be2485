import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseFrame } from '../../main/p1/parse.js';
import { TelegramDecoder } from '../../main/p1/decoder.js';
import { P1Framer } from '../../main/p1/framer.js';
import { haveRecording, recordingPath } from '../support/shared-fixtures.js';
import { referenceCrc16Arc, telegramFromLines } from '../support/crc-reference.js';
import { badLines } from '../support/p1-line-shapes.js';

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

function sourceFrames(): Buffer[] {
  const frames: Buffer[] = [];
  const input = haveRecording
    ? readFileSync(recordingPath)
    : Buffer.from(telegramFromLines('FLU5\\253769484_A', ['0-0:1.0.0(240112231815W)', '1-0:1.8.1(000116.372*kWh)', '0-1:24.1.0(003)', '0-1:24.2.3(240112231646W)(00338.711*m3)']), 'latin1');
  const framer = new P1Framer((f) => { if (f.status === 'complete') frames.push(Buffer.from(f.bytes)); });
  framer.feed(input);
  framer.end();
  return frames;
}

type Mutation = 'flip' | 'drop' | 'duplicate' | 'random';
function mutate(frame: Buffer, next: () => number): { bytes: Buffer; kind: Mutation } {
  const kinds: Mutation[] = ['flip', 'drop', 'duplicate', 'random'];
  const kind = kinds[Math.floor(next() * kinds.length)]!;
  const count = 1 + Math.floor(next() * 3);
  let bytes = Buffer.from(frame);
  for (let n = 0; n < count; n++) {
    const at = Math.floor(next() * bytes.length);
    if (kind === 'flip') bytes[at] = bytes[at]! ^ (1 << Math.floor(next() * 8));
    else if (kind === 'drop') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1 + Math.floor(next() * 4))]);
    else if (kind === 'duplicate') bytes = Buffer.concat([bytes.subarray(0, at + 1), bytes.subarray(at, at + 1 + Math.floor(next() * 8)), bytes.subarray(at + 1)]);
    else bytes[at] = Math.floor(next() * 256);
  }
  return { bytes, kind };
}

describe('P1 parser under 100,000 mutated frames', () => {
  it('never throws, accepts a frame only with its CRC right, warns about every line not of its shape, and tells how many corruptions the CRC let through', () => {
    const frames = sourceFrames();
    const next = random(20240112);
    // "corrupted" = the bytes the CRC covers ('/' through '!') changed; a change only in the CRC's
    // letter case or the line end after it is no corruption of the data.
    const stats = { frames: 0, corrupted: 0, crcLetThrough: 0, withWarnings: 0, refused: {} as Record<string, number> };
    const covered = (frame: Buffer) => frame.subarray(0, frame.indexOf(0x21) + 1);
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 100_000; i++) {
      const original = frames[i % frames.length]!;
      const { bytes } = mutate(original, next);
      stats.frames++;
      const corrupted = bytes[0] === 0x2f && bytes.includes(0x21) && !covered(bytes).equals(covered(original));
      if (corrupted) stats.corrupted++;
      const outcome = parseFrame(bytes);
      if (outcome.ok) {
        // the CRC written is the CRC of the bytes (checked with the test's own CRC code)
        const bang = bytes.indexOf(0x21);
        expect(parseInt(bytes.subarray(bang + 1).toString('latin1').trim(), 16), `accepted frame ${i}`)
          .toBe(parseInt(referenceCrc16Arc(bytes.subarray(0, bang + 1).toString('latin1')), 16));
        // a line not of its code's shape gave no value: it is a warning
        const warned = new Set(outcome.telegram.warnings.map((w) => w.line));
        for (const line of badLines(bytes)) expect(warned.has(line), `accepted frame ${i}, line ${line}`).toBe(true);
        if (corrupted) stats.crcLetThrough++;
        if (outcome.telegram.warnings.length) stats.withWarnings++;
      } else {
        stats.refused[outcome.error] = (stats.refused[outcome.error] ?? 0) + 1;
      }
    }
    const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
    console.log(`fuzz: ${JSON.stringify(stats)}; of ${stats.corrupted} corrupted frames the CRC let ${stats.crcLetThrough} through `
      + `(accepted: a line it cannot read is a warning); heap growth ${heapGrowthMb.toFixed(1)} MB`);
    expect(stats.frames).toBe(100_000);
    expect(heapGrowthMb).toBeLessThan(100);
  });

  it('streams 20,000 mutated frames back to back through one decoder without an exception and with bounded memory', () => {
    const frames = sourceFrames();
    const next = random(7);
    let results = 0;
    const decoder = new TelegramDecoder((result) => {
      results++;
      if (result.ok) expect(result.telegram.header.length).toBeGreaterThan(4);
    });
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 20_000; i++) {
      const { bytes } = mutate(frames[i % frames.length]!, next);
      // cut the stream at random places too
      const cut = Math.floor(next() * bytes.length);
      decoder.feed(bytes.subarray(0, cut));
      decoder.feed(bytes.subarray(cut));
    }
    // a stream of random bytes with no end in sight must not grow the decoder either
    const noise = Buffer.alloc(1 << 20);
    for (let i = 0; i < noise.length; i++) noise[i] = i % 977 === 0 ? 0x2f : (Math.floor(next() * 255) + 1) % 256 === 0x2f ? 0x30 : Math.floor(next() * 256);
    decoder.feed(noise);
    decoder.end();
    expect(results).toBeGreaterThan(19_000);
    expect((process.memoryUsage().heapUsed - heapBefore) / 1e6).toBeLessThan(100);
  });
});
