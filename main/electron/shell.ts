import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { app, BrowserWindow, dialog, Menu, powerSaveBlocker, protocol, safeStorage, screen, session } from 'electron';
import type { CommandRegistry } from '../bus/commands.js';
import type { StateHub } from '../bus/state-hub.js';
import { RestartGate } from '../lifecycle/restart-veto.js';
import { ShutdownRegistry } from '../lifecycle/shutdown.js';
import { chooseSecretStore } from '../secrets/encrypted-secret-store.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, APP_START_URL, appProtocolHandler } from './app-protocol.js';
import { BusBridge } from './bus-bridge.js';
import { CrashRecovery } from './crash-recovery.js';
import { addSecurityHeaders } from './csp.js';
import { denyPermissions, guardNavigation } from './guards.js';
import { TypedIpcMain } from './ipc-main.js';
import { installQuitSequence, quitOnSignals, quitOnUncaughtError, type ProcessEvents } from './quit.js';
import { ELECTRON_STORE_CHANNELS, openSettingsFile, SettingsStore, type KeyValueFile } from './settings.js';
import { parseShellArgs, type ShellArgs } from './shell-args.js';
import { UpdateController, type Updater } from './updater.js';
import { HIDE_CURSOR_CSS, visibleBounds, windowOptions, type WindowMode } from './window-options.js';

/**
 * The seam to the core (main/electron/core.ts: createApp and the bus, the same composition
 * `serve` runs): what the shell needs from it. The shell hands the core its shutdown registry,
 * restart gate and secret store, so roles register their safe-state hooks, the bus its close and
 * the store its commit there, and restart vetoes in the gate.
 */
export interface ShellCore {
  hub: StateHub;
  commands: CommandRegistry;
  dataDir: string;
  log: { info(message: string): void; warn(message: string): void; error(message: string): void };
  start(): void;
  stop(): Promise<void>;
  /** the bus the kiosk serves satellites on (ws(s)://host:port/path), or null */
  busUrl?: string | null;
}

export interface CoreOptions {
  configFile?: string;
  roles?: ShellArgs['roles'];
  shutdown: ShutdownRegistry;
  restartGate: RestartGate;
  secrets: (dataDir: string) => SecretStore;
}

export interface ShellDeps {
  startCore(options: CoreOptions): Promise<ShellCore>;
  argv: readonly string[];
  /** the bundled preload (CommonJS) and the built renderer folder */
  preloadFile: string;
  rendererRoot: string;
  /** electron-updater's autoUpdater, loaded only in a packaged app */
  loadUpdater?: () => Promise<Updater>;
  settingsFile?: () => KeyValueFile;
  /** where signals and uncaught errors are heard (default: this process; tests hand in an emitter) */
  processEvents?: ProcessEvents;
}

export interface Shell {
  registry: ShutdownRegistry;
  gate: RestartGate;
  ready: Promise<void>;
}

/** Say something before the core's logger exists (or when the core failed to start). */
const early = (message: string): void => { process.stderr.write(`digital-meter: ${message}\n`); };

