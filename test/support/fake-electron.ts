import { EventEmitter } from 'node:events';

/**
 * A recording stand-in for the `electron` module (the binary cannot be downloaded here), for
 * tests that run the whole shell: `vi.mock('electron', async () => (await import(
 * '../support/fake-electron.js')).electronModule)`. Every call the shell makes that matters for
 * the order of a quit is written to `timeline` with its wall-clock time.
 */
export const timeline: { what: string; at: number }[] = [];
const note = (what: string): void => { timeline.push({ what, at: Date.now() }); };

class FakeContents extends EventEmitter {
  id = 41;
  setWindowOpenHandler() {}
  insertCSS() { return Promise.resolve('key'); }
  send() {}
  isDestroyed() { return false; }
}

class FakeWindow extends EventEmitter {
  webContents = new FakeContents();
  constructor(readonly options: Record<string, unknown>) { super(); }
  loadURL() { return Promise.resolve(); }
  show() {}
  maximize() {}
  isMinimized() { return false; }
  isMaximized() { return false; }
  getNormalBounds() { return { x: 0, y: 0, width: 1280, height: 800 }; }
  isDestroyed() { return false; }
}

export const fakeApp = Object.assign(new EventEmitter(), {
  isPackaged: false,
  requestSingleInstanceLock: () => true,
  enableSandbox: () => {},
  whenReady: () => Promise.resolve(),
  /** as Electron: 'before-quit' first; a listener may prevent the quit */
  quit: () => {
    note('app.quit');
    let prevented = false;
    fakeApp.emit('before-quit', { preventDefault: () => { prevented = true; } });
    if (!prevented) note('quit for real');
  },
  exit: (code: number) => { note(`app.exit ${code}`); },
});

const session = {
  setPermissionRequestHandler: () => {},
  setPermissionCheckHandler: () => {},
  setDevicePermissionHandler: () => {},
  webRequest: { onHeadersReceived: () => {} },
};

export const electronModule = {
  // electron-store (imported by settings.ts) reads the default export
  default: { app: fakeApp, ipcMain: { on: () => {} }, shell: {} },
  app: fakeApp,
  BrowserWindow: FakeWindow,
  dialog: { showErrorBox: (title: string, message: string) => { note(`error box: ${title}: ${message}`); } },
  Menu: { setApplicationMenu: () => {} },
  powerSaveBlocker: { start: () => 7, stop: () => {} },
  protocol: { registerSchemesAsPrivileged: () => {}, handle: () => {} },
  safeStorage: { isEncryptionAvailable: () => false, getSelectedStorageBackend: () => 'basic_text', encryptString: () => Buffer.alloc(0), decryptString: () => '' },
  screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  session: { defaultSession: session },
  ipcMain: { handle: () => {}, removeHandler: () => {}, removeAllListeners: () => {} },
};

/** electron-updater's autoUpdater as the shell uses it: quitAndInstall starts the install, then quits (as BaseUpdater does). */
export class FakeUpdater extends EventEmitter {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  allowPrerelease = false;
  allowDowngrade = false;
  channel: string | null = null;
  checkForUpdates() { return Promise.resolve(null); }
  quitAndInstall() {
    note('quitAndInstall');
    setImmediate(() => fakeApp.quit());
  }
}

export function resetFakeElectron(): void {
  fakeApp.removeAllListeners();
  fakeApp.isPackaged = false;
  timeline.length = 0;
}

/** the time of the first timeline entry with this text */
export function when(what: string): number | null {
  return timeline.find((t) => t.what === what)?.at ?? null;
}
