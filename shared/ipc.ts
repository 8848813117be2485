import { z } from 'zod';
import { commandNameSchema, type Delta, type Snapshot } from './bus/protocol.js';
import type { CommandAnswer, StateClient } from './client/state-client.js';

export type { CommandAnswer };

/**
 * The one map of Electron IPC channels, used by main/electron/ipc-main.ts and preload/ (the only
 * two places that touch ipcMain / ipcRenderer; eslint bans them elsewhere). Each invoke channel
 * names its arguments and its answer, so both sides are checked against the same types, and
 * main validates every argument with the schema below before acting on it (a compromised
 * renderer gets a refusal, never an exception inside the core).
 *
 * The preload is a CommonJS script in a sandbox and may import nothing but 'electron' at run
 * time, so it imports only the types from here and spells the channel names as literals that
 * the compiler checks against these maps.
 */

/** Window settings the renderer may read and change (the rest of electron-store stays in main). */
export const rendererSettingsSchema = z.object({
  language: z.enum(['en', 'nl', 'fr']),
  /** automatic updates are opt-in */
  autoUpdate: z.boolean(),
  updateChannel: z.enum(['stable', 'beta']),
}).strict();
export type RendererSettings = z.infer<typeof rendererSettingsSchema>;

/** renderer -> main, answered (ipcRenderer.invoke / ipcMain.handle). */
export interface InvokeChannels {
  /** start receiving 'bus:message' pushes; answers the snapshot to start from */
  'bus:subscribe': { args: []; result: Snapshot };
  /** stop the pushes (the window also stops them by closing) */
  'bus:unsubscribe': { args: []; result: null };
  /** a bus command (the same registry the websocket uses), e.g. 'state' */
  'bus:command': { args: [name: string, args: unknown]; result: CommandAnswer };
  'settings:get': { args: []; result: RendererSettings };
  'settings:set': { args: [changes: Partial<RendererSettings>]; result: RendererSettings };
}

/** main -> renderer, one way (webContents.send / ipcRenderer.on). */
export interface PushChannels {
  /** a delta after the subscription's snapshot, or a fresh snapshot after a gap */
  'bus:message': Snapshot | Delta;
}

export type InvokeChannel = keyof InvokeChannels;
export type PushChannel = keyof PushChannels;

/** Argument schemas for every invoke channel: main checks them before the handler runs. */
export const invokeArgumentSchemas: { [C in InvokeChannel]: z.ZodType<InvokeChannels[C]['args']> } = {
  'bus:subscribe': z.tuple([]),
  'bus:unsubscribe': z.tuple([]),
  'bus:command': z.tuple([commandNameSchema, z.unknown()]),
  'settings:get': z.tuple([]),
  'settings:set': z.tuple([rendererSettingsSchema.partial()]),
};

export const INVOKE_CHANNELS = Object.keys(invokeArgumentSchemas) as InvokeChannel[];

/**
 * What the preload exposes as `window.digitalMeter`: a few named functions, never a generic
 * send/invoke. `subscribe` and `command` are the dashboard's client API (StateClient in
 * shared/client/state-client.ts; the renderer wraps them with clientFromBridge).
 */
export interface DesktopBridge extends Pick<StateClient, 'subscribe' | 'command'> {
  getSettings(): Promise<RendererSettings>;
  setSettings(changes: Partial<RendererSettings>): Promise<RendererSettings>;
}

/** The key under which the preload exposes the bridge on `window`. */
export const BRIDGE_KEY = 'digitalMeter';
