import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { haveRecording, noRecordingReason, recordingPath, firstTelegramExpectedPath } from '../support/shared-fixtures.js';
import { telegramFromLines } from '../support/crc-reference.js';

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

  it('names each kind of refusal with the byte offset of its "/"', () => {
    const malformed = telegramFromLines('FLU5\\253769484_A', ['1-0:1.8.1(000116.37x*kWh)']);
    const badCrc = good.replace(/![0-9A-F]{4}/, '!0000');
    const input = 'xx' + good + good.slice(0, 30) + malformed + badCrc + '/FLU5' + '1'.repeat(17_000) + good.slice(0, 40);
    const parsed = lines(run(['parse'], Buffer.from(input, 'latin1')).stdout);
    const at = (i: number) => 2 + good.length * i;
    expect(parsed.map((p) => [p.ok, p.error ?? null, p.offset ?? null])).toEqual([
      [true, null, null],
      [false, 'truncated', at(1)],
      [false, 'malformed', at(1) + 30],
      [false, 'crc-mismatch', at(1) + 30 + malformed.length],
      [false, 'too-long', at(2) + 30 + malformed.length],
      [false, 'truncated', at(2) + 30 + malformed.length + 5 + 17_000],
    ]);
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

  it('explains a refusal with --detail', () => {
    const malformed = telegramFromLines('FLU5\\253769484_A', ['1-0:1.8.1(000116.372*kW)']);
    expect(lines(run(['parse', '--detail'], malformed).stdout)[0]).toEqual({
      ok: false, error: 'malformed', offset: 0, detail: 'line 3: 1-0:1.8.1 should be a number in kWh',
    });
  });
});
