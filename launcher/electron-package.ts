import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The electron npm package of a checkout, and where its binary is (or will be once fetched). */
export interface ElectronPackage {
  dir: string;
  version: string;
  /** Electron's NODE_MODULE_VERSION, from the package's abi_version file */
  abi: string;
  binary: string;
  /** ELECTRON_OVERRIDE_DIST_PATH names the binary's folder: then it is the user's, never fetched */
  overridden: boolean;
}

function defaultBinaryName(platform: string): string {
  if (platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  return platform === 'win32' ? 'electron.exe' : 'electron';
}

/**
 * Not require('electron'): that fetches the binary synchronously with no way to report a failure
 * other than a stack trace. null when the package is not installed.
 */
export function findElectronPackage(appDir: string, env: NodeJS.ProcessEnv = process.env): ElectronPackage | null {
  let dir: string;
  try {
    dir = dirname(createRequire(join(appDir, 'package.json')).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
  const abi = readFileSync(join(dir, 'abi_version'), 'utf8').trim();
  // path.txt is written by the package's install script, next to the unpacked binary
  const pathFile = join(dir, 'path.txt');
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : defaultBinaryName(process.platform);
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  return { dir, version, abi, binary: join(override || join(dir, 'dist'), name), overridden: Boolean(override) };
}
