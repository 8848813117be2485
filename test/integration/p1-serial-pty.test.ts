import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { P1Reader } from '../../main/p1/reader.js';
import { createSerialSource } from '../../main/p1/sources/serial.js';
import type { SourceStatus } from '../../main/p1/sources/types.js';
import { telegramFromLines } from '../support/crc-reference.js';
import { scaledTimers, waitFor } from '../support/scaled-timers.js';
import { haveSocat, PtyCable } from '../support/socat-pty.js';

/**
 * The serial source with serialport's real Linux binding on a real pseudo-terminal made by
 * socat. Its clock runs 5x fast, so the production thresholds (10 s of silence, backoff from
 * 1 s) hold while 30 s of silence takes 6 s of wall time.
 */
const telegramAt = (second: number, kw: string) => telegramFromLines('FLU5\\253769484_A', [
  '0-0:96.1.4(50217)', `0-0:1.0.0(2401122318${String(second).padStart(2, '0')}W)`, '1-0:1.8.1(000116.372*kWh)', `1-0:1.7.0(${kw}*kW)`, '1-0:2.7.0(00.000*kW)',
]);

let cable: PtyCable | null = null;
let reader: P1Reader | null = null;
afterEach(async () => {
  await reader?.stop();
  await cable?.pullOut();
});

if (!haveSocat) console.warn('serial pty tests skipped: socat is not installed (apt-get install socat; .ci/run does)');
describe.skipIf(!haveSocat)(`serial source on a socat pseudo-terminal${haveSocat ? '' : ' (skipped: socat is not installed; apt-get install socat)'}`, () => {
  it('reads telegrams, shrugs off garbage and a half telegram, reports 30 s of silence, an unplug and a replug', async () => {
    cable = new PtyCable(mkdtempSync(join(tmpdir(), 'p1-pty-')));
    await cable.plugIn();
    const source = createSerialSource({ path: cable.meterPath, timers: scaledTimers(5), listPorts: async () => [] });
    reader = new P1Reader(source);
    const statuses: SourceStatus[] = [];
    reader.onStatus((s) => statuses.push(s));
    const powers: number[] = [];
    reader.onTelegram((t) => powers.push(t.powerKw!.import!));
    reader.start();
    await waitFor('the port to open', () => reader!.status().state === 'open');

    cable.write(telegramAt(0, '00.100'));
    cable.write(telegramAt(1, '00.101'));
    await waitFor('two telegrams', () => powers.length === 2);

    // a burst of line noise (no '/', so nothing to frame), then normal telegrams
    cable.write(Buffer.from(Array.from({ length: 3000 }, (_, i) => [0x00, 0xff, 0x21, 0x0d, 0x0a, 0x7e, 0xfd][i % 7]!)));
    cable.write(telegramAt(2, '00.102'));
    await waitFor('the telegram after the garbage', () => powers.length === 3);

    // half a telegram (bytes lost), directly followed by a whole one
    const half = telegramAt(3, '00.103');
    cable.write(half.slice(0, half.length / 2));
    cable.write(telegramAt(4, '00.104'));
    await waitFor('the telegram after the half one', () => powers.length === 4);
    expect(reader.counts()).toMatchObject({ ok: 4, refused: 1, refusedBy: { truncated: 1 } });

    // 30 s of silence (on the 5x clock): reported after 10 s, pointing at the P1 port
    await waitFor('silent', () => reader!.status().state === 'silent', 4000);
    expect(reader.status().message).toMatch(/is open but the meter has sent nothing for 10 s\..*Mijn Fluvius/);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    cable.write(telegramAt(35, '00.135'));
    await waitFor('data again', () => reader!.status().reason === 'data-again');
    expect(reader.status().message).toMatch(/^Data again from .*meter after (29|30|31|32) s of silence$/);

    // pull the cable mid-telegram: the half is closed off, never glued to what follows
    cable.write(telegramAt(36, '00.136').slice(0, 80));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await cable.pullOut();
    await waitFor('the unplug to be noticed', () => reader!.status().state === 'disconnected' || reader!.status().state === 'error');
    await waitFor('the port to be missing', () => reader!.status().reason === 'no-such-port');
    expect(reader.status().message).toMatch(/^Serial port .*meter does not exist/);

    await cable.plugIn();
    await waitFor('the port to be reopened', () => reader!.status().reason === 'reopened', 8000);
    expect(reader.status().message).toMatch(/^Opened .*meter at 115200 8N1, after \d+ s down \(unplugged, then no-such-port\)$/);
    cable.write(telegramAt(50, '00.150'));
    cable.write(telegramAt(51, '00.151'));
    await waitFor('telegrams after the replug', () => powers.length === 7);

    expect(powers).toEqual([0.1, 0.101, 0.102, 0.104, 0.135, 0.15, 0.151]);
    expect(reader.counts()).toMatchObject({ ok: 7, refused: 2, refusedBy: { truncated: 2, 'crc-mismatch': 0 } });
    expect(reader.latest()).toMatchObject({ time: Date.UTC(2024, 0, 12, 22, 18, 51) });
    expect(statuses.map((s) => `${s.state}:${s.reason}`)).toEqual([
      'connecting:opening', 'open:opened', 'silent:silent', 'open:data-again',
      'disconnected:unplugged', 'error:no-such-port', 'open:reopened',
    ]);
  });
});
