import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where configuration and data live when nothing says otherwise: the XDG directories on Linux,
 * Application Support on macOS, %APPDATA% on Windows. Under Electron the shell passes
 * app.getPath('userData') instead.
 */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'digital-meter');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'digital-meter');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'digital-meter');
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'darwin' || platform === 'win32') return join(defaultConfigDir(env, platform), 'data');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'digital-meter');
}
