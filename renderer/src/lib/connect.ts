import type { StateClient } from '../../../shared/client/state-client.js';
import { WsStateClient, type SocketLike } from '../../../shared/client/ws-client.js';

/** The browser's client: the websocket at /ws of the page's own origin. */
export function connectBrowser(token: string): StateClient {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return new WsStateClient({
    url: `${scheme}://${window.location.host}/ws`,
    token,
    // the DOM's handler types are stricter than SocketLike's (which also fits the ws package)
    connect: (url) => new WebSocket(url) as unknown as SocketLike,
  });
}
