import { describe, expect, it } from 'vitest';
import { P1Reader } from '../../main/p1/reader.js';
import type { P1Source, SourceSink, SourceStatus } from '../../main/p1/sources/types.js';
import { telegramFromLines } from '../support/crc-reference.js';
import { captureLog } from '../support/capture-log.js';

/** A source driven by hand: the reader's contract is bytes and status in, telegrams out. */
class HandSource implements P1Source {
  readonly kind = 'tcp';
  readonly description = 'by hand';
  sink: SourceSink | null = null;
  private current: SourceStatus = { state: 'stopped', reason: 'not-started', message: '', since: 0 };
  start(sink: SourceSink) { this.sink = sink; }
  async stop() { this.say('stopped', 'stopped'); }
  status() { return this.current; }
  say(state: SourceStatus['state'], reason: string) {
    this.current = { state, reason, message: reason, since: 0 };
    this.sink!.status(this.current);
  }
  send(text: string) { this.sink!.data(Buffer.from(text, 'latin1')); }
}

const telegramAt = (time: string, kw: string) =>
  telegramFromLines('FLU5\\253769484_A', ['0-0:96.1.4(50217)', `0-0:1.0.0(${time}W)`, `1-0:1.7.0(${kw}*kW)`, '1-0:2.7.0(00.000*kW)']);

describe('P1 reader service', () => {
  it('keeps the latest telegram and counts accepted and refused frames', () => {
    const source = new HandSource();
    const reader = new P1Reader(source, { now: () => 1234 });
    reader.start();
    source.say('open', 'opened');
    expect(reader.latest()).toBeNull();
    source.send(telegramAt('240112231815', '00.401'));
    const corrupted = telegramAt('240112231816', '00.402').replace('00.402', '00.492'); // CRC no longer matches
    source.send(corrupted);
    source.send(telegramAt('240112231817', '00.403'));
    source.send(telegramAt('240112231818', '00.404'));
    expect(reader.counts()).toMatchObject({ ok: 3, refused: 1, refusedBy: { 'crc-mismatch': 1, truncated: 0 } });
    expect(reader.latest()).toMatchObject({ time: Date.UTC(2024, 0, 12, 22, 18, 18), powerKw: { import: 0.404 } });
    expect(reader.latestAt()).toBe(1234);
  });

  it('never glues half a telegram from before a disconnect to the bytes after it', () => {
    const source = new HandSource();
    const reader = new P1Reader(source);
    const seen: number[] = [];
    reader.onTelegram((t) => seen.push(t.powerKw!.import!));
    reader.start();
    source.say('open', 'opened');
    const whole = telegramAt('240112231815', '00.401');
    source.send(whole);
    source.send(telegramAt('240112231816', '00.402').slice(0, 60)); // cable pulled mid-telegram
    source.say('disconnected', 'unplugged');
    source.say('open', 'reopened');
    source.send('!12'); // the tail of something else entirely
    source.send(telegramAt('240112231820', '00.405'));
    source.send(telegramAt('240112231821', '00.406'));
    expect(seen).toEqual([0.401, 0.405, 0.406]);
    expect(reader.counts()).toMatchObject({ ok: 3, refused: 1, refusedBy: { truncated: 1 } });
  });

  it('keeps reading when a consumer throws, and logs that once', () => {
    const source = new HandSource();
    const { log, lines } = captureLog();
    const reader = new P1Reader(source, { log });
    const seen: string[] = [];
    reader.onTelegram(() => { throw new Error('database is locked'); });
    reader.onTelegram((t) => seen.push(String(t.powerKw!.import)));
    reader.start();
    source.say('open', 'opened');
    source.send(telegramAt('240112231815', '00.401'));
    source.send(telegramAt('240112231816', '00.402'));
    expect(seen).toEqual(['0.401', '0.402']);
    expect(reader.counts().ok).toBe(2);
    expect(lines.filter((l) => l.condition === 'p1 consumers').map((l) => l.msg)).toEqual(['A consumer of P1 telegrams failed: database is locked']);
  });

  it('logs each distinct warning once, not every second, and keeps the telegrams coming', () => {
    const source = new HandSource();
    const { log, lines } = captureLog();
    const reader = new P1Reader(source, { log });
    const currents: (number | null)[] = [];
    reader.onTelegram((t) => currents.push(t.phases[0]!.currentA));
    reader.start();
    source.say('open', 'opened');
    // a meter whose current line is unreadable in a different way every second, and a second kind of warning once
    for (const [second, current] of [['15', '0O1.34'], ['16', '0O1.35'], ['17', '0O1.36']] as const) {
      source.send(telegramFromLines('FLU5\\253769484_A', [`0-0:1.0.0(2401122318${second}W)`, `1-0:31.7.0(${current}*A)`]));
    }
    source.send(telegramFromLines('FLU5\\253769484_A', ['0-0:1.0.0(240112231818W)', '1-0:31.7.0(001.00*A)', '1-0:1.8.1(000001.000*kW)']));
    expect(reader.counts()).toMatchObject({ ok: 4, refused: 0 });
    expect(currents).toEqual([null, null, null, 1]);
    expect(lines.filter((l) => l.level === 40 && l.code).map((l) => l.msg)).toEqual([
      'P1 telegram accepted, but line 4 (1-0:31.7.0) could not be read: not a number in A: "0O1.34*A". That field is null; the same warning is not logged again',
      'P1 telegram accepted, but line 5 (1-0:1.8.1) could not be read: unit "kW" where kWh or Wh was expected: "000001.000*kW". That field is null; the same warning is not logged again',
    ]);
  });

  it('passes the source status through', () => {
    const source = new HandSource();
    const reader = new P1Reader(source);
    const states: string[] = [];
    reader.onStatus((s) => states.push(`${s.state}:${s.reason}`));
    reader.start();
    source.say('open', 'opened');
    source.say('silent', 'silent');
    expect(reader.status()).toMatchObject({ state: 'silent' });
    expect(states).toEqual(['open:opened', 'silent:silent']);
  });
});
