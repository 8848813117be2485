import type { Logger } from 'pino';
import { silentLogger } from '../log/logger.js';
import { TokenHolder } from './auth.js';
import { TokenFileWatcher, resolveServerToken } from './token-store.js';

export interface ServerTokenSource {
  holder: TokenHolder;
  /** where the token lives, or null when --token / DM_TOKEN set it */
  file: string | null;
  stop(): void;
}

/**
 * The server's token, kept current: read (or created) from the data directory and watched, so
 * `digital-meter token --rotate` in another shell takes effect in the running server, which then
 * disconnects every client holding the old token. With --token / DM_TOKEN nothing is watched.
 */
export function openServerToken(options: {
  dataDir: string;
  override?: string | undefined;
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  watchIntervalMs?: number;
}): ServerTokenSource {
  const log = options.log ?? silentLogger();
  const { token, file, created } = resolveServerToken(options.dataDir, options.override, options.env);
  const holder = new TokenHolder(token);
  if (!file) {
    log.info('bus token from --token / DM_TOKEN');
    return { holder, file: null, stop: () => {} };
  }
  if (created) log.info({ file }, 'bus token created; digital-meter token prints it');
  const watcher = new TokenFileWatcher(file, (next) => {
    if (next === holder.get()) return;
    log.warn({ file }, 'bus token rotated; disconnecting every client');
    holder.set(next);
  }, (error) => log.error({ file, err: error.message }, 'bus token file unusable; keeping the current token'), options.watchIntervalMs);
  watcher.start();
  return { holder, file, stop: () => watcher.stop() };
}
