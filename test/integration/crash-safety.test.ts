import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openSqlite } from '../../main/store/sqlite.js';
import { syntheticRecording } from '../support/synthetic-recording.js';

const bin = resolve(import.meta.dirname, '../../bin/digital-meter.js');

/** Everything a user reads back: day figures, quarters, month peaks, the resume point. */
function totals(db: string) {
  const sqlite = openSqlite(db, { readonly: true });
  const read = {
    days: sqlite.prepare('SELECT * FROM day_summaries ORDER BY day').all(),
    quarters: sqlite.prepare('SELECT * FROM quarters ORDER BY start').all(),
    boundaries: sqlite.prepare('SELECT * FROM boundary_readings ORDER BY channel, time').all(),
    months: sqlite.prepare('SELECT * FROM month_peaks ORDER BY month').all(),
    last: sqlite.prepare("SELECT value FROM meta WHERE key = 'lastTelegramTime'").get(),
  };
  sqlite.close();
  return read;
}

/** A small seeded generator, so a failing run can be repeated. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Start a replay and kill it during its work: after its `commits`-th commit (it logs each one
 * with --verbose), `extraMs` later. Counting commits rather than wall time keeps the kills spread
 * over the work however slow the machine is.
 */
function runUntilKilled(args: string[], commits: number, extraMs: number): Promise<{ killed: boolean; code: number | null }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, 'replay', '--verbose', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let timer: NodeJS.Timeout | null = null;
    let seen = 0;
    let partial = '';
    child.stderr.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      seen += lines.filter((l) => l.includes('"msg":"committed"')).length;
      if (!timer && seen >= commits) timer = setTimeout(() => child.kill('SIGKILL'), extraMs);
    });
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      done({ killed: signal === 'SIGKILL', code });
    });
  });
}

describe('crash safety: SIGKILL at 20 random moments, restart each time', () => {
  it('ends with exactly the figures of an uninterrupted run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crash-safety-'));
    // an hour across local midnight (23:50 -> 00:50 on 14/15 January 2026), gas every 5 minutes:
    // 60 commits, more than 20 runs of 1 to 3 commits use, so every run is killed during its work
    const recording = join(dir, 'night.txt');
    writeFileSync(recording, syntheticRecording(Date.parse('2026-01-14T22:50:00Z'), 3600).text, 'latin1');

    const reference = join(dir, 'reference.sqlite');
    const uninterrupted = spawnSync(process.execPath, [bin, 'replay', recording, '--summary', '--db', reference], { encoding: 'utf8' });
    expect(uninterrupted.status).toBe(0);

    const crashed = join(dir, 'crashed.sqlite');
    const random = prng(20261126);
    let killed = 0;
    const resumePoints = new Set<string>();
    for (let i = 0; i < 20; i++) {
      // 400x the meter's pace: a commit per minute of meter time is one every 150 ms; each run
      // is killed 0 to 150 ms after its 1st, 2nd or 3rd commit
      const outcome = await runUntilKilled([recording, '--db', crashed, '--speed', '400', '--summary'], 1 + Math.floor(random() * 3), Math.floor(random() * 150));
      if (outcome.killed) killed++;
      resumePoints.add(JSON.stringify(existsSync(crashed) ? totals(crashed).last ?? null : null));
    }
    console.log(`crash safety: ${killed} of 20 runs killed, ${resumePoints.size} distinct resume points, the last ${[...resumePoints].pop()}`);
    const final = spawnSync(process.execPath, [bin, 'replay', recording, '--summary', '--db', crashed], { encoding: 'utf8' });
    expect(final.status).toBe(0);

    expect(killed).toBe(20);
    // the kills fell at many different points of the work, not all before or after it
    expect(resumePoints.size).toBeGreaterThanOrEqual(12);
    const expected = totals(reference);
    expect(expected.days).toHaveLength(2);
    expect(expected.quarters).toHaveLength(5);
    expect(expected.months).toMatchObject([{ month: '2026-01', meter_kw: 3.456 }]);
    const got = totals(crashed);
    for (const key of Object.keys(expected) as Array<keyof typeof expected>) expect(got[key], key).toEqual(expected[key]);
    rmSync(dir, { recursive: true });
  }, 60_000);
});
