import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// The Electron binary is not here: every Electron object the shell touches is a recording fake.
const fake = vi.hoisted(() => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- vi.hoisted runs before imports
  const { EventEmitter: Emitter } = require('node:events') as typeof import('node:events');
  class FakeContents extends Emitter {
    id = 41;
    openHandler: unknown = null;
    css: string[] = [];
    setWindowOpenHandler(h: unknown) { this.openHandler = h; }
    insertCSS(css: string) { this.css.push(css); return Promise.resolve('key'); }
    send() {}
    isDestroyed() { return false; }
  }
  class FakeWindow extends Emitter {
    static created: FakeWindow[] = [];
    webContents = new FakeContents();
    loaded: string[] = [];
    shown = false;
    constructor(readonly options: Record<string, unknown>) { super(); FakeWindow.created.push(this); }
    loadURL(url: string) { this.loaded.push(url); return Promise.resolve(); }
    show() { this.shown = true; }
    maximize() {}
    isMinimized() { return false; }
    isMaximized() { return false; }
    getNormalBounds() { return { x: 5, y: 6, width: 1100, height: 700 }; }
    isDestroyed() { return false; }
  }
  const calls: string[] = [];
  const app = Object.assign(new Emitter(), {
    lock: true,
    isPackaged: false,
    requestSingleInstanceLock: () => { calls.push('requestSingleInstanceLock'); return app.lock; },
    enableSandbox: () => { calls.push('enableSandbox'); },
    whenReady: () => Promise.resolve(),
    quit: () => {
      calls.push('app.quit');
      let prevented = false;
      app.emit('before-quit', { preventDefault: () => { prevented = true; } });
      if (!prevented) calls.push('quit for real');
    },
    exit: (code: number) => { calls.push(`app.exit ${code}`); },
  });
  const handlers = new Map<string, unknown>();
  const session = {
    permissionHandler: null as unknown,
    headersListener: null as unknown,
    setPermissionRequestHandler: (h: unknown) => { session.permissionHandler = h; },
    setPermissionCheckHandler: () => {},
    setDevicePermissionHandler: () => {},
    webRequest: { onHeadersReceived: (l: unknown) => { session.headersListener = l; } },
  };
  return { FakeContents, FakeWindow, calls, app, handlers, session, schemes: [] as unknown[], protocols: new Map<string, unknown>(), menus: [] as unknown[], errors: [] as string[] };
});

vi.mock('electron', () => ({
  // electron-store (imported by settings.ts) reads the default export
  default: { app: fake.app, ipcMain: { on: () => {} }, shell: {} },
  app: fake.app,
  BrowserWindow: fake.FakeWindow,
  dialog: { showErrorBox: (title: string, message: string) => { fake.errors.push(`${title}: ${message}`); } },
  Menu: { setApplicationMenu: (menu: unknown) => { fake.menus.push(menu); } },
  powerSaveBlocker: {
    start: (kind: string) => { fake.calls.push(`powerSaveBlocker.start ${kind}`); return 7; },
    stop: (id: number) => { fake.calls.push(`powerSaveBlocker.stop ${id}`); },
  },
  protocol: {
    registerSchemesAsPrivileged: (schemes: unknown[]) => { fake.schemes.push(...schemes); },
    handle: (scheme: string, handler: unknown) => { fake.protocols.set(scheme, handler); },
  },
  safeStorage: { isEncryptionAvailable: () => false, getSelectedStorageBackend: () => 'basic_text', encryptString: () => Buffer.alloc(0), decryptString: () => '' },
  screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  session: { defaultSession: fake.session },
  ipcMain: {
    handle: (channel: string, handler: unknown) => { fake.handlers.set(channel, handler); },
    removeHandler: (channel: string) => { fake.calls.push(`ipc removed ${channel}`); fake.handlers.delete(channel); },
    removeAllListeners: () => {},
  },
}));

const { runShell } = await import('../../main/electron/shell.js');
const { StateHub } = await import('../../main/bus/state-hub.js');
const { CommandRegistry } = await import('../../main/bus/commands.js');
const { addSecurityHeaders } = await import('../../main/electron/csp.js');
type CoreOptions = import('../../main/electron/shell.js').CoreOptions;

