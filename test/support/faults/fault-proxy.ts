import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { WsWiretap, type WireMessage } from './ws-wiretap.js';

/**
 * A TCP relay standing for a bad network between a satellite and the meter (the machines here
 * have no tc netem). Modes:
 * - clean: bytes pass at once;
 * - delay: every chunk is held `ms` in each direction (order kept);
 * - lossy: as delay, and a chunk is "lost" with probability `lossRate`: TCP would retransmit it,
 *   so that direction carries nothing until the retransmission (a stall of `stallMs`), and what
 *   follows waits behind it;
 * - stall: nothing passes either way (a hung access point); `clean` again releases what was held,
 *   in order, as TCP delivers after an outage.
 * Each websocket message is noted (with the monotonic time) when its last byte is written on to
 * the other side: the moment the satellite can read it.
 */
export type LinkMode =
  | { kind: 'clean' }
  | { kind: 'delay'; ms: number }
  | { kind: 'lossy'; delayMs: number; lossRate: number; stallMs: [number, number] }
  | { kind: 'stall' };

export interface WireNote {
  /** monotonic ms (process.hrtime, the same clock in every process of this machine) */
  t: number;
  conn: number;
  dir: 'down' | 'up';
  message: WireMessage;
}

export const monoMs = (): number => Number(process.hrtime.bigint()) / 1e6;

class Direction {
  private readonly queue: Array<{ at: number; chunk: Buffer }> = [];
  private timer: NodeJS.Timeout | null = null;
  private lastAt = 0;
  private stalledUntil = 0;
  private readonly tap = new WsWiretap();

  constructor(private readonly proxy: FaultProxy, private readonly to: Socket, private readonly note: (m: WireMessage) => void) {}

  take(chunk: Buffer): void {
    const now = monoMs();
    const mode = this.proxy.mode;
    let at = now;
    if (mode.kind === 'delay') at = now + mode.ms;
    if (mode.kind === 'lossy') {
      at = now + mode.delayMs;
      if (this.proxy.random() < mode.lossRate) {
        const [lo, hi] = mode.stallMs;
        this.stalledUntil = Math.max(this.stalledUntil, now + lo + this.proxy.random() * (hi - lo));
      }
      at = Math.max(at, this.stalledUntil);
    }
    // order is kept: nothing overtakes what is already waiting
    at = Math.max(at, this.lastAt);
    this.lastAt = at;
    this.queue.push({ at, chunk });
    this.pump();
  }

  pump(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    if (this.proxy.mode.kind === 'stall') return;
    const now = monoMs();
    while (this.queue.length && this.queue[0]!.at <= now) {
      const { chunk } = this.queue.shift()!;
      if (this.to.destroyed) return;
      this.to.write(chunk);
      for (const message of this.tap.push(chunk)) this.note(message);
    }
    if (this.queue.length) this.timer = setTimeout(() => this.pump(), Math.max(1, this.queue[0]!.at - now));
  }

  /** after a stall: what was held goes out now, in order */
  release(): void {
    for (const item of this.queue) item.at = 0;
    this.lastAt = 0;
    this.stalledUntil = 0;
    this.pump();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.queue.length = 0;
  }
}

export class FaultProxy {
  mode: LinkMode = { kind: 'clean' };
  private readonly directions = new Set<Direction>();
  private readonly sockets = new Set<Socket>();
  private nextConn = 1;
  private readonly server = createServer((client) => this.relay(client));

  private constructor(
    private readonly target: { host: string; port: number },
    private readonly onNote: (note: WireNote) => void,
    readonly random: () => number,
  ) {}

  static async start(o: { host: string; target: { host: string; port: number }; onNote: (note: WireNote) => void; random?: () => number }): Promise<FaultProxy> {
    const proxy = new FaultProxy(o.target, o.onNote, o.random ?? Math.random);
    await new Promise<void>((resolve) => proxy.server.listen(0, o.host, resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  setMode(mode: LinkMode): void {
    const wasStalled = this.mode.kind === 'stall';
    this.mode = mode;
    if (wasStalled && mode.kind !== 'stall') for (const d of this.directions) d.release();
  }

  async close(): Promise<void> {
    for (const d of this.directions) d.stop();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    const conn = this.nextConn++;
    const upstream = createConnection({ host: this.target.host, port: this.target.port });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const down = new Direction(this, client, (message) => this.onNote({ t: monoMs(), conn, dir: 'down', message }));
    const up = new Direction(this, upstream, (message) => this.onNote({ t: monoMs(), conn, dir: 'up', message }));
    this.directions.add(down);
    this.directions.add(up);
    upstream.on('data', (chunk: Buffer) => down.take(chunk));
    client.on('data', (chunk: Buffer) => up.take(chunk));
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        this.sockets.delete(socket);
        // a close travels like data: after what is queued (a reset in a stall is not seen until it ends)
        client.end();
        upstream.end();
        setTimeout(() => { client.destroy(); upstream.destroy(); down.stop(); up.stop(); this.directions.delete(down); this.directions.delete(up); }, 30_000).unref();
      });
    }
  }
}
