import { describe, expect, it } from 'vitest';
import { gapsBetween, meterTimeOf, splitAtTelegramStarts } from '../../main/p1/sources/replay-pacing.js';
import { ReplaySource } from '../../main/p1/sources/replay.js';
import type { SourceStatus } from '../../main/p1/sources/types.js';
import { telegramFromLines } from '../support/crc-reference.js';
import { ManualTimers } from '../support/manual-timers.js';

const telegramAt = (time: string) => telegramFromLines('FLU5\\253769484_A', ['0-0:96.1.4(50217)', `0-0:1.0.0(${time})`, '1-0:1.7.0(00.401*kW)']);
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));

describe('replay pacing helpers', () => {
  it('cuts at every / and keeps leading bytes with the first telegram', () => {
    const pieces = splitAtTelegramStarts(bytes('xx/A\r\n!1/B\r\n/C'));
    expect(pieces.map((p) => Buffer.from(p).toString('latin1'))).toEqual(['xx/A\r\n!1', '/B\r\n', '/C']);
    expect(splitAtTelegramStarts(bytes('no slash'))).toHaveLength(1);
    expect(splitAtTelegramStarts(bytes(''))).toEqual([]);
  });

  it('reads the meter time with its S/W offset', () => {
    expect(meterTimeOf(bytes(telegramAt('240112231815W')))).toBe(Date.UTC(2024, 0, 12, 22, 18, 15));
    expect(meterTimeOf(bytes(telegramAt('240712231815S')))).toBe(Date.UTC(2024, 6, 12, 21, 18, 15));
    expect(meterTimeOf(bytes('/X\r\n\r\n!0000\r\n'))).toBeNull();
  });

  it('takes gaps from the meter clock, 1 s where it cannot tell or the gap is implausible', () => {
    const telegrams = ['240112231815W', '240112231816W', '240112231819W', '240112231819W', '240112221819W', '240112231819W', '240113231819W']
      .map((t) => bytes(telegramAt(t)));
    telegrams.splice(2, 0, bytes('/X\r\n\r\n!0000\r\n')); // no timestamp
    // gaps: -, 1 s, (no time) 1 s, (after no time) 1 s, 0 s, backwards 1 s, 1 h forward -> 1 s, a day later -> 1 s
    expect(gapsBetween(telegrams)).toEqual([0, 1000, 1000, 1000, 0, 1000, 1000, 1000]);
  });
});

function startReplay(file: string, speed: number | 'max', loop = false, readBytes = async () => bytes(file)) {
  const timers = new ManualTimers();
  const received: string[] = [];
  const statuses: SourceStatus[] = [];
  const source = new ReplaySource({ file: 'home.txt', speed, loop, timers, readBytes, defer: (fn) => setImmediate(fn) });
  source.start({ data: (c) => received.push(Buffer.from(c).toString('latin1')), status: (s) => statuses.push(s) });
  return { timers, received, statuses, source };
}
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('replay source', () => {
  // three telegrams: the second 1 s after the first, the third 3 s after the second
  const recording = telegramAt('240112231815W') + telegramAt('240112231816W') + telegramAt('240112231819W');

  it('plays at 10x speed: 100 ms and then 300 ms apart on the injected clock', async () => {
    const run = startReplay(recording, 10);
    await settle();
    expect(run.received).toHaveLength(1);
    run.timers.advance(99);
    expect(run.received).toHaveLength(1);
    run.timers.advance(1);
    expect(run.received).toHaveLength(2);
    run.timers.advance(299);
    expect(run.received).toHaveLength(2);
    run.timers.advance(1);
    expect(run.received.join('')).toBe(recording);
    expect(run.statuses.map((s) => s.state)).toEqual(['connecting', 'open', 'ended']);
    expect(run.statuses[1]!.message).toBe('Replaying home.txt: 3 telegrams at 10x real speed');
    expect(run.statuses[2]!.message).toBe('Replay of home.txt finished: 3 telegrams');
  });

  it('says "as fast as possible" at max, never "at as fast as possible"', async () => {
    const run = startReplay(recording, 'max');
    await settle();
    expect(run.statuses[1]!.message).toBe('Replaying home.txt: 3 telegrams as fast as possible');
  });

  it('plays at real speed by the meter clock', async () => {
    const run = startReplay(recording, 1);
    await settle();
    run.timers.advance(999);
    expect(run.received).toHaveLength(1);
    run.timers.advance(1);
    expect(run.received).toHaveLength(2);
    run.timers.advance(2999);
    expect(run.received).toHaveLength(2);
    run.timers.advance(1);
    expect(run.received).toHaveLength(3);
  });

  it('loops: after the last telegram, the first again 1 s later', async () => {
    const run = startReplay(recording, 1, true);
    await settle();
    run.timers.advance(4000);
    expect(run.received).toHaveLength(3);
    run.timers.advance(1000);
    expect(run.received).toHaveLength(4);
    expect(run.received[3]).toBe(telegramAt('240112231815W'));
    run.timers.advance(4000);
    expect(run.received).toHaveLength(6);
    expect(run.statuses.map((s) => s.state)).toEqual(['connecting', 'open']);
    await run.source.stop();
    run.timers.advance(60_000);
    expect(run.received).toHaveLength(6);
  });

  it('plays everything at once at max speed without waiting on the clock', async () => {
    const run = startReplay(recording.repeat(50), 'max');
    for (let i = 0; i < 5; i++) await settle();
    expect(run.received).toHaveLength(150);
    expect(run.source.status().state).toBe('ended');
  });

  it('says clearly when the file cannot be read or holds no telegram', async () => {
    const missing = startReplay('', 1, false, async () => { throw Object.assign(new Error("ENOENT: no such file or directory, open 'home.txt'"), { code: 'ENOENT' }); });
    await settle();
    expect(missing.source.status()).toMatchObject({ state: 'error', reason: 'no-such-file', message: "Cannot read the recording home.txt: ENOENT: no such file or directory, open 'home.txt'" });
    const empty = startReplay('just some text\n', 1);
    await settle();
    expect(empty.source.status()).toMatchObject({ state: 'error', reason: 'no-telegrams' });
  });
});
