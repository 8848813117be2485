/**
 * The pacer: telegram n leaves at start + n / speed, late wake-ups do not accumulate into
 * drift, it only ever sleeps between telegrams, and backpressure holds it back.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedMeter } from '../../main/p1/simulator/meter.js';
import { paceTelegrams, type TelegramSink } from '../../main/p1/simulator/pacer.js';

const start = Date.parse('2025-01-15T12:00:00Z');

/** A fake monotonic clock whose sleeps always wake `lateMs` too late, recording each sleep. */
function lateClock(lateMs: number) {
  const clock = { t: 0, sleeps: [] as number[] };
  return {
    clock,
    now: () => clock.t,
    sleep: async (ms: number) => { clock.sleeps.push(ms); clock.t += ms + lateMs; },
  };
}

function collectingSink(sent: { at: number; bytes: number }[], now: () => number): TelegramSink {
  return { write: (chunk) => { sent.push({ at: now(), bytes: chunk.length }); return true; }, drained: async () => {} };
}

describe('paceTelegrams', () => {
  it('at speed 1 sends one telegram per second and sleeps in between, never zero', async () => {
    const { clock, now, sleep } = lateClock(0);
    const writes: { at: number; bytes: number }[] = [];
    const count = await paceTelegrams(new SimulatedMeter({ seed: 1, start }), collectingSink(writes, now), { speed: 1, count: 5, now, sleep });
    expect(count).toBe(5);
    expect(writes.map((w) => w.at)).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(clock.sleeps).toEqual([1000, 1000, 1000, 1000]);
  });

  it('does not drift when every wake-up is late: the next sleep is shortened', async () => {
    const { clock, now, sleep } = lateClock(30);
    const writes: { at: number; bytes: number }[] = [];
    await paceTelegrams(new SimulatedMeter({ seed: 1, start }), collectingSink(writes, now), { speed: 1, count: 4, now, sleep });
    expect(writes.map((w) => w.at)).toEqual([0, 1030, 2030, 3030]);
    expect(clock.sleeps).toEqual([1000, 970, 970]);
  });

  it('after a long stall sends everything that fell due at once, then resumes the schedule', async () => {
    const { clock, now, sleep } = lateClock(0);
    const writes: { at: number; bytes: number }[] = [];
    const sink: TelegramSink = {
      write: (chunk) => { writes.push({ at: now(), bytes: chunk.length }); return writes.length !== 1; },
      drained: async () => { clock.t += 3500; }, // the reader stalls for 3.5 s after the first telegram
    };
    const sent = await paceTelegrams(new SimulatedMeter({ seed: 1, start }), sink, { speed: 1, count: 6, now, sleep });
    expect(sent).toBe(6);
    // telegrams 1-3 were due by t = 3500 and go out together; 4 and 5 keep their slots
    expect(writes.map((w) => w.at)).toEqual([0, 3500, 4000, 5000]);
    expect(writes[1]!.bytes).toBeGreaterThan(2 * writes[0]!.bytes);
  });

  it('at 10x sends a telegram every 100 ms; the bytes are those of speed max', async () => {
    const { now, sleep } = lateClock(0);
    const paced: Buffer[] = [];
    await paceTelegrams(new SimulatedMeter({ seed: 1, start }), { write: (c) => { paced.push(Buffer.from(c)); return true; }, drained: async () => {} }, { speed: 10, count: 20, now, sleep });
    const fast: Buffer[] = [];
    await paceTelegrams(new SimulatedMeter({ seed: 1, start }), { write: (c) => { fast.push(Buffer.from(c)); return true; }, drained: async () => {} }, { speed: 'max', count: 20 });
    expect(paced).toHaveLength(20);
    expect(Buffer.concat(paced).equals(Buffer.concat(fast))).toBe(true);
  });

  it('stops when the signal aborts', async () => {
    const abort = new AbortController();
    const { now, sleep } = lateClock(0);
    let writes = 0;
    const sink: TelegramSink = { write: () => { if (++writes === 3) abort.abort(); return true; }, drained: async () => {} };
    expect(await paceTelegrams(new SimulatedMeter({ seed: 1, start }), sink, { speed: 1, count: Infinity, now, sleep, signal: abort.signal })).toBe(3);
  });
});
