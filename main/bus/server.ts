import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { CLOSE, MAX_MESSAGE_BYTES, type Delta } from '../../shared/bus/protocol.js';
import { silentLogger } from '../log/logger.js';
import { bearerToken, tokensMatch, type TokenHolder } from './auth.js';
import { CommandRegistry, registerStateCommands } from './commands.js';
import { FloodGuard, type FloodLimits } from './flood-guard.js';
import { CONTROL_OFF, type SatelliteDoors } from '../site/satellite-doors.js';
import { Session, type SessionLimits, type Transport } from './session.js';
import type { StateHub } from './state-hub.js';

export interface BusServerOptions {
  hub: StateHub;
  tokens: TokenHolder;
  /** default: a registry with the read-only state commands */
  commands?: CommandRegistry;
  /** the site's door for satellites; default: control off (demands refused, saying why) */
  site?: SatelliteDoors;
  log?: Logger;
  path?: string;
  limits?: Partial<SessionLimits>;
  /** how often to ping; a client that has not answered the previous ping is dropped */
  pingIntervalMs?: number;
  /** a connection that has not proven the token by then is closed */
  authTimeoutMs?: number;
  /** clients that proved the token, served at once (connections still proving it are counted apart) */
  maxClients?: number;
  /** what is done about floods and token guessing (flood-guard.ts) */
  flood?: Partial<FloodLimits>;
  now?: () => number;
}

export interface ListenOptions {
  host: string;
  port: number;
  /** PEM files of the user's certificate and key: serve wss:// instead of ws:// */
  tls?: { cert: string; key: string } | undefined;
}

interface Client {
  ws: WebSocket;
  session: Session;
  alive: boolean;
}

export const DEFAULT_LIMITS: SessionLimits = {
  maxBufferedBytes: 1024 * 1024,
  burst: 200,
  perSecond: 100,
  maxRefusals: 1000,
};

/**
 * The meter role's websocket endpoint. It attaches to an HTTP server at `path` (the dashboard
 * serves HTTP on the same port) or runs its own. Every connection must prove the token before
 * it sees anything; each delta is serialised once and written to every client without waiting
 * (a client whose unsent data passes the limit is dropped), so the meter loop never waits.
 */
export class BusServer {
  readonly commands: CommandRegistry;
  readonly site: SatelliteDoors;
  private readonly wss: WebSocketServer;
  private readonly clients = new Map<string, Client>();
  private readonly log: Logger;
  private readonly path: string;
  private readonly limits: SessionLimits;
  private readonly now: () => number;
  private readonly unsubscribe: Array<() => void> = [];
  private readonly pingTimer: NodeJS.Timeout;
  /** floods and wrong tokens, per address: refused and logged when they start and end, not per attempt */
  private readonly guard: FloodGuard<Client>;
  /** upgrade requests answered with a refusal whose socket has not closed yet: ended at close() */
  private readonly refusing = new Set<Duplex>();
  private ownServer: HttpServer | null = null;
  private secure = false;
  private closed = false;