export function runShell(deps: ShellDeps): Shell | null {
  const { args, problems } = parseShellArgs(deps.argv);
  if (!app.requestSingleInstanceLock()) {
    early('already running; the open window was brought to the front');
    app.quit();
    return null;
  }
  for (const problem of problems) early(problem);
  // Must happen before 'ready'; no bypassCSP.
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
  app.enableSandbox();

  const registry = new ShutdownRegistry(10_000, early);
  const gate = new RestartGate();
  let say: ShellCore['log'] = { info: early, warn: early, error: early };
  let window: BrowserWindow | null = null;
  const denied = (what: string): void => say.warn(`denied ${what}`);

  app.on('web-contents-created', (_event, contents) => guardNavigation(contents, denied));
  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());
  const quit = installQuitSequence(app, registry, (m) => say.info(m));
  const events = deps.processEvents ?? process;
  quitOnSignals(app, events);
  quitOnUncaughtError(app, quit, events, (m) => say.error(m));

  const ready = app.whenReady().then(async () => {
    denyPermissions(session.defaultSession, denied);
    session.defaultSession.webRequest.onHeadersReceived(addSecurityHeaders);
    protocol.handle(APP_SCHEME, appProtocolHandler(deps.rendererRoot));

    const settings = new SettingsStore((deps.settingsFile ?? openSettingsFile)());
    const ipc = new TypedIpcMain((m) => say.warn(m));
    ipc.removeForeignListeners(ELECTRON_STORE_CHANNELS);

    let core: ShellCore;
    try {
      core = await deps.startCore({
        ...(args.configFile ? { configFile: args.configFile } : {}),
        ...(args.roles ? { roles: args.roles } : {}),
        shutdown: registry,
        restartGate: gate,
        secrets: (dataDir) => secretStore(dataDir, (m) => say.warn(m)),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      early(message);
      dialog.showErrorBox('Digital Meter cannot start', message);
      app.exit(78);
      return;
    }
    say = core.log;
    // the core registered its own steps in our registry (roles safe, bus closed, store committed):
    // a quit runs them in that order, before the window's IPC goes
    core.start();

    const bridge = new BusBridge(ipc, core.hub, core.commands);
    bridge.register();
    registry.add('final', 'ipc', () => { bridge.close(); ipc.removeAll(); });

    // an update's restart: devices safe, bus closed, store committed, and only then the install
    // (an AppImage starts the new version at once; it must find the port and the lock free). An
    // install that fails leaves a window without its core: quit then, systemd or the session restarts it.
    const restartForUpdate = (install: () => void): void => quit.shutdownThen(() => {
      install();
      setTimeout(() => app.quit(), 10_000).unref();
    });
    const updates = app.isPackaged && deps.loadUpdater
      ? new UpdateController(await deps.loadUpdater(), gate, (m) => say.info(m), undefined, undefined, undefined, restartForUpdate)
      : null;
    const applyUpdates = (): void => {
      if (!updates) return;
      const { autoUpdate, updateChannel } = settings.get();
      updates.apply({ autoUpdate, updateChannel }).catch((error: Error) => say.warn(`update check failed: ${error.message}`));
    };
    applyUpdates();
    registry.add('final', 'updates', () => updates?.stop());

    ipc.handle('settings:get', () => settings.rendererView());
    ipc.handle('settings:set', (_sender, changes) => {
      const before = settings.rendererView();
      settings.update(changes);
      const after = settings.rendererView();
      if (before.autoUpdate !== after.autoUpdate || before.updateChannel !== after.updateChannel) applyUpdates();
      return after;
    });

    const stored = settings.get();
    const kiosk = args.kiosk ?? stored.kiosk;
    const hideCursor = args.hideCursor ?? stored.hideCursor;
    if (kiosk) {
      Menu.setApplicationMenu(null);
      // The wall display must not blank while it shows the quarter's budget.
      const blocker = powerSaveBlocker.start('prevent-display-sleep');
      registry.add('final', 'power-save-blocker', () => { powerSaveBlocker.stop(blocker); });
    }
    const mode: WindowMode = kiosk
      ? { kind: 'kiosk', hideCursor }
      : { kind: 'desktop', bounds: visibleBounds(stored.window.bounds, screen.getAllDisplays().map((d) => d.workArea)), maximized: stored.window.maximized };

    if (!existsSync(join(deps.rendererRoot, 'index.html'))) {
      say.error(`the dashboard is not built (${deps.rendererRoot}/index.html missing): run npm run build`);
    }
    window = createWindow(mode, deps.preloadFile, ipc, settings, (m) => say.warn(m));
    window.on('closed', () => { window = null; ipc.trust(null); });
    await window.loadURL(APP_START_URL);
  });
  ready.catch((error: unknown) => {
    early(`the shell failed: ${error instanceof Error ? error.message : String(error)}`);
    app.exit(70);
  });
  return { registry, gate, ready };
}

function createWindow(mode: WindowMode, preloadFile: string, ipc: TypedIpcMain, settings: SettingsStore, warn: (m: string) => void): BrowserWindow {
  const options = windowOptions(mode, preloadFile);
  // The security switches restated where the window is made: what a reviewer (and the
  // electronegativity scan in npm test) reads here is what the window gets.
  const window = new BrowserWindow({
    ...options,
    webPreferences: {
      ...options.webPreferences,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  ipc.trust(window.webContents);
  window.once('ready-to-show', () => {
    if (mode.kind === 'desktop' && mode.maximized) window.maximize();
    window.show();
  });
  if (mode.kind === 'kiosk' && mode.hideCursor) {
    window.webContents.on('did-finish-load', () => {
      void window.webContents.insertCSS(HIDE_CURSOR_CSS); // eng-disable DANGEROUS_FUNCTIONS_JS_CHECK (a constant style sheet, never page or user content)
    });
  }
  // A kiosk has nobody to click "reload": bring the dashboard back after a renderer crash.
  const recovery = new CrashRecovery();
  window.webContents.on('render-process-gone', (_event, details) => {
    if (details.reason === 'clean-exit') return;
    const { delayMs, report } = recovery.onCrash();
    if (report) warn(`the dashboard's renderer stopped (${details.reason}); reloading it`);
    setTimeout(() => { if (!window.isDestroyed()) window.reload(); }, delayMs);
  });
  if (mode.kind === 'desktop') {
    window.on('close', () => {
      settings.update({ window: { bounds: window.getNormalBounds(), maximized: window.isMaximized() } });
    });
  }
  return window;
}

function secretStore(dataDir: string, warn: (m: string) => void): SecretStore {
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null;
  const chosen = chooseSecretStore(dataDir, safeStorage, backend);
  if (!chosen.encrypted) warn('no OS keychain to encrypt secrets with: they stay in the data directory\'s 0600 file');
  return chosen.store;
}
