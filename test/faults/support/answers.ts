import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { openSqlite } from '../../../main/store/sqlite.js';

/**
 * What the hostile-input tests check in every answer: nothing secret or internal in it, and a
 * refusal a person can act on.
 */

/** The secrets and internals an answer must never carry: tokens, the data directory's path, a stack. */
export function leaks(text: string, secrets: readonly string[]): string[] {
  const found: string[] = [];
  for (const secret of secrets) if (secret && text.includes(secret)) found.push(`the secret ${secret.slice(0, 6)}...`);
  // a V8 stack frame ("    at fn (/path/file.js:12:3)") or a source location
  if (/\n\s+at .+[(:]/.test(text) || /\.(?:js|ts):\d+:\d+/.test(text)) found.push('a stack trace');
  if (/\broot:x:0:0\b/.test(text)) found.push('/etc/passwd');
  if (text.includes('SQLite format 3')) found.push('the database');
  if (/BEGIN [A-Z ]*PRIVATE KEY/.test(text)) found.push('a private key');
  return found;
}

/**
 * A refusal a person understands: says what was wrong in words ("wrong token", "usage: state" at
 * the least), is not a dump of an object, and is short enough to read.
 */
export function understandable(message: unknown): boolean {
  if (typeof message !== 'string') return false;
  const words = message.split(/\s+/).filter((w) => /[a-z]{2,}/i.test(w));
  return words.length >= 2 && message.length <= 1200 && !message.includes('[object Object]');
}

/** A fingerprint of what is stored: files byte for byte, and the database tables that commands could change. */
export function storedFingerprint(files: readonly string[], dbFile: string, tables: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of files) out[file] = existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : 'absent';
  const db = openSqlite(dbFile, { readonly: true, fileMustExist: true });
  try {
    for (const table of tables) {
      const exists = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
      out[`table ${table}`] = exists ? createHash('sha256').update(JSON.stringify(db.prepare(`SELECT * FROM ${table} ORDER BY 1`).all())).digest('hex') : 'absent';
    }
  } finally {
    db.close();
  }
  return out;
}
