import { chmodSync, closeSync, existsSync, openSync, renameSync, statSync, writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { dirname, basename } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import { migrate } from './migrations.js';
import { openSqlite } from './sqlite.js';

export interface OpenedDatabase {
  db: Database;
  /** what was wrong with the previous file, and where it went; empty when all was well */
  problems: string[];
}

/** The marker beside a database says "a database was created here": its absence is then a loss, not a first start. */
export function markerFile(file: string): string {
  return `${file}.created`;
}

function stamp(now: number): string {
  return new Date(now).toISOString().replace(/[:.]/g, '-');
}

/** Rename the file and its WAL/SHM companions aside with a timestamp; returns the new names. */
function moveAside(file: string, why: string, now: number): string[] {
  const moved: string[] = [];
  for (const suffix of ['', '-wal', '-shm', '.created']) {
    const path = file + suffix;
    if (!existsSync(path)) continue;
    const target = `${file}.${why}-${stamp(now)}${suffix}`;
    renameSync(path, target);
    moved.push(target);
  }
  return moved;
}

/** null when the file opens and passes SQLite's quick check, else what is wrong. */
function checkExisting(file: string): string | null {
  let db: Database | null = null;
  try {
    db = openSqlite(file, { fileMustExist: true });
    const rows = db.pragma('quick_check') as Array<{ quick_check: string }>;
    const result = rows.map((r) => r.quick_check).join('; ');
    return result === 'ok' ? null : `SQLite quick_check: ${result}`;
  } catch (error) {
    return (error as Error).message;
  } finally {
    db?.close();
  }
}

/**
 * Open (or create) the meter database: WAL, synchronous NORMAL (a process crash loses nothing
 * committed; fsync happens at checkpoints, not per transaction: SD cards), migrations applied.
 * A file that is corrupt, or missing while its marker says it existed, is reported and moved
 * aside with a timestamp, never silently replaced; a new database then starts beside it.
 */
export function openMeterDatabase(file: string, log: Logger, now: number = Date.now()): OpenedDatabase {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const problems: string[] = [];
  if (existsSync(file) && statSync(file).size === 0 && existsSync(markerFile(file))) {
    // SQLite opens an empty file as a new, valid database: after a database was created here,
    // 0 bytes means the history was lost (a full SD card, a truncation), which must be said
    const created = readFileSync(markerFile(file), 'utf8').trim();
    const moved = moveAside(file, 'empty', now);
    problems.push(`${file} is empty (0 bytes) although a database was created there ${created}; moved aside as ${moved.map((m) => basename(m)).join(', ')}; a new database was started`);
  } else if (existsSync(file)) {
    const problem = checkExisting(file);
    if (problem) {
      const moved = moveAside(file, 'corrupt', now);
      problems.push(`${file} cannot be used (${problem}); moved aside as ${moved.map((m) => basename(m)).join(', ')}; a new database was started`);
    }
  } else if (existsSync(markerFile(file))) {
    const created = readFileSync(markerFile(file), 'utf8').trim();
    const moved = moveAside(file, 'missing', now);
    problems.push(`${file} is missing (a database was created there ${created}); its remains moved aside as ${moved.map((m) => basename(m)).join(', ')}; a new database was started`);
  }
  for (const problem of problems) log.error({ file }, problem);
  // the history shows when a family is home: readable by this user only (SQLite gives its WAL
  // and shared-memory files the database's mode); an existing file made by an older version is narrowed
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  restrictToOwner(file);
  const db = openSqlite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const { from, to } = migrate(db);
  if (from !== to) log.info({ file, from, to }, from === 0 ? 'database created' : 'database schema migrated');
  for (const companion of ['-wal', '-shm']) if (existsSync(file + companion)) restrictToOwner(file + companion);
  if (!existsSync(markerFile(file))) writeFileSync(markerFile(file), `${new Date(now).toISOString()}\n`, { mode: 0o600 });
  return { db, problems };
}

function restrictToOwner(path: string): void {
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
}
