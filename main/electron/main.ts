/**
 * Electron's entry (package.json "main" -> dist/main/index.js -> here): the same core as
 * `digital-meter serve` (main/app.ts), then the window. Paths are relative to the compiled file
 * (dist/main/electron/main.js), inside app.asar when packaged.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startElectronCore } from './core.js';
import { runShell } from './shell.js';
import type { Updater } from './updater.js';

const here = dirname(fileURLToPath(import.meta.url));

runShell({
  startCore: (options) => startElectronCore(options),
  argv: process.argv,
  preloadFile: join(here, '../../preload/preload.cjs'),
  rendererRoot: join(here, '../../renderer'),
  // electron-updater is CommonJS and touches Electron when loaded: only in a packaged app.
  loadUpdater: async () => (await import('electron-updater')).default.autoUpdater as unknown as Updater,
});
