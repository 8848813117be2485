import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unwatchFile, watchFile, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/errors.js';

/**
 * The bus token lives in one file in the data directory, readable only by its owner (0600):
 * the websocket shows when a family is home, so reading needs the token as much as commanding.
 */
export const TOKEN_FILE_NAME = 'bus-token';
/** Shortest token accepted from --token / DM_TOKEN or a hand-edited file. */
export const MIN_TOKEN_LENGTH = 16;

export function tokenFilePath(dataDir: string): string {
  return join(dataDir, TOKEN_FILE_NAME);
}

/** 32 random bytes, base64url: 43 characters, safe in a URL fragment and a shell. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

export function checkToken(token: string, where: string): string {
  const problems: string[] = [];
  if (token.length < MIN_TOKEN_LENGTH) problems.push(`the token must be at least ${MIN_TOKEN_LENGTH} characters (it has ${token.length})`);
  if (/\s/.test(token)) problems.push('the token must not contain spaces or line breaks');
  if (problems.length) throw new ConfigError(where, problems);
  return token;
}

/** The token in `file`, or null when there is none. Group/other permissions are removed. */
export function readTokenFile(file: string): string | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfigError(file, [`cannot be read: ${(error as Error).message}`]);
  }
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return checkToken(text.trim(), file);
}

/** Write atomically (temporary file, fsync, rename), created 0600 so no one else ever reads it. */
export function writeTokenFile(file: string, token: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, token + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

/** The token of this data directory, created at first use. */
export function loadOrCreateToken(dataDir: string): { token: string; file: string; created: boolean } {
  const file = tokenFilePath(dataDir);
  const existing = readTokenFile(file);
  if (existing) return { token: existing, file, created: false };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const token = generateToken();
  writeTokenFile(file, token);
  return { token, file, created: true };
}

/** Replace the token; a running server watching the file disconnects every client holding the old one. */
export function rotateToken(dataDir: string): { token: string; file: string } {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = tokenFilePath(dataDir);
  const token = generateToken();
  writeTokenFile(file, token);
  return { token, file };
}

/**
 * Notices when another process (`digital-meter token --rotate`) replaces the token file.
 * Polls the file's stat: an atomic rename swaps the inode, which fs.watch on some platforms
 * misses, and a poll every second costs nothing.
 */
export class TokenFileWatcher {
  private running = false;

  constructor(
    private readonly file: string,
    private readonly onToken: (token: string) => void,
    private readonly onProblem: (error: Error) => void,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    watchFile(this.file, { interval: this.intervalMs, persistent: false }, (current, previous) => {
      if (current.mtimeMs === previous.mtimeMs && current.ino === previous.ino) return;
      try {
        const token = readTokenFile(this.file);
        if (token) this.onToken(token);
      } catch (error) {
        this.onProblem(error as Error);
      }
    });
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    unwatchFile(this.file);
  }
}

/**
 * The token a server uses: --token / DM_TOKEN when given (scripts and tests; the file is then
 * neither created nor watched), else the data directory's file, created at first start.
 */
export function resolveServerToken(dataDir: string, override: string | undefined, env: NodeJS.ProcessEnv = process.env): { token: string; file: string | null; created: boolean } {
  const explicit = override ?? env.DM_TOKEN;
  if (explicit !== undefined && explicit !== '') {
    return { token: checkToken(explicit, override !== undefined ? '--token' : 'DM_TOKEN'), file: null, created: false };
  }
  return loadOrCreateToken(dataDir);
}
