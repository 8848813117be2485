import type { CLOSE, Delta, PROTOCOL_VERSION, ServerMessage, Snapshot } from '../bus/protocol.js';
import type { CommandAnswer, ConnectionStatus, StateClient } from './state-client.js';

/** The part of the WebSocket API this client uses (the browser's, or the `ws` package in tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface WsClientOptions {
  url: string;
  token: string;
  /** makes a socket (the browser: url => new WebSocket(url)) */
  connect: (url: string) => SocketLike;
  /** shown in the server's log */
  name?: string;
  /** reconnect delays grow from the first to the last, then stay there */
  retryDelaysMs?: readonly number[];
  /** a command without an answer by then is refused locally */
  commandTimeoutMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

const OPEN = 1;
// the protocol's constants, typed against it, without loading its zod schemas into the page
const PROTOCOL: typeof PROTOCOL_VERSION = 2;
const CLOSE_UNAUTHORIZED: typeof CLOSE.unauthorized = 4401;
const CLOSE_TOKEN_ROTATED: typeof CLOSE.tokenRotated = 4403;

/**
 * The browser's StateClient over the bus websocket: hello with the token, then the server's
 * snapshot and deltas pass to the subscribers. A dropped connection is retried with growing
 * delays and, once back, starts again from a fresh snapshot; a refused token stops the retries
 * ('unauthorized') so the page can ask for another. Incoming messages are validated with the
 * protocol's schemas; a malformed one is dropped, never applied.
 */
export class WsStateClient implements StateClient {
  private socket: SocketLike | null = null;
  private readonly listeners = new Set<(message: Snapshot | Delta) => void>();
  private readonly statusListeners = new Set<(status: ConnectionStatus, detail: string | null) => void>();
  private readonly pending = new Map<string, { resolve: (answer: CommandAnswer) => void; timer: unknown }>();
  private status: ConnectionStatus = 'connecting';
  private detail: string | null = null;
  private attempt = 0;
  private nextId = 1;
  private retryTimer: unknown = null;
  private closed = false;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly o: WsClientOptions) {
    this.setTimer = o.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = o.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
    this.open();
  }

  subscribe(listener: (message: Snapshot | Delta) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  onStatus(listener: (status: ConnectionStatus, detail: string | null) => void): () => void {
    this.statusListeners.add(listener);
    listener(this.status, this.detail);
    return () => { this.statusListeners.delete(listener); };
  }

  command(name: string, args?: unknown): Promise<CommandAnswer> {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN || this.status !== 'live') {
      return Promise.resolve({ ok: false, error: { code: 'offline', message: 'not connected to the meter; try again when the connection is back' } });
    }
    const id = String(this.nextId++);
    return new Promise((resolve) => {
      const timer = this.setTimer(() => {
        this.pending.delete(id);
        resolve({ ok: false, error: { code: 'timeout', message: `no answer to '${name}' in time` } });
      }, this.o.commandTimeoutMs ?? 10_000);
      this.pending.set(id, { resolve, timer });
      socket.send(JSON.stringify({ type: 'command', id, name, args: args ?? {} }));
    });
  }

  /** Drop the connection now and reconnect (tests; a page waking from sleep). */
  reconnect(): void {
    this.socket?.close(4000, 'reconnect');
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer !== null) this.clearTimer(this.retryTimer);
    this.socket?.close(1000, 'page closed');
    this.socket = null;
    this.failPending('the page closed the connection');
  }

  private open(): void {
    this.retryTimer = null;
    this.setStatus(this.attempt === 0 ? 'connecting' : 'lost', this.detail);
    const socket = this.o.connect(this.o.url);
    this.socket = socket;
    socket.onopen = () => {
      socket.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL, role: 'viewer', token: this.o.token, name: this.o.name ?? 'dashboard' }));
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.failPending('the connection dropped');
      if (this.closed) return;
      if (event.code === CLOSE_UNAUTHORIZED || event.code === CLOSE_TOKEN_ROTATED) {
        this.setStatus('unauthorized', event.reason || 'the token was refused');
        return;
      }
      this.detail = event.reason || null;
      this.setStatus('lost', this.detail);
      const delays = this.o.retryDelaysMs ?? [500, 1000, 2000, 5000];
      const delay = delays[Math.min(this.attempt, delays.length - 1)]!;
      this.attempt++;
      this.retryTimer = this.setTimer(() => this.open(), delay);
    };
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return;
    }
    const m = serverMessage(parsed);
    if (!m) return;
    if (m.type === 'snapshot') {
      this.attempt = 0;
      this.detail = null;
      this.setStatus('live', null);
      for (const listener of this.listeners) listener(m);
    } else if (m.type === 'delta') {
      for (const listener of this.listeners) listener(m);
    } else if (m.type === 'result') {
      const waiting = this.pending.get(m.id);
      if (!waiting) return;
      this.pending.delete(m.id);
      this.clearTimer(waiting.timer);
      waiting.resolve(m.ok ? { ok: true, value: m.value } : { ok: false, error: m.error });
    } else if (m.type === 'error' && m.id) {
      const waiting = this.pending.get(m.id);
      if (!waiting) return;
      this.pending.delete(m.id);
      this.clearTimer(waiting.timer);
      waiting.resolve({ ok: false, error: { code: m.code, message: m.message } });
    }
  }

  private failPending(message: string): void {
    for (const [id, waiting] of this.pending) {
      this.clearTimer(waiting.timer);
      waiting.resolve({ ok: false, error: { code: 'offline', message } });
      this.pending.delete(id);
    }
  }

  private setStatus(status: ConnectionStatus, detail: string | null): void {
    this.status = status;
    for (const listener of this.statusListeners) listener(status, detail);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The server's message, checked by its shape before it is used: a delta (one a second) must not
 * cost a schema walk on the page's main thread, and the page need not load zod to show the
 * dashboard. The server validates everything it receives with the shared zod schemas; this
 * checks what the page relies on, and drops anything else.
 */
export function serverMessage(value: unknown): ServerMessage | null {
  if (!isObject(value)) return null;
  switch (value.type) {
    case 'delta':
      return Number.isInteger(value.seq) && isObject(value.set) && (value.unset === undefined || Array.isArray(value.unset)) ? value as Delta : null;
    case 'snapshot': {
      const state = value.state;
      return value.protocol === PROTOCOL && Number.isInteger(value.seq) && isObject(state) && isObject(state.sources) ? value as Snapshot : null;
    }
    case 'result':
      return typeof value.id === 'string' && (value.ok === true || (value.ok === false && isObject(value.error))) ? value as ServerMessage : null;
    case 'error':
      return typeof value.code === 'string' && typeof value.message === 'string' ? value as ServerMessage : null;
    case 'grant':
      return typeof value.id === 'string' && typeof value.kw === 'number' ? value as ServerMessage : null;
    default:
      return null;
  }
}
