import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openSqlite } from '../../../main/store/sqlite.js';

function packageRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'bin', 'digital-meter.js'))) dir = dirname(dir);
  return dir;
}
const BIN = join(packageRoot(), 'bin', 'digital-meter.js');

/** Everything a user reads back from the ledger (as test/integration/crash-safety.test.ts compares it). */
export function ledgerTables(dbFile: string) {
  const db = openSqlite(dbFile, { readonly: true });
  try {
    return {
      days: db.prepare('SELECT * FROM day_summaries ORDER BY day').all(),
      quarters: db.prepare('SELECT * FROM quarters ORDER BY start').all(),
      boundaries: db.prepare('SELECT * FROM boundary_readings ORDER BY channel, time').all(),
      months: db.prepare('SELECT * FROM month_peaks ORDER BY month').all(),
      last: db.prepare("SELECT value FROM meta WHERE key = 'lastTelegramTime'").get(),
    };
  } finally {
    db.close();
  }
}

/** SQLite's own check of the file: 'ok' or what is wrong. */
export function integrity(dbFile: string): string {
  const db = openSqlite(dbFile, { readonly: true });
  try {
    return (db.prepare('PRAGMA integrity_check').all() as Array<{ integrity_check: string }>).map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

/** The uninterrupted reference: `digital-meter replay FILE --db DB` in one go. */
export function replayInto(recording: string, dbFile: string): void {
  const run = spawnSync(process.execPath, [BIN, 'replay', recording, '--summary', '--db', dbFile], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`replay of ${recording} failed (${run.status}): ${run.stderr}`);
}

/** A small seeded generator, so a failing run can be repeated. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * A recording from the P1 simulator (`digital-meter simulate --speed max`): telegrams with the
 * phase currents and voltages the site's fuse logic needs; the same seed and start give the
 * same bytes.
 */
export function simulatedRecording(o: { seed: number; start: string; duration: string }): string {
  const run = spawnSync(process.execPath, [BIN, 'simulate', '--seed', String(o.seed), '--start', o.start, '--speed', 'max', '--duration', o.duration], { encoding: 'latin1', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`simulate failed (${run.status}): ${run.stderr}`);
  return run.stdout;
}

const QUARTER_MS = 15 * 60_000;

/**
 * The tables without the quarter that was still running at the last telegram: a replay closes it
 * at the end of its input (as a partial quarter, not complete), a live meter keeps it open to go
 * on after a restart. Everything else must be equal. (Brussels is a whole number of hours from
 * UTC, so quarters start on UTC quarter hours.)
 */
export function withoutRunningQuarter<T extends { quarters: unknown[] }>(tables: T, lastTelegramTime: number): T {
  const running = Math.floor(lastTelegramTime / QUARTER_MS) * QUARTER_MS;
  return { ...tables, quarters: tables.quarters.filter((q) => (q as { start: number }).start < running) };
}
