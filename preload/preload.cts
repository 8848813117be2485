/**
 * The preload: runs sandboxed, before the dashboard, with contextIsolation. It exposes one
 * object, `window.digitalMeter`, with a few named functions (the Electron implementation of the
 * dashboard's client API, typed by DesktopBridge in shared/ipc.ts). The renderer never sees
 * ipcRenderer, an event object, or a way to name a channel.
 *
 * A sandboxed preload is a CommonJS script that may load nothing but 'electron' (and a few
 * Node built-ins): hence a .cts file (compiled to preload.cjs) and type-only imports from
 * shared/; channel names are literals the compiler checks against shared/ipc.ts's maps.
 */
import electron = require('electron');
import type { Delta, Snapshot } from '../shared/bus/protocol.js';
import type { BRIDGE_KEY, DesktopBridge, InvokeChannel, InvokeChannels, PushChannels, RendererSettings } from '../shared/ipc.js';

const { contextBridge, ipcRenderer } = electron;

/** The only way this file calls main: channel and arguments typed by the map. */
function invoke<C extends InvokeChannel>(channel: C, ...args: InvokeChannels[C]['args']): Promise<InvokeChannels[C]['result']> {
  return ipcRenderer.invoke(channel, ...args) as Promise<InvokeChannels[C]['result']>;
}

type BusListener = (message: Snapshot | Delta) => void;
const busListeners = new Set<BusListener>();

// One IPC listener for all subscribers; the event object stays here.
const PUSH: keyof PushChannels = 'bus:message';
ipcRenderer.on(PUSH, (_event, message: PushChannels[typeof PUSH]) => {
  for (const listener of busListeners) listener(message);
});

const bridge: DesktopBridge = {
  subscribe(listener) {
    if (typeof listener !== 'function') throw new TypeError('subscribe needs a function');
    busListeners.add(listener);
    // Every new subscriber starts from a fresh snapshot; deltas before it arrive are skipped by seq.
    invoke('bus:subscribe').then((snapshot) => { if (busListeners.has(listener)) listener(snapshot); }, () => {});
    return () => {
      busListeners.delete(listener);
      if (busListeners.size === 0) void invoke('bus:unsubscribe').catch(() => {});
    };
  },
  command(name: string, args?: unknown) {
    return invoke('bus:command', String(name), args);
  },
  getSettings(): Promise<RendererSettings> {
    return invoke('settings:get');
  },
  setSettings(changes: Partial<RendererSettings>): Promise<RendererSettings> {
    return invoke('settings:set', changes);
  },
};

const KEY: typeof BRIDGE_KEY = 'digitalMeter';
contextBridge.exposeInMainWorld(KEY, Object.freeze(bridge));
