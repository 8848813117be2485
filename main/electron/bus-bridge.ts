import type { WebContents } from 'electron';
import type { CommandRegistry } from '../bus/commands.js';
import { DASHBOARD } from '../bus/access.js';
import type { StateHub } from '../bus/state-hub.js';
import { PROTOCOL_VERSION, type Snapshot } from '../../shared/bus/protocol.js';
import type { TypedIpcMain } from './ipc-main.js';

/**
 * The core's state stream and commands over IPC, for the app's window: the same snapshot then
 * deltas a websocket client gets (architecture principle 3), and the same command registry.
 * The window's commands run with the dashboard's access, like the dashboard token in a browser.
 */
export class BusBridge {
  private readonly subscriptions = new Map<number, () => void>();

  constructor(
    private readonly ipc: TypedIpcMain,
    private readonly hub: StateHub,
    private readonly commands: CommandRegistry,
  ) {}

  register(): void {
    this.ipc.handle('bus:subscribe', (sender) => this.subscribe(sender));
    this.ipc.handle('bus:unsubscribe', (sender) => {
      this.unsubscribe(sender.id);
      return null;
    });
    this.ipc.handle('bus:command', (_sender, name, args) => this.commands.execute(name, args, { identity: DASHBOARD, via: 'ipc' }));
  }

  /** The snapshot now; every later delta goes to this window until it unsubscribes or closes. */
  private subscribe(sender: WebContents): Snapshot {
    this.unsubscribe(sender.id); // a reload subscribes again: one stream per window
    const stop = this.hub.subscribe((delta) => this.ipc.send(sender, 'bus:message', delta));
    const id = sender.id;
    this.subscriptions.set(id, stop);
    sender.once('destroyed', () => this.unsubscribe(id));
    const { seq, state } = this.hub.snapshot();
    return { type: 'snapshot', protocol: PROTOCOL_VERSION as Snapshot['protocol'], seq, state };
  }

  private unsubscribe(id: number): void {
    this.subscriptions.get(id)?.();
    this.subscriptions.delete(id);
  }

  get subscriberCount(): number {
    return this.subscriptions.size;
  }

  close(): void {
    for (const id of [...this.subscriptions.keys()]) this.unsubscribe(id);
  }
}
