import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { keptApartBuild, sqlitePackageDir, type NativeTarget } from '../main/store/native-build.js';
import { downloadElectron, ElectronDownloadError } from './download-electron.js';
import { findElectronPackage, type ElectronPackage } from './electron-package.js';
import { NativeBuildError, prepareSqliteBuild } from './prepare-sqlite.js';

const UNAVAILABLE = 'Electron is not available here; run `npm run serve` and open the printed address\n';
export const EX_UNAVAILABLE = 69;

const write = (text: string) => { process.stderr.write(text); };

function unavailable(...lines: string[]): never {
  for (const line of lines) write(`${line}\n`);
  write(UNAVAILABLE);
  process.exit(EX_UNAVAILABLE);
}

async function ensureBinary(pkg: ElectronPackage): Promise<void> {
  if (existsSync(pkg.binary)) return;
  if (pkg.overridden) unavailable(`digital-meter: no Electron binary at ${pkg.binary} (ELECTRON_OVERRIDE_DIST_PATH names that folder)`);
  try {
    await downloadElectron(pkg, write, Boolean(process.stderr.isTTY));
  } catch (error) {
    if (!(error instanceof ElectronDownloadError)) throw error;
    unavailable(
      `digital-meter: could not download Electron ${pkg.version}: ${error.message}`,
      'Check the internet connection (behind a proxy: set HTTPS_PROXY and ELECTRON_GET_USE_PROXY=1; from a mirror: ELECTRON_MIRROR), then run `npm start` again.',
    );
  }
}

/**
 * better-sqlite3 for Electron's ABI, beside Node's build. serialport needs nothing: its add-on is
 * N-API (node-addon-api, prebuilds without an ABI in their names), one binary for every runtime.
 */
async function ensureSqliteBuild(pkg: ElectronPackage, appDir: string): Promise<void> {
  const target: NativeTarget = { runtime: 'electron', abi: pkg.abi, platform: process.platform, arch: process.arch };
  const packageDir = sqlitePackageDir(pathToFileURL(join(appDir, 'package.json')).href);
  if (existsSync(keptApartBuild(packageDir, target))) return;
  try {
    await prepareSqliteBuild({ target, version: pkg.version, packageDir, prebuilt: true, electronHeadersUrl: process.env.ELECTRON_HEADERS_URL, write });
  } catch (error) {
    if (!(error instanceof NativeBuildError)) throw error;
    unavailable(
      `digital-meter: could not prepare better-sqlite3 for Electron ${pkg.version} (ABI ${pkg.abi}): ${error.message}`,
      'It needs a prebuilt binary (from GitHub) or, failing that, Electron\'s headers (from electronjs.org; a mirror: ELECTRON_HEADERS_URL) and a C++ toolchain (python3, make, g++).',
      'Check the internet connection and the toolchain, then run `npm start` again.',
    );
  }
}

/**
 * `npm start`: on the first run fetch Electron's binary and prepare the native add-ons for its ABI
 * (each once, with a progress line), then run Electron on the app folder with the options given.
 */
export async function startDesktop(appDir: string, args: string[]): Promise<void> {
  const pkg = findElectronPackage(appDir);
  if (!pkg) unavailable('digital-meter: the electron package is not installed; run `npm install`');
  await ensureBinary(pkg);
  await ensureSqliteBuild(pkg, appDir);

  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // would make Electron a plain Node.js
  const child = spawn(pkg.binary, [appDir, ...args], { stdio: 'inherit', env });
  child.on('error', (error) => unavailable(`(${error.message})`));
  child.on('exit', (code, signal) => {
    // 127: the dynamic loader could not start it (missing system libraries, wrong architecture)
    if (code === 127) unavailable('(the Electron binary could not be started on this system)');
    process.exit(code ?? (signal ? 1 : 0));
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
}