  constructor(private readonly options: BusServerOptions) {
    this.log = options.log ?? silentLogger();
    this.path = options.path ?? '/ws';
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.now = options.now ?? (() => Date.now());
    this.guard = new FloodGuard(this.log, options.flood);
    this.commands = options.commands ?? registerStateCommands(new CommandRegistry(), options.hub);
    this.site = options.site ?? CONTROL_OFF;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false, clientTracking: false });
    this.unsubscribe.push(options.hub.subscribe((delta) => this.broadcast(delta)));
    this.unsubscribe.push(options.tokens.onChange(() => this.disconnectAll(CLOSE.tokenRotated, 'token rotated')));
    this.pingTimer = setInterval(() => this.pingAll(), options.pingIntervalMs ?? 15_000);
    this.pingTimer.unref();
  }

  /** Serve its own HTTP(S) server on host:port; other paths answer 404. */
  static async listen(options: BusServerOptions & ListenOptions): Promise<BusServer> {
    const server = new BusServer(options);
    const notFound = (_req: IncomingMessage, res: import('node:http').ServerResponse) => {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`websocket only, at ${server.path}\n`);
    };
    const http = options.tls
      ? createHttpsServer({ cert: readFileSync(options.tls.cert), key: readFileSync(options.tls.key) }, notFound)
      : createHttpServer(notFound);
    server.ownServer = http;
    server.secure = options.tls !== undefined;
    server.attach(http);
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port, options.host, () => { http.off('error', reject); resolve(); });
    });
    return server;
  }

  /** Handle websocket upgrades at `path` on an existing HTTP(S) server. */
  attach(http: HttpServer): void {
    http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      let pathname: string;
      try {
        pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
      } catch {
        return this.refuseUpgrade(socket, 400, 'Bad Request');
      }
      // Node hands every upgrade to the 'upgrade' listeners and no longer tracks its socket: one
      // left unanswered stays open for ever (and keeps the server from closing). Other paths are
      // refused unless someone else listens for upgrades on this server.
      if (pathname !== this.path) {
        if (http === this.ownServer || http.listenerCount('upgrade') === 1) this.refuseUpgrade(socket, 404, 'Not Found');
        return;
      }
      if (this.closed) return this.refuseUpgrade(socket, 503, 'Service Unavailable');
      if (this.clientCount >= (this.options.maxClients ?? 256)) return this.refuseUpgrade(socket, 503, 'Service Unavailable');
      const remote = request.socket.remoteAddress ?? 'unknown';
      const header = bearerToken(request.headers.authorization);
      if (request.headers.authorization !== undefined) {
        if (!this.guard.mayGuess(remote, this.now())) {
          this.guard.wrongGuess(remote, this.now(), 'too many wrong tokens');
          return this.refuseUpgrade(socket, 429, 'Too Many Requests');
        }
        if (header === null || !tokensMatch(header, this.options.tokens.get())) {
          this.guard.wrongGuess(remote, this.now(), 'wrong bearer token');
          return this.refuseUpgrade(socket, 401, 'Unauthorized');
        }
      }
      this.wss.handleUpgrade(request, socket, head, (ws) => this.connected(ws, header !== null, remote));
    });
  }

  /** The bound address, when listening on its own server. */
  address(): { host: string; port: number; url: string } {
    const info = this.ownServer?.address() as AddressInfo | null | undefined;
    if (!info) throw new Error('the bus server is not listening on its own server');
    const scheme = this.secure ? 'wss' : 'ws';
    const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
    return { host: info.address, port: info.port, url: `${scheme}://${host}:${info.port}${this.path}` };
  }

  /** Clients that proved the token and are served: one that was dropped counts no more, even while its socket still closes. */
  get clientCount(): number {
    let count = 0;
    for (const client of this.clients.values()) if (!client.session.closed && client.session.authenticated) count++;
    return count;
  }

  /** Connections that have not proven the token yet (they live in their own, bounded pool). */
  get pendingCount(): number {
    return this.guard.pendingConnections;
  }

  disconnectAll(code: number, reason: string): void {
    for (const client of this.clients.values()) client.session.close(code, reason);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pingTimer);
    for (const stop of this.unsubscribe) stop();
    this.disconnectAll(CLOSE.shutdown, 'server shutting down');
    for (const client of this.clients.values()) client.ws.terminate();
    this.clients.clear();
    for (const socket of this.refusing) socket.destroy();
    this.refusing.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    if (this.ownServer) {
      const http = this.ownServer;
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  }

  private connected(ws: WebSocket, preauthorized: boolean, remote: string): void {
    const id = randomBytes(6).toString('hex');
    const transport: Transport = {
      send: (text) => ws.send(text, { binary: false }),
      close: (code, reason) => {
        ws.close(code, reason);
        // a slow or dead peer never acknowledges the close: do not hold its buffers for long
        setTimeout(() => ws.terminate(), code === CLOSE.slowConsumer ? 1000 : 5000).unref();
      },
      get bufferedAmount() { return ws.bufferedAmount; },
    };
    const session = new Session(id, transport, {
      hub: this.options.hub, commands: this.commands, site: this.site, tokens: this.options.tokens,
      limits: this.limits, now: this.now, log: this.log,
      onAuth: (outcome, reason) => this.onAuth(client, remote, outcome, reason),
      mayTryToken: () => this.guard.mayGuess(remote, this.now()),
    }, preauthorized);
    const client: Client = { ws, session, alive: true };
    this.clients.set(id, client);
    this.log.debug({ client: id, remote }, 'bus connection');
    if (!session.authenticated) {
      const evicted = this.guard.admit(remote, client, this.now());
      // the oldest connection of the address holding the most makes room: a flood evicts its own
      if (evicted) evicted.ws.terminate();
    }
    const authTimer = setTimeout(() => {
      if (!session.authenticated) session.close(CLOSE.unauthorized, 'no hello or auth line in time');
    }, this.options.authTimeoutMs ?? 5000);
    authTimer.unref();
    ws.on('message', (data, isBinary) => session.receive(data as Buffer, isBinary));
    ws.on('pong', () => { client.alive = true; });
    ws.on('error', (error) => this.log.debug({ client: id, err: error.message }, 'bus connection error'));
    ws.on('close', () => {
      clearTimeout(authTimer);
      session.ended();
      this.guard.release(remote, client);
      this.clients.delete(id);
    });
  }

  private onAuth(client: Client, remote: string, outcome: 'accepted' | 'refused', reason: string): void {
    this.guard.release(remote, client);
    if (outcome === 'refused') this.guard.wrongGuess(remote, this.now(), reason);
    else this.guard.accepted(remote, reason);
  }

  /** Answer an upgrade with an HTTP refusal; a peer that never closes its side is cut after 1 s. */
  private refuseUpgrade(socket: Duplex, status: number, text: string): void {
    this.refusing.add(socket);
    socket.once('close', () => this.refusing.delete(socket));
    socket.on('error', () => {});
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    setTimeout(() => socket.destroy(), 1000).unref();
  }

  private broadcast(delta: Delta): void {
    let serialised: Buffer | null = null;
    for (const client of this.clients.values()) {
      if (client.session.receivesDeltas) {
        // encoded once: 100 clients share one buffer instead of 100 UTF-8 conversions
        serialised ??= Buffer.from(JSON.stringify(delta));
        client.session.deliver(delta, serialised);
      } else if (client.session.authenticated) {
        client.session.deliver(delta, EMPTY);
      }
    }
  }

  private pingAll(): void {
    this.guard.sweep(this.now());
    for (const client of this.clients.values()) {
      // a connection still proving the token has its own deadline (authTimeoutMs)
      if (!client.session.authenticated) continue;
      if (!client.alive) {
        this.log.info({ client: client.session.id }, 'bus client did not answer a ping; dropped');
        client.ws.terminate();
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }
}

const EMPTY = Buffer.alloc(0);
