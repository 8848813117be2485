/**
 * The database under damage, as a dying SD card leaves it: a 0-byte file beside its marker, a
 * flipped bit inside a compressed telegram batch (SQLite's quick_check cannot see it), and the
 * file modes that keep the history private. Through the real `replay` command and real files.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../main/store/sqlite.js';
import { syntheticRecording } from '../support/synthetic-recording.js';

const bin = resolve(import.meta.dirname, '../../bin/digital-meter.js');
const replay = (args: string[]) => spawnSync(process.execPath, [bin, 'replay', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A database holding 20 minutes of synthetic telegrams (10:00 to 10:20 UTC), made by `replay`. */
function recorded(): { dir: string; db: string; empty: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dm-damage-'));
  dirs.push(dir);
  const recording = join(dir, 'meter.txt');
  writeFileSync(recording, syntheticRecording(Date.UTC(2026, 0, 14, 10, 0), 1200).text);
  const empty = join(dir, 'nothing.txt');
  writeFileSync(empty, '');
  const db = join(dir, 'meter.sqlite');
  const first = replay([recording, '--summary', '--db', db]);
  expect(first.stderr).toBe('');
  expect(first.status).toBe(0);
  return { dir, db, empty };
}

function daySummaries(db: string): unknown[] {
  const d = openSqlite(db, { readonly: true });
  try {
    return d.prepare('SELECT * FROM day_summaries ORDER BY day').all();
  } finally {
    d.close();
  }
}

describe('a damaged database never blocks a start and loses nothing else', () => {
  it('a 0-byte meter.sqlite beside its marker is reported and moved aside, not silently replaced', () => {
    const { dir, db, empty } = recorded();
    writeFileSync(db, '');
    const result = replay([empty, '--summary', '--db', db]);
    expect(result.status).toBe(0);
    const aside = readdirSync(dir).filter((n) => /^meter\.sqlite\.empty-[\dTZ-]+$/.test(n));
    expect(aside).toHaveLength(1);
    expect(result.stderr).toMatch(new RegExp(`${db.replace(/[.]/g, '\\.')} is empty \\(0 bytes\\) although a database was created there \\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z; moved aside as ${aside[0]}, ${aside[0]}\\.created; a new database was started`));
    expect(statSync(join(dir, aside[0]!)).size).toBe(0);
    expect(existsSync(db)).toBe(true);
  });

  it('a flipped bit in the running quarter\'s telegram batch is skipped and reported, naming the file and the batch; the stored days stay', () => {
    const { db, empty } = recorded();
    const before = daySummaries(db);
    expect(before).toHaveLength(1);
    const d = openSqlite(db);
    const batch = d.prepare('SELECT first_time, raw FROM telegrams ORDER BY first_time DESC LIMIT 1').get() as { first_time: number; raw: Buffer };
    // flip one bit near the start of the deflate stream: the first position whose flip no longer inflates
    let damaged: Buffer | null = null;
    for (let at = 0; at < 64 && damaged === null; at++) {
      const copy = Buffer.from(batch.raw);
      copy[at] = copy[at]! ^ 0x04;
      try { inflateRawSync(copy); } catch { damaged = copy; }
    }
    expect(damaged).not.toBeNull();
    d.prepare('UPDATE telegrams SET raw = ? WHERE first_time = ?').run(damaged, batch.first_time);
    expect((d.pragma('quick_check') as Array<{ quick_check: string }>)[0]!.quick_check).toBe('ok');
    d.close();

    const result = replay([empty, '--summary', '--db', db]);
    // before: "invalid code lengths set" (or another zlib error), exit 70, no file named
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`${db.replace(/[.]/g, '\\.')}: the stored telegrams from 2026-01-14T10:\\d\\d:\\d\\d\\.000Z to 2026-01-14T10:19:59\\.000Z \\(\\d+\\) cannot be read \\([^)]+\\); skipped: the running quarter is rebuilt without them`));
    expect(daySummaries(db)).toEqual(before);
  });

  it('the database and its companions are readable by their owner only', () => {
    const { db } = recorded();
    for (const file of [db, `${db}.created`]) expect((statSync(file).mode & 0o777).toString(8), file).toBe('600');
  });
});
