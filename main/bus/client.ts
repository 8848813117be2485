import { EventEmitter } from 'node:events';
import type { TLSSocket } from 'node:tls';
import { normaliseFingerprint } from './tls.js';
import { WebSocket, type ClientOptions } from 'ws';
import { applyChanges } from '../../shared/bus/delta.js';
import {
  PROTOCOL_VERSION, serverMessageSchema,
  type BusError, type BusRole, type CommandResult, type Delta,
} from '../../shared/bus/protocol.js';
import type { SiteDemandInput, SiteGrant } from '../../shared/site/contract.js';
import type { BusState } from '../../shared/state.js';
import type { BatteryState } from '../../shared/battery/state.js';
import type { EvState } from '../../shared/ev/state.js';
import { LINK_BACKOFF, backoffDelay, type BackoffOptions } from './backoff.js';

export interface BusClientOptions {
  /** the meter's bus, e.g. ws://192.168.1.10:8080/ws */
  url: string;
  token: string;
  role: Exclude<BusRole, 'meter'>;
  name?: string;
  backoff?: Partial<BackoffOptions>;
  /** no new telegram (a change of state.meter.time) for this long: stale */
  staleAfterMs?: number;
  commandTimeoutMs?: number;
  /** ping the server this often; no pong by the next ping: the connection is dropped and retried */
  pingIntervalMs?: number;
  random?: () => number;
  /** TLS options (ca for a self-signed meter certificate) */
  ws?: Pick<ClientOptions, 'ca' | 'rejectUnauthorized'>;
  /**
   * The meter certificate's SHA-256 fingerprint (wss:// only): the certificate is trusted by this
   * pin instead of a certificate authority, and the token is only sent to a meter that shows it.
   */
  fingerprint?: string;
}

export interface BusClientEvents {
  connected: [];
  disconnected: [code: number, reason: string];
  snapshot: [state: BusState];
  delta: [delta: Delta, state: BusState];
  /** true: no telegram for staleAfterMs, fall back to the safe state; false: data flows again */
  stale: [stale: boolean];
  /** a grant for one of this satellite's devices (protocol 2) */
  grant: [grant: SiteGrant];
  /** the server refused something (wrong token, bad message) */
  refused: [error: BusError | { code: string; message: string }];
}

/**
 * A satellite's view of the meter: connects, says hello with the token, keeps a copy of the
 * state (a fresh snapshot on every connection, then deltas), reconnects with backoff and jitter
 * for as long as it runs, and says `stale` when telegrams stop, whatever the reason (server
 * gone, meter silent, network cut), so a controller falls back to its safe state on its own.
 */
export class BusClient extends EventEmitter<BusClientEvents> {
  private ws: WebSocket | null = null;
  private state: BusState | null = null;
  private seq = 0;
  private attempt = 0;
  private running = false;
  private isStale = true;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private staleTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private awaitingPong = false;
  private nextCommandId = 1;
  private readonly pending = new Map<string, { resolve: (r: CommandResult) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private readonly backoff: BackoffOptions;
  /** standing demands by device, sent again on every new connection (the meter forgets them when one ends) */
  private readonly demands = new Map<string, SiteDemandInput>();
  private nextDemandId = 1;

  constructor(private readonly options: BusClientOptions) {
    super();
    this.backoff = { ...LINK_BACKOFF, ...options.backoff };
  }

  get current(): BusState | null {
    return this.state;
  }

  get stale(): boolean {
    return this.isStale;
  }

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN && this.state !== null;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.armStaleTimer();
    this.connect();
  }

