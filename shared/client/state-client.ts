/**
 * The dashboard's one client API: subscribe to the core's state (a snapshot, then deltas) and
 * send commands. Two implementations: the websocket for a browser (ws-client.ts) and the
 * Electron preload's bridge (its `subscribe` and `command` have this same shape). The Pinia
 * stores see only this interface.
 */
import type { Delta, Snapshot } from '../bus/protocol.js';

export type CommandAnswer =
  | { ok: true; value: unknown }
  | { ok: false; error: { code: string; message: string } };

/**
 * - connecting: opening (first time or after a drop)
 * - live: snapshot received, deltas flowing
 * - lost: the connection dropped; retrying
 * - unauthorized: the token was refused (or there is none): ask the person for it
 */
export type ConnectionStatus = 'connecting' | 'live' | 'lost' | 'unauthorized';

export interface StateClient {
  /** The listener gets a snapshot first (and again after every reconnect), then deltas. */
  subscribe(listener: (message: Snapshot | Delta) => void): () => void;
  command(name: string, args?: unknown): Promise<CommandAnswer>;
  /** Connection changes; an in-process client (Electron IPC) is always 'live'. */
  onStatus(listener: (status: ConnectionStatus, detail: string | null) => void): () => void;
  close(): void;
}

/** The Electron bridge as the preload exposes it (subscribe + command), made a StateClient. */
export function clientFromBridge(bridge: Pick<StateClient, 'subscribe' | 'command'>): StateClient {
  return {
    subscribe: (listener) => bridge.subscribe(listener),
    command: (name, args) => bridge.command(name, args),
    onStatus: (listener) => {
      listener('live', null);
      return () => {};
    },
    close: () => {},
  };
}
