import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { meterTimeOf, splitAtTelegramStarts } from '../../../main/p1/sources/replay-pacing.js';
import { openSqlite } from '../../../main/store/sqlite.js';

/** A recording cut into telegrams, each with the meter's own time. */
export interface Telegram { time: number; bytes: Buffer }

export function telegramsOf(text: string): Telegram[] {
  return splitAtTelegramStarts(Buffer.from(text, 'latin1')).map((t) => ({ time: meterTimeOf(t)!, bytes: Buffer.from(t) }));
}

/** The meter's resume point as its database holds it (null: nothing stored yet). */
export function storedLastTelegramTime(dbFile: string): number | null {
  const db = openSqlite(dbFile, { readonly: true });
  try {
    const row = db.prepare("SELECT value FROM meta WHERE key = 'lastTelegramTime'").get() as { value: string } | undefined;
    return row ? Number(row.value) : null;
  } finally {
    db.close();
  }
}

/**
 * The meter's P1 port behind a serial-to-TCP box (ser2net), fed from a recording at a fast pace:
 * one telegram every `intervalMs` to whoever is connected. `resumeAfter` moves the feed to the
 * first telegram after a stored time, so a meter role killed and restarted gets exactly the
 * telegrams its database does not hold yet (a live meter would have moved on; the comparison
 * with an uninterrupted run needs the same telegrams).
 */
export class P1Feeder {
  private server: Server | null = null;
  private socket: Socket | null = null;
  private timer: NodeJS.Timeout | null = null;
  next = 0;
  /** the feed stops before this telegram (default: the end) */
  limit: number;
  /** telegrams written on the current connection */
  sentOnThisConnection = 0;
  private readonly connectionListeners = new Set<() => void>();

  constructor(readonly telegrams: Telegram[], public intervalMs: number) {
    this.limit = telegrams.length;
  }

  async listen(): Promise<number> {
    this.server = createServer((socket) => this.serve(socket));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  /** fed up to the limit */
  get done(): boolean {
    return this.next >= this.limit;
  }

  /** From the first telegram after `time`, for the next reader (the current one, if any, is cut). */
  resumeAfter(time: number | null): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.socket?.destroy();
    this.socket = null;
    this.next = time === null ? 0 : this.telegrams.findIndex((t) => t.time > time);
    if (this.next < 0) this.next = this.telegrams.length;
  }

  onConnection(listener: () => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.socket?.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private serve(socket: Socket): void {
    // one reader at a time, as a serial port has
    this.socket?.destroy();
    if (this.timer) clearTimeout(this.timer);
    this.socket = socket;
    this.sentOnThisConnection = 0;
    socket.on('error', () => {});
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
    });
    const feed = () => {
      if (socket.destroyed || this.socket !== socket) return;
      if (!this.done) {
        socket.write(this.telegrams[this.next]!.bytes);
        this.next++;
        this.sentOnThisConnection++;
      }
      this.timer = setTimeout(feed, this.intervalMs);
    };
    this.timer = setTimeout(feed, this.intervalMs);
    for (const listener of this.connectionListeners) listener();
  }
}