  async close(): Promise<void> {
    this.running = false;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.staleTimer) clearTimeout(this.staleTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    const ws = this.ws;
    this.ws = null;
    this.failPending('client closed');
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close(1000, 'bye');
        setTimeout(() => { ws.terminate(); resolve(); }, 1000).unref();
      });
    }
  }

  /** Run a command on the meter; resolves with its result (ok or not). */
  command(name: string, args?: unknown): Promise<CommandResult> {
    const ws = this.ws;
    if (!ws || !this.connected) return Promise.reject(new Error('not connected to the meter'));
    const id = String(this.nextCommandId++);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`command '${name}' got no answer in ${this.options.commandTimeoutMs ?? 10_000} ms`));
      }, this.options.commandTimeoutMs ?? 10_000);
      this.pending.set(id, { resolve, reject, timer });
      ws.send(JSON.stringify({ type: 'command', id, name, args }));
    });
  }

  /**
   * File or replace a device's demand (protocol 2). It stands until withdrawn: after a reconnect
   * it is filed again. Returns whether it went out now.
   */
  demand(demand: SiteDemandInput): boolean {
    this.demands.set(demand.device, { ...demand });
    return this.sendNow({ type: 'demand', id: `d${this.nextDemandId++}`, demand });
  }

  /** Withdraw a device's demand: the meter grants it nothing more. */
  withdraw(device: string): boolean {
    this.demands.delete(device);
    return this.sendNow({ type: 'withdraw', id: `w${this.nextDemandId++}`, device });
  }

  /**
   * Tell the meter its devices' state (protocol 2 `device-state`); not queued: the next one, or
   * the one sent on the next connection, carries the latest. Returns whether it went out now.
   */
  deviceState(section: { ev?: EvState | null; battery?: BatteryState | null }): boolean {
    return this.sendNow({ type: 'device-state', ...section });
  }

  private sendNow(message: object): boolean {
    if (!this.ws || !this.connected) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  private connect(): void {
    if (!this.running) return;
    const pin = this.options.fingerprint ? normaliseFingerprint(this.options.fingerprint) : null;
    // with a pin, the chain is not checked against certificate authorities: the pin is the check
    const ws = new WebSocket(this.options.url, { handshakeTimeout: 5000, perMessageDeflate: false, ...this.options.ws, ...(pin ? { rejectUnauthorized: false } : {}) });
    this.ws = ws;
    if (pin) {
      // checked on the upgrade's response, before 'open': the hello (and its token) is never sent to another certificate
      ws.on('upgrade', (response) => {
        const shown = (response.socket as TLSSocket).getPeerCertificate?.()?.fingerprint256 ?? '(no certificate: not a wss:// connection)';
        if (shown === pin) return;
        this.emit('refused', { code: 'certificate', message: `the meter's certificate does not match bus.meter.fingerprint: it shows ${shown}, the pin is ${pin}; the token was not sent` });
        ws.terminate();
      });
    }
    ws.on('open', () => {
      ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, role: this.options.role, token: this.options.token, name: this.options.name }));
      this.startPings(ws);
    });
    ws.on('message', (data) => this.onMessage(ws, data.toString()));
    ws.on('pong', () => { this.awaitingPong = false; });
    ws.on('error', () => { /* the close that follows schedules the retry */ });
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.pingTimer) clearInterval(this.pingTimer);
      this.failPending('connection lost');
      this.emit('disconnected', code, reason.toString());
      if (!this.running) return;
      const delay = backoffDelay(this.attempt++, this.backoff, this.options.random);
      this.reconnectTimer = setTimeout(() => this.connect(), delay);
    });
  }

  private onMessage(ws: WebSocket, text: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return;
    }
    const parsed = serverMessageSchema.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    switch (message.type) {
      case 'snapshot': {
        const before = this.state?.meter?.time ?? null;
        this.state = message.state;
        this.seq = message.seq;
        this.attempt = 0;
        for (const demand of this.demands.values()) ws.send(JSON.stringify({ type: 'demand', id: `d${this.nextDemandId++}`, demand }));
        this.emit('connected');
        this.emit('snapshot', this.state);
        this.noteTelegram(before, this.state.meter?.time ?? null);
        return;
      }
      case 'delta': {
        if (!this.state) return;
        if (message.seq !== this.seq + 1) {
          // a missed delta: our copy may be wrong; a new connection brings a fresh snapshot
          ws.close(4000, 'resync');
          return;
        }
        const before = this.state.meter?.time ?? null;
        this.state = applyChanges(this.state, message);
        this.seq = message.seq;
        this.emit('delta', message, this.state);
        this.noteTelegram(before, this.state.meter?.time ?? null);
        return;
      }
      case 'result': {
        const waiting = this.pending.get(message.id);
        if (!waiting) return;
        this.pending.delete(message.id);
        clearTimeout(waiting.timer);
        waiting.resolve(message);
        return;
      }
      case 'grant':
        this.emit('grant', message.grant);
        return;
      case 'error':
        this.emit('refused', message);
        return;
    }
  }

  private noteTelegram(before: number | null, after: number | null): void {
    if (after === null || after === before) return;
    this.armStaleTimer();
    if (this.isStale) {
      this.isStale = false;
      this.emit('stale', false);
    }
  }

  private armStaleTimer(): void {
    if (this.staleTimer) clearTimeout(this.staleTimer);
    this.staleTimer = setTimeout(() => {
      if (!this.isStale) {
        this.isStale = true;
        this.emit('stale', true);
      }
    }, this.options.staleAfterMs ?? 3000);
    this.staleTimer.unref?.();
  }

  private startPings(ws: WebSocket): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.awaitingPong = false;
    this.pingTimer = setInterval(() => {
      if (this.awaitingPong) {
        ws.terminate();
        return;
      }
      this.awaitingPong = true;
      ws.ping();
    }, this.options.pingIntervalMs ?? 15_000);
    this.pingTimer.unref();
  }

  private failPending(reason: string): void {
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(new Error(reason));
      this.pending.delete(id);
    }
  }
}
