import { clientFromBridge, type StateClient } from '../../../shared/client/state-client.js';
import type { BRIDGE_KEY, DesktopBridge } from '../../../shared/ipc.js';

/**
 * In the Electron app the preload exposes `window.digitalMeter` (shared/ipc.ts's DesktopBridge):
 * the state and commands come over IPC from the main process, with no token and no socket.
 * In a browser there is no bridge: null, and the page uses the websocket.
 */
export function desktopClient(w: Window = window): StateClient | null {
  const bridge = (w as Window & { [K in typeof BRIDGE_KEY]?: DesktopBridge }).digitalMeter;
  return bridge ? clientFromBridge(bridge) : null;
}
