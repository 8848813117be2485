import { chmodSync, mkdirSync, statSync } from 'node:fs';

/**
 * Create the data directory readable by this user only (0700): the database, the history
 * exports and app.log show when a family is home. It is made before anything is written into
 * it (the log file used to create it 0755 first). A directory this program chose (`own`: the
 * default place, the demo's) is narrowed when an older version left it open; one the user
 * configured is left as it is, with a warning to act on. Returns that message, or null.
 */
export function prepareDataDir(dir: string, own: boolean): string | null {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return null;
  const mode = statSync(dir).mode & 0o777;
  if ((mode & 0o077) === 0) return null;
  if (own) {
    chmodSync(dir, 0o700);
    return `the data directory ${dir} was readable by others (mode ${mode.toString(8)}); narrowed to 700`;
  }
  return `the data directory ${dir} is readable by others (mode ${mode.toString(8)}): the history it holds shows when someone is home; run chmod 700 on it`;
}
