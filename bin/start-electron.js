#!/usr/bin/env node
// `npm start`: the desktop / kiosk app. Runs Electron's binary on this folder (package.json
// "main" -> dist/main/index.js), passing options through (`npm start -- --kiosk`). The first run
// fetches the binary and prepares better-sqlite3 for Electron's ABI (dist/launcher/); where that
// cannot be done it says what to do instead, with no stack trace.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const launcher = join(appDir, 'dist', 'launcher', 'start-desktop.js');

if (!existsSync(join(appDir, 'dist', 'main', 'index.js')) || !existsSync(launcher)) {
  process.stderr.write('digital-meter: not built yet; run `npm run build` first\n');
  process.exit(70);
}
const { startDesktop } = await import(pathToFileURL(launcher).href);
await startDesktop(appDir, process.argv.slice(2));
