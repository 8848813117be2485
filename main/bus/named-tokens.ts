import { existsSync, mkdirSync, readFileSync, unwatchFile, watchFile } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../config/errors.js';
import type { NamedToken } from './auth.js';
import { checkToken, generateToken, writeTokenFile } from './token-store.js';

/**
 * The viewer and satellite tokens: one file in the data directory, 0600, written atomically by
 * `digital-meter token --satellite NAME / --viewer NAME / --revoke NAME` and watched by a running
 * server, which drops a revoked token's connections at once.
 */
export const NAMED_TOKENS_FILE = 'bus-tokens.json';

export const tokenNameSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,47}$/, 'lowercase letters, digits, - and _, at most 48');

const fileSchema = z.object({
  tokens: z.array(z.object({
    access: z.enum(['viewer', 'satellite']),
    name: tokenNameSchema,
    token: z.string(),
  }).strict()),
}).strict();

export function namedTokensPath(dataDir: string): string {
  return join(dataDir, NAMED_TOKENS_FILE);
}

export function readNamedTokens(file: string): NamedToken[] {
  if (!existsSync(file)) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(file, [`cannot be read: ${(error as Error).message}`]);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(file, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  for (const t of parsed.data.tokens) checkToken(t.token, `${file}: ${t.access} ${t.name}`);
  return parsed.data.tokens;
}

function writeNamedTokens(file: string, tokens: NamedToken[]): void {
  writeTokenFile(file, JSON.stringify({ tokens }, null, 2));
}

/** Make (or replace) the token of `name`; a satellite and a viewer never share a name. */
export function issueNamedToken(dataDir: string, access: NamedToken['access'], name: string): NamedToken {
  const checked = tokenNameSchema.safeParse(name);
  if (!checked.success) throw new ConfigError(`--${access} ${name}`, [checked.error.issues[0]!.message]);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = namedTokensPath(dataDir);
  const tokens = readNamedTokens(file).filter((t) => t.name !== name);
  const entry: NamedToken = { access, name, token: generateToken() };
  writeNamedTokens(file, [...tokens, entry]);
  return entry;
}

/** Remove `name`'s token; false when there was none. */
export function revokeNamedToken(dataDir: string, name: string): boolean {
  const file = namedTokensPath(dataDir);
  const tokens = readNamedTokens(file);
  const kept = tokens.filter((t) => t.name !== name);
  if (kept.length === tokens.length) return false;
  writeNamedTokens(file, kept);
  return true;
}

/** Polls the file (an atomic rename swaps the inode, which fs.watch may miss). */
export function watchNamedTokens(file: string, onTokens: (tokens: NamedToken[]) => void, onProblem: (error: Error) => void, intervalMs = 1000): () => void {
  watchFile(file, { interval: intervalMs, persistent: false }, (current, previous) => {
    if (current.mtimeMs === previous.mtimeMs && current.ino === previous.ino) return;
    try {
      onTokens(readNamedTokens(file));
    } catch (error) {
      onProblem(error as Error);
    }
  });
  return () => unwatchFile(file);
}
