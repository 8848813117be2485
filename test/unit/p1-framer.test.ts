import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { P1Framer, type FrameStatus } from '../../main/p1/framer.js';

interface Seen { text: string; offset: number; status: FrameStatus }

function frameAll(chunks: Uint8Array[], maxFrameBytes?: number): Seen[] {
  const seen: Seen[] = [];
  const framer = new P1Framer((f) => seen.push({ text: Buffer.from(f.bytes).toString('latin1'), offset: f.offset, status: f.status }), maxFrameBytes);
  for (const chunk of chunks) framer.feed(chunk);
  framer.end();
  return seen;
}
const bytes = (text: string) => Buffer.from(text, 'latin1');

const A = '/AAA5 one\r\n\r\n1-0:1.8.1(000001.000*kWh)\r\n!1234\r\n';
const B = '/BBB5 two\r\n\r\n1-0:1.8.1(000002.000*kWh)\r\n!ABCD\r\n';

describe('P1 framer', () => {
  it('finds frames after leading junk, with their byte offsets', () => {
    const seen = frameAll([bytes('junk\r\n' + A + B)]);
    expect(seen).toEqual([
      { text: A, offset: 6, status: 'complete' },
      { text: B, offset: 6 + A.length, status: 'complete' },
    ]);
  });

  it('lets a "/" mid-line start a new frame and reports the cut one as truncated', () => {
    const cut = A.slice(0, 20);
    const seen = frameAll([bytes(cut + B)]);
    expect(seen.map((s) => [s.status, s.offset])).toEqual([['truncated', 0], ['complete', 20]]);
    expect(seen[1]!.text).toBe(B);
  });

  it('reports a frame cut by the end of the input as truncated', () => {
    expect(frameAll([bytes(A + B.slice(0, 30))]).map((s) => s.status)).toEqual(['complete', 'truncated']);
  });

  it('keeps a frame whose line end after the CRC was lost, for the CRC to judge', () => {
    const lostLf = A.slice(0, -2);
    expect(frameAll([bytes(lostLf + B)]).map((s) => [s.status, s.text.length])).toEqual([['complete', lostLf.length], ['complete', B.length]]);
  });

  it('bounds memory: a frame without end beyond the limit is too long, and the next frame still comes through', () => {
    const endless = '/CCC5 x\r\n' + '9'.repeat(5000);
    const seen = frameAll([bytes(endless + A)], 1024);
    expect(seen.map((s) => [s.status, s.offset])).toEqual([['too-long', 0], ['complete', endless.length]]);
  });

  it('keeps the offsets counting across chunks', () => {
    const seen = frameAll([bytes('xx'), bytes(A), bytes('yyy' + B)]);
    expect(seen.map((s) => s.offset)).toEqual([2, 2 + A.length + 3]);
  });

  it('yields the same frames for any split of the stream into chunks (property)', () => {
    const pieces = ['junk', A, B, A.slice(0, 25), B, 'x/y', A, '!!\r\n', B.slice(10), A, '/', B];
    const stream = bytes(pieces.join(''));
    const whole = frameAll([stream]);
    expect(whole.length).toBeGreaterThan(6);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 40 }), (cuts) => {
        const sorted = [...cuts].sort((x, y) => x - y);
        const chunks: Uint8Array[] = [];
        let from = 0;
        for (const cut of [...sorted, stream.length]) {
          chunks.push(stream.subarray(from, cut));
          from = cut;
        }
        expect(frameAll(chunks)).toEqual(whole);
      }),
      { numRuns: 2000 },
    );
  });

  it('yields the same frames byte by byte as in one piece, including a frame longer than the bound', () => {
    const stream = bytes('/LLL5\r\n' + 'x'.repeat(300) + A + B);
    const oneByOne = frameAll([...stream].map((b) => Uint8Array.of(b)), 128);
    expect(oneByOne).toEqual(frameAll([stream], 128));
    expect(oneByOne.map((s) => s.status)).toEqual(['too-long', 'complete', 'complete']);
  });
});
