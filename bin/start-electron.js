#!/usr/bin/env node
// `npm start`: the desktop / kiosk app. Runs Electron's binary on this folder (package.json
// "main" -> dist/main/index.js), passing options through (`npm start -- --kiosk`). Where the
// binary is missing (its download was skipped or failed, or no display stack to run it), it
// says what to do instead, with no stack trace.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const UNAVAILABLE = 'Electron is not available here; run `npm run serve` and open the printed address\n';
const EX_UNAVAILABLE = 69;
const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');

function defaultBinaryName() {
  if (process.platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  return process.platform === 'win32' ? 'electron.exe' : 'electron';
}

/** The binary's path, or null. Not require('electron'): that starts a download when it is missing. */
function electronBinary() {
  let packageDir;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(packageDir, 'path.txt');
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : defaultBinaryName();
  const binary = join(process.env.ELECTRON_OVERRIDE_DIST_PATH || join(packageDir, 'dist'), name);
  return existsSync(binary) ? binary : null;
}

function unavailable(detail) {
  process.stderr.write(UNAVAILABLE);
  if (detail) process.stderr.write(`(${detail})\n`);
  process.exit(EX_UNAVAILABLE);
}

const binary = electronBinary();
if (!binary) unavailable('the Electron binary is not installed: `npm install` downloads it on a machine with internet');
if (!existsSync(join(appDir, 'dist', 'main', 'index.js'))) {
  process.stderr.write('digital-meter: not built yet; run `npm run build` first\n');
  process.exit(70);
}

const env = { ...process.env };
delete env.ELECTRON_RUN_AS_NODE; // would make Electron a plain Node.js
const child = spawn(binary, [appDir, ...process.argv.slice(2)], { stdio: 'inherit', env });
child.on('error', (error) => unavailable(error.message));
child.on('exit', (code, signal) => {
  // 127: the dynamic loader could not start it (missing system libraries, wrong architecture)
  if (code === 127) unavailable('the Electron binary could not be started on this system');
  process.exit(code ?? (signal ? 1 : 0));
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
