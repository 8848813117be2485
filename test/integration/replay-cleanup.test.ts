/**
 * `replay` without --db writes a temporary database; it must go however the replay ends: Ctrl-C,
 * SIGTERM, or the reader of its output going away (`| head`). TMPDIR points each run at its own
 * folder, so "nothing left" is checked exactly. And a rates file with a register named
 * `constructor` is refused naming the field (it used to exit 70 blaming the recording).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { syntheticRecording } from '../support/synthetic-recording.js';
import { eventually } from '../support/ws-probe.js';

const bin = resolve(import.meta.dirname, '../../bin/digital-meter.js');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup(): { recording: string; temp: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dm-replay-clean-'));
  dirs.push(dir);
  const recording = join(dir, 'meter.txt');
  // from 10:14:58 UTC, an hour: at 600x a quarter closes every 1.5 s, each printing a line
  writeFileSync(recording, syntheticRecording(Date.UTC(2026, 0, 14, 10, 14, 58), 3600).text);
  const temp = join(dir, 'tmp');
  mkdirSync(temp);
  return { recording, temp };
}

function start(recording: string, temp: string) {
  return spawn(process.execPath, [bin, 'replay', recording, '--speed', '600'], { env: { ...process.env, TMPDIR: temp }, stdio: ['ignore', 'pipe', 'pipe'] });
}

const databaseIn = (temp: string) => readdirSync(temp).some((n) => n.startsWith('digital-meter-replay-') && existsSync(join(temp, n, 'replay.sqlite')));

describe('replay removes its temporary database however it ends', () => {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`on ${signal}`, async () => {
      const { recording, temp } = setup();
      const child = start(recording, temp);
      const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      await eventually(() => databaseIn(temp), 'the temporary database', 20_000);
      child.kill(signal);
      expect(await exited).toBe(code);
      expect(readdirSync(temp)).toEqual([]);
    }, 60_000);
  }

  it('when the reader of its output goes away (EPIPE)', async () => {
    const { recording, temp } = setup();
    const child = start(recording, temp);
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    await new Promise<void>((r) => child.stdout!.once('data', () => r()));
    expect(databaseIn(temp)).toBe(true);
    child.stdout!.destroy(); // like `| head -1`
    expect(await exited).toBe(0);
    expect(readdirSync(temp)).toEqual([]);
  }, 60_000);
});

describe('replay --rates with names every object inherits', () => {
  it('refuses an unpriced register named constructor, naming the rates file and the field (exit 78)', () => {
    const { recording } = setup();
    const rates = join(dirs[0]!, 'rates.json');
    writeFileSync(rates, JSON.stringify({ Electricity: { registers: { 1: 'constructor', 2: 'Night' }, '+': { Night: 0.3 } } }));
    const result = spawnSync(process.execPath, [bin, 'replay', recording, '--summary', '--rates', rates], { encoding: 'utf8' });
    expect(result.status).toBe(78);
    expect(result.stderr).toBe(`digital-meter: ${rates}: Electricity.+.constructor: expected a price for "constructor" (used by the register names)\n`);
  });
});
