import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// The Electron binary is not here: ipcMain is a recording fake.
const handlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
const removed: string[] = [];
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => Promise<unknown>) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, handler);
    },
    removeHandler: (channel: string) => { handlers.delete(channel); },
    removeAllListeners: (channel: string) => { removed.push(channel); },
  },
}));

const { isTrustedSender, TypedIpcMain } = await import('../../main/electron/ipc-main.js');
const { BusBridge } = await import('../../main/electron/bus-bridge.js');
const { StateHub } = await import('../../main/bus/state-hub.js');
const { CommandRegistry, registerStateCommands } = await import('../../main/bus/commands.js');

class FakeContents extends EventEmitter {
  sent: [string, unknown][] = [];
  destroyed = false;
  constructor(readonly id: number) { super(); }
  send(channel: string, payload: unknown): void { this.sent.push([channel, payload]); }
  isDestroyed(): boolean { return this.destroyed; }
}

const appFrame = { url: 'app://dashboard/index.html', parent: null };
function event(sender: FakeContents, frame: { url: string; parent: unknown } | null = appFrame) {
  return { sender, senderFrame: frame };
}

describe('IPC sender check', () => {
  it('accepts only the app window\'s top frame showing the app origin', () => {
    const window = { id: 7 };
    expect(isTrustedSender({ sender: window, senderFrame: appFrame }, 7)).toBe(true);
    expect(isTrustedSender({ sender: window, senderFrame: { url: 'app://dashboard/#/rates', parent: null } }, 7)).toBe(true);
    expect(isTrustedSender({ sender: { id: 8 }, senderFrame: appFrame }, 7)).toBe(false); // another window
    expect(isTrustedSender({ sender: window, senderFrame: { url: 'app://dashboard/x', parent: {} } }, 7)).toBe(false); // an iframe
    expect(isTrustedSender({ sender: window, senderFrame: { url: 'https://evil.example/', parent: null } }, 7)).toBe(false);
    expect(isTrustedSender({ sender: window, senderFrame: { url: 'file:///home/pi/x.html', parent: null } }, 7)).toBe(false);
    expect(isTrustedSender({ sender: window, senderFrame: { url: 'app://dashboard.evil/x', parent: null } }, 7)).toBe(false);
    expect(isTrustedSender({ sender: window, senderFrame: null }, 7)).toBe(false); // frame gone
    expect(isTrustedSender({ sender: window, senderFrame: appFrame }, null)).toBe(false); // no window yet
  });
});

describe('typed ipcMain wrapper', () => {
  let refusals: string[];
  let ipc: InstanceType<typeof TypedIpcMain>;
  const window = new FakeContents(7);

  beforeEach(() => {
    handlers.clear();
    refusals = [];
    ipc = new TypedIpcMain((m) => refusals.push(m));
    ipc.trust(window as never);
    ipc.handle('settings:set', (_sender, changes) => ({ language: changes.language ?? 'en', autoUpdate: false, updateChannel: 'stable' }));
  });

  it('runs the handler for the app window with validated arguments', async () => {
    await expect(handlers.get('settings:set')!(event(window), { language: 'nl' }))
      .resolves.toEqual({ language: 'nl', autoUpdate: false, updateChannel: 'stable' });
    expect(refusals).toEqual([]);
  });

  it('refuses another sender before the handler runs, and says so in the log', async () => {
    await expect(handlers.get('settings:set')!(event(window, { url: 'https://evil.example/', parent: null }), { language: 'nl' }))
      .rejects.toThrow("settings:set: refused: not the app's own window");
    await expect(handlers.get('settings:set')!(event(new FakeContents(9)), { language: 'nl' })).rejects.toThrow('refused');
    expect(refusals).toEqual([
      "ipc: refused 'settings:set' from an untrusted sender (https://evil.example/)",
      "ipc: refused 'settings:set' from an untrusted sender (app://dashboard/index.html)",
    ]);
  });

  it('refuses bad arguments, naming the field', async () => {
    await expect(handlers.get('settings:set')!(event(window), { language: 'de' })).rejects.toThrow(/settings:set: bad arguments: 0\.language: /);
    await expect(handlers.get('settings:set')!(event(window), { language: 'nl', nodeIntegration: true })).rejects.toThrow(/bad arguments/);
    await expect(handlers.get('settings:set')!(event(window))).rejects.toThrow(/bad arguments/);
  });

  it('after the window closed nothing is trusted', async () => {
    ipc.trust(null);
    await expect(handlers.get('settings:set')!(event(window), {})).rejects.toThrow('refused');
  });

  it('removes electron-store\'s own channel and every handler on request', () => {
    ipc.removeForeignListeners(['electron-store-get-data']);
    expect(removed).toEqual(['electron-store-get-data']);
    ipc.removeAll();
    expect(handlers.size).toBe(0);
  });
});

describe('the state stream over IPC', () => {
  it('subscribe answers the snapshot, then pushes deltas to that window until it is destroyed', async () => {
    handlers.clear();
    const ipc = new TypedIpcMain(() => {});
    const window = new FakeContents(3);
    ipc.trust(window as never);
    const hub = new StateHub();
    const bridge = new BusBridge(ipc, hub, registerStateCommands(new CommandRegistry(), hub));
    bridge.register();

    const snapshot = await handlers.get('bus:subscribe')!(event(window));
    expect(snapshot).toEqual({ type: 'snapshot', protocol: 2, seq: 0, state: { meter: null, quarter: null, costs: null, sources: {} } });
    hub.update({ sources: { p1: { status: 'ok', message: null, lastDataAt: 1000 } } });
    expect(window.sent).toEqual([['bus:message', { type: 'delta', seq: 1, set: { 'sources.p1': { status: 'ok', message: null, lastDataAt: 1000 } } }]]);

    await expect(handlers.get('bus:command')!(event(window), 'state.get', {})).resolves.toMatchObject({ ok: false, error: { code: 'unknown-command' } });
    await expect(handlers.get('bus:command')!(event(window), 'not a name!', {})).rejects.toThrow(/bad arguments/);

    window.emit('destroyed');
    expect(bridge.subscriberCount).toBe(0);
    hub.update({ sources: {} });
    expect(window.sent).toHaveLength(1);
  });
});