function fakeCore(order: string[]) {
  return async (options: CoreOptions) => {
    // an EV role would do this: its safe state before the store closes, and a restart veto
    options.shutdown.add('roles', 'ev', async () => { await new Promise((r) => setTimeout(r, 10)); order.push('ev: charging stopped'); });
    options.restartGate.addVeto('ev', () => null);
    // the core registers its own commit in the shell's registry (main/app.ts does)
    options.shutdown.add('store', 'core', async () => { order.push('store flushed'); });
    const log = { info: (m: string) => order.push(`info: ${m}`), warn: (m: string) => order.push(`warn: ${m}`), error: (m: string) => order.push(`error: ${m}`) };
    return {
      hub: new StateHub(), commands: new CommandRegistry(), dataDir: '/tmp/dm-shell-test', log,
      start: () => { order.push('core started'); },
      stop: async () => { await options.shutdown.shutdown(); },
    };
  };
}

// the shell listens on the process for signals and uncaught errors: what it added goes after each test
const PROCESS_EVENTS = ['SIGTERM', 'SIGINT', 'uncaughtException'] as const;
const processListeners = new Map(PROCESS_EVENTS.map((event) => [event, process.listeners(event as NodeJS.Signals)]));
beforeEach(() => {
  fake.app.removeAllListeners();
  fake.app.lock = true;
  fake.calls.length = 0;
  fake.handlers.clear();
  fake.FakeWindow.created.length = 0;
  fake.schemes.length = 0;
  fake.protocols.clear();
  fake.menus.length = 0;
  fake.errors.length = 0;
});
afterEach(() => {
  for (const event of PROCESS_EVENTS) {
    for (const l of process.listeners(event as NodeJS.Signals)) if (!processListeners.get(event)!.includes(l)) process.removeListener(event, l);
  }
});

const deps = (order: string[], argv: string[]) => ({
  startCore: fakeCore(order),
  argv,
  preloadFile: '/app/dist/preload/preload.cjs',
  rendererRoot: '/app/dist/renderer',
  settingsFile: () => ({ store: {} as Record<string, unknown> }),
});

