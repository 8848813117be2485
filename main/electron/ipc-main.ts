import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import {
  INVOKE_CHANNELS, invokeArgumentSchemas, type InvokeChannel, type InvokeChannels, type PushChannel, type PushChannels,
} from '../../shared/ipc.js';
import { describeZodIssues } from '../config/errors.js';
import { isAppUrl } from './app-protocol.js';

/**
 * The main side of the typed IPC: the only module besides preload/ that touches ipcMain.
 * Every invoke is checked twice before its handler runs: the sender must be the app's own
 * window, top frame, showing the app's own origin; and the arguments must match the channel's
 * schema in shared/ipc.ts. A refusal rejects the renderer's promise with a short reason.
 */

/** What the sender check looks at (a structural subset of IpcMainInvokeEvent, for tests). */
export interface SenderFacts {
  sender: { id: number };
  senderFrame: { url: string; parent: unknown } | null;
}

/** The app's own window, top frame, app origin; anything else (an iframe, another origin, a frame gone) is refused. */
export function isTrustedSender(event: SenderFacts, trustedWebContentsId: number | null): boolean {
  if (trustedWebContentsId === null || event.sender.id !== trustedWebContentsId) return false;
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return isAppUrl(frame.url);
}

export type InvokeHandler<C extends InvokeChannel> =
  (sender: WebContents, ...args: InvokeChannels[C]['args']) => InvokeChannels[C]['result'] | Promise<InvokeChannels[C]['result']>;

export class TypedIpcMain {
  private trustedId: number | null = null;

  constructor(private readonly onRefusal: (message: string) => void) {}

  /** The window whose top frame may call; null while there is none. */
  trust(contents: WebContents | null): void {
    this.trustedId = contents ? contents.id : null;
  }

  handle<C extends InvokeChannel>(channel: C, handler: InvokeHandler<C>): void {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, ...raw: unknown[]) => {
      if (!isTrustedSender(event, this.trustedId)) {
        this.onRefusal(`ipc: refused '${channel}' from an untrusted sender (${event.senderFrame?.url ?? 'no frame'})`);
        throw new Error(`${channel}: refused: not the app's own window`);
      }
      const parsed = invokeArgumentSchemas[channel].safeParse(raw);
      if (!parsed.success) {
        const problems = describeZodIssues(parsed.error, 'arguments').join('; ');
        throw new Error(`${channel}: bad arguments: ${problems}`);
      }
      return handler(event.sender, ...(parsed.data as InvokeChannels[C]['args']));
    });
  }

  send<C extends PushChannel>(contents: WebContents, channel: C, payload: PushChannels[C]): void {
    if (!contents.isDestroyed()) contents.send(channel, payload);
  }

  /**
   * Remove listeners that libraries registered on ipcMain for their own use (electron-store
   * answers its data directory to any renderer that asks): our renderer never needs them.
   */
  removeForeignListeners(channels: readonly string[]): void {
    for (const channel of channels) ipcMain.removeAllListeners(channel);
  }

  removeAll(): void {
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel);
  }
}
