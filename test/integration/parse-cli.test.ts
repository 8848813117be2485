import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { haveRecording, noRecordingReason, recordingPath, firstTelegramExpectedPath } from '../support/shared-fixtures.js';
import { sealTelegram, telegramFromLines } from '../support/crc-reference.js';

const bin = resolve(import.meta.dirname, '../../bin/digital-meter.js');
const run = (args: string[], input?: Buffer | string) =>
  spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
const lines = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe.skipIf(!haveRecording)(`digital-meter parse on the shared recording ${haveRecording ? '' : noRecordingReason}`, () => {
  it('prints one line per frame: 1,199 telegrams and the 2 corrupted ones refused by their CRC', () => {
    const result = run(['parse', recordingPath]);
    expect(result.status).toBe(0);
    const parsed = lines(result.stdout);
    expect(parsed).toHaveLength(1201);
    expect(parsed.filter((l) => l.ok)).toHaveLength(1199);
    // offsets of the two telegrams carrying U+FFFD bytes, found with a hex editor
    expect(parsed.filter((l) => !l.ok)).toEqual([
      { ok: false, error: 'crc-mismatch', offset: 662307 },
      { ok: false, error: 'crc-mismatch', offset: 792549 },
    ]);
    expect(parsed[parsed.length - 1]).toMatchObject({ ok: true, time: '2022-11-27T17:17:07.000Z' });
  });

  it('prints the hand-written golden line for the first telegram', () => {
    const expected = JSON.parse(readFileSync(firstTelegramExpectedPath, 'utf8')) as Record<string, unknown>;
    const first = lines(execFileSync(process.execPath, [bin, 'parse', recordingPath], { encoding: 'utf8', maxBuffer: 64 << 20 }))[0]!;
    for (const key of Object.keys(expected)) expect(first[key], key).toEqual(expected[key]);
    expect(Object.keys(first).slice(0, Object.keys(expected).length)).toEqual(Object.keys(expected));
  });

  it('summarises all input together with --summary, each file framed on its own', () => {
    const result = run(['parse', '--summary', recordingPath, recordingPath]);
    expect(result.status).toBe(0);
    expect(lines(result.stdout)).toEqual([{ ok: 2398, refused: 4 }]);
  });

  it('reads stdin when no file is named', () => {
    const result = run(['parse', '--summary'], readFileSync(recordingPath));
    expect(lines(result.stdout)).toEqual([{ ok: 1199, refused: 2 }]);
  });
});

describe('digital-meter parse on written frames', () => {
  const good = telegramFromLines('FLU5\\253769484_A', ['0-0:96.1.4(50217)', '0-0:1.0.0(240112231815W)', '1-0:1.8.1(000116.372*kWh)']);

  // A frame of each kind, one after the other; a garbled line no longer refuses a telegram.
  const garbled = telegramFromLines('FLU5\\253769484_A', ['0-0:1.0.0(240112231816W)', '1-0:1.8.1(000116.37x*kWh)', '1-0:1.8.2(000062.193*kWh)']);
  const noIdentification = sealTelegram('/\r\n\r\n1-0:1.8.1(000116.372*kWh)\r\n');
  const dsmr22 = '/ISk5\\2MT382-1004\r\n\r\n1-0:1.8.1(00001.001*kWh)\r\n!\r\n';
  const badCrc = good.replace(/![0-9A-F]{4}/, '!0000');
  const frames = ['xx', good, good.slice(0, 30), garbled, noIdentification, dsmr22, badCrc, '/FLU5' + '1'.repeat(17_000), good.slice(0, 40)];
  const offsetOf = (i: number) => frames.slice(0, i).join('').length;
  const input = Buffer.from(frames.join(''), 'latin1');

  it('names each kind of refusal with the byte offset of its "/"', () => {
    const parsed = lines(run(['parse'], input).stdout);
    expect(parsed.map((p) => [p.ok, p.error ?? null, p.offset ?? null])).toEqual([
      [true, null, null],
      [false, 'truncated', offsetOf(2)],
      [true, null, null],
      [false, 'malformed', offsetOf(4)],
      [false, 'no-crc', offsetOf(5)],
      [false, 'crc-mismatch', offsetOf(6)],
      [false, 'too-long', offsetOf(7)],
      [false, 'truncated', offsetOf(8)],
    ]);
    expect(parsed[2]).toMatchObject({ importKwh: { t1: null, t2: 62.193 }, other: [] });
    expect(parsed[2]).not.toHaveProperty('warnings');
  });

  it('exits non-zero with a message naming a file it cannot read, after the files before it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-parse-'));
    const file = join(dir, 'one.txt');
    writeFileSync(file, good);
    const result = run(['parse', file, join(dir, 'missing.txt')]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('missing.txt: no such file');
    expect(lines(result.stdout)).toHaveLength(1);
  });

  it('explains every refusal and lists the warnings with --detail', () => {
    const parsed = lines(run(['parse', '--detail'], input).stdout);
    expect(parsed[0]).toMatchObject({ ok: true, warnings: [] });
    expect(parsed[2]).toMatchObject({
      ok: true, importKwh: { t1: null, t2: 62.193 },
      warnings: [{ line: 4, code: '1-0:1.8.1', text: 'not a number in kWh: "000116.37x*kWh"' }],
    });
    // the texts, read off the frames above: 30 bytes of the good frame end inside its line 3
    expect(parsed.filter((p) => !p.ok).map((p) => [p.error, p.detail])).toEqual([
      ['truncated', 'cut short after 30 bytes, in line 3, before its "!" and CRC: the next "/" or the end of the input came first'],
      ['malformed', 'no identification line: nothing after "/"'],
      ['no-crc', 'no CRC after "!": the meter speaks a P1 version older than 4 (DSMR 2.2 or 3.0), whose telegrams carry no checksum, so nothing in them can be trusted'],
      ['crc-mismatch', `CRC 0 written, ${good.match(/!([0-9A-F]{4})/)![1]} computed`],
      ['too-long', 'no "!" and CRC within 16384 bytes: skipped up to the next "/"'],
      ['truncated', 'cut short after 40 bytes, in line 4, before its "!" and CRC: the next "/" or the end of the input came first'],
    ]);
  });
});