describe('the Electron shell, assembled (electron mocked)', () => {
  it('kiosk: secure window on app://, CSP and permission handlers, sandbox for all, display kept on, no menu', async () => {
    const order: string[] = [];
    const shell = runShell(deps(order, ['/usr/bin/electron', '.', '--kiosk', '--hide-cursor']))!;
    await shell.ready;

    expect(fake.calls.slice(0, 2)).toEqual(['requestSingleInstanceLock', 'enableSandbox']);
    expect(fake.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
    expect([...fake.protocols.keys()]).toEqual(['app']);
    expect(fake.session.headersListener).toBe(addSecurityHeaders);
    expect(fake.session.permissionHandler).toBeTypeOf('function');
    expect(fake.calls).toContain('powerSaveBlocker.start prevent-display-sleep');
    expect(fake.menus).toEqual([null]);

    const [window] = fake.FakeWindow.created;
    expect(fake.FakeWindow.created).toHaveLength(1);
    expect(window!.options).toMatchObject({ kiosk: true, fullscreen: true, frame: false, show: false });
    expect(window!.options.webPreferences).toMatchObject({
      preload: '/app/dist/preload/preload.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false,
      webviewTag: false, webSecurity: true, disableBlinkFeatures: 'Auxclick', backgroundThrottling: false,
    });
    expect(window!.loaded).toEqual(['app://dashboard/index.html']);
    window!.webContents.emit('did-finish-load');
    expect(window!.webContents.css).toEqual(['* { cursor: none !important; }']);
    expect([...fake.handlers.keys()].sort()).toEqual(['bus:command', 'bus:subscribe', 'bus:unsubscribe', 'settings:get', 'settings:set']);
    expect(order).toContain('core started');

    // every WebContents the app makes gets the navigation guard
    const other = new fake.FakeContents();
    fake.app.emit('web-contents-created', {}, other);
    expect((other.openHandler as (d: { url: string }) => unknown)({ url: 'https://x.example/' })).toEqual({ action: 'deny' });
  });

  it('quitting: the EV role reaches its safe state, then the store flushes, then IPC and the display lock go, then it quits', async () => {
    const timeline = fake.calls; // the core's steps and Electron's calls on one line
    const shell = runShell(deps(timeline, ['electron', '.', '--kiosk']))!;
    await shell.ready;
    timeline.length = 0;
    const quitted = new Promise<void>((resolve) => {
      const check = setInterval(() => { if (timeline.includes('quit for real')) { clearInterval(check); resolve(); } }, 5);
    });
    fake.app.quit(); // the window closed, or SIGTERM
    fake.app.quit(); // asked again while shutting down: the same shutdown, not a second one
    await quitted;
    expect(timeline.filter((c) => !c.startsWith('info:') && !c.startsWith('ipc removed ') || c === 'ipc removed bus:subscribe')).toEqual([
      'app.quit', 'app.quit',
      'ev: charging stopped', // roles first
      'store flushed', // then the store
      'ipc removed bus:subscribe', 'powerSaveBlocker.stop 7', // then the rest
      'app.quit', 'quit for real',
    ]);
  });

  it('desktop: the saved place, and the place is saved on close', async () => {
    const order: string[] = [];
    const file = { store: { window: { bounds: { x: 100, y: 80, width: 1300, height: 850 }, maximized: false } } as Record<string, unknown> };
    const shell = runShell({ ...deps(order, ['electron', '.']), settingsFile: () => file })!;
    await shell.ready;
    const [window] = fake.FakeWindow.created;
    expect(window!.options).toMatchObject({ x: 100, y: 80, width: 1300, height: 850 });
    expect(window!.options.kiosk).toBeUndefined();
    expect(fake.calls).not.toContain('powerSaveBlocker.start prevent-display-sleep');
    window!.emit('close');
    expect(file.store.window).toEqual({ bounds: { x: 5, y: 6, width: 1100, height: 700 }, maximized: false });
  });

  it('a second instance quits at once and the first one comes to the front', () => {
    fake.app.lock = false;
    expect(runShell(deps([], ['electron', '.']))).toBeNull();
    expect(fake.calls).toEqual(['requestSingleInstanceLock', 'app.quit', 'quit for real']);
    expect(fake.FakeWindow.created).toHaveLength(0);
  });

  it('a core that cannot start (a bad config file) shows why and exits 78', async () => {
    const shell = runShell({ ...deps([], ['electron', '.']), startCore: async () => { throw new Error('/etc/dm.json: p1.port: Invalid input: expected string, received number'); } })!;
    await shell.ready;
    expect(fake.errors).toEqual(['Digital Meter cannot start: /etc/dm.json: p1.port: Invalid input: expected string, received number']);
    expect(fake.calls).toContain('app.exit 78');
    expect(fake.FakeWindow.created).toHaveLength(0);
  });
});

describe('the kiosk hosts satellites (electron mocked, the real core and bus)', () => {
  it('a satellite connects to the bus the shell started and files its demand; quitting: devices safe, bus closed, store committed', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { Writable } = await import('node:stream');
    const { startElectronCore } = await import('../../main/electron/core.js');
    const { issueNamedToken } = await import('../../main/bus/named-tokens.js');
    const { BusClient } = await import('../../main/bus/client.js');
    const dir = mkdtempSync(join(tmpdir(), 'dm-kiosk-'));
    try {
      const config = join(dir, 'kiosk.json');
      writeFileSync(config, JSON.stringify({
        roles: ['meter'], dataDir: 'data', log: { level: 'info', file: false }, p1: { type: 'simulator' },
        bus: { port: 0 },
        site: { fuse: { grid: '3x400', phases: 3, amps: 25 }, testDevices: [{ id: 'kioskload', maxKw: 1.5, minRunKw: 1, class: 'emergency' }] },
      }));
      const garage = issueNamedToken(join(dir, 'data'), 'satellite', 'garage').token;
      const logLines: string[] = [];
      const console = new Writable({ write(chunk: Buffer, _enc, done) { logLines.push(...chunk.toString().split('\n').filter(Boolean)); done(); } });
      let busUrl: string | null | undefined = null;
      const shell = runShell({
        startCore: async (options) => { const core = await startElectronCore({ ...options, env: { DM_TOKEN: 'kiosk-dashboard-token-0123456789' }, console }); busUrl = core.busUrl; return core; },
        argv: ['electron', '.', '--kiosk', '--config', config],
        preloadFile: '/app/dist/preload/preload.cjs',
        rendererRoot: '/app/dist/renderer',
        settingsFile: () => ({ store: {} as Record<string, unknown> }),
      })!;
      await shell.ready;
      expect(busUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
      const satellite = new BusClient({ url: busUrl!, token: garage, role: 'ev', name: 'garage' });
      const grants: number[] = [];
      satellite.on('grant', (g) => grants.push(g.kw));
      satellite.start();
      satellite.demand({ device: 'garage-car', kind: 'ev', conductors: [1, 2, 3], measuredKw: 0, band: { minKw: 0, maxKw: 2 }, minRunKw: 1, class: 'emergency', priority: 50 });
      // the meter's simulated P1 sends a telegram a second; each one grants
      const deadline = Date.now() + 20_000;
      while (grants.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(grants.length).toBeGreaterThan(0);
      await satellite.close();

      const quitted = new Promise<void>((resolve) => {
        const check = setInterval(() => { if (fake.calls.includes('quit for real')) { clearInterval(check); resolve(); } }, 5);
      });
      fake.app.quit();
      await quitted;
      const at = (text: string) => logLines.findIndex((l) => l.includes(text));
      expect(at('test device: safe state')).toBeGreaterThan(-1);
      expect(at('bus closed')).toBeGreaterThan(at('test device: safe state'));
      expect(at('stopped; everything committed')).toBeGreaterThan(at('bus closed'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('with bus.tls the kiosk\'s bus is wss only: a satellite pinning the certificate connects, plain ws is refused', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { WebSocket } = await import('ws');
    const { startElectronCore } = await import('../../main/electron/core.js');
    const { issueNamedToken } = await import('../../main/bus/named-tokens.js');
    const { BusClient } = await import('../../main/bus/client.js');
    const { certCommand } = await import('../../main/cli/cert.js');
    const dir = mkdtempSync(join(tmpdir(), 'dm-kiosk-tls-'));
    try {
      let fingerprint = '';
      expect(certCommand([], { out: (t) => { fingerprint += t; }, err: () => {}, cwd: dir })).toBe(0);
      fingerprint = fingerprint.trim();
      const config = join(dir, 'kiosk.json');
      writeFileSync(config, JSON.stringify({
        roles: ['meter'], dataDir: 'data', log: { level: 'warn', file: false }, p1: { type: 'simulator' },
        bus: { port: 0, tls: { cert: 'meter.crt', key: 'meter.key' } },
        site: { fuse: { grid: '3x400', phases: 3, amps: 25 } },
      }));
      const garage = issueNamedToken(join(dir, 'data'), 'satellite', 'garage').token;
      let busUrl: string | null | undefined = null;
      const shell = runShell({
        startCore: async (options) => { const core = await startElectronCore({ ...options, env: { DM_TOKEN: 'kiosk-dashboard-token-0123456789' }, console: null }); busUrl = core.busUrl; return core; },
        argv: ['electron', '.', '--kiosk', '--config', config],
        preloadFile: '/app/dist/preload/preload.cjs',
        rendererRoot: '/app/dist/renderer',
        settingsFile: () => ({ store: {} as Record<string, unknown> }),
      })!;
      await shell.ready;
      expect(busUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/ws$/);
      const satellite = new BusClient({ url: busUrl!, token: garage, role: 'ev', name: 'garage', fingerprint });
      let connected = false;
      satellite.on('connected', () => { connected = true; });
      satellite.start();
      const deadline = Date.now() + 20_000;
      while (!connected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await satellite.close();
      expect(connected).toBe(true);
      // the same port without TLS: no websocket
      const plain = new WebSocket(busUrl!.replace('wss://', 'ws://'));
      const outcome = await new Promise<string>((resolve) => {
        plain.once('open', () => resolve('open'));
        plain.once('error', () => resolve('refused'));
      });
      plain.terminate();
      expect(outcome).toBe('refused');
      const quitted = new Promise<void>((resolve) => {
        const check = setInterval(() => { if (fake.calls.includes('quit for real')) { clearInterval(check); resolve(); } }, 5);
      });
      fake.app.quit();
      await quitted;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
