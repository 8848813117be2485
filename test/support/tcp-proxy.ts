import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * A TCP relay on 127.0.0.1 between a browser and a server: it can cut every connection at
 * once and refuse new ones for a while, which is what a Wi-Fi drop looks like to the page.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private readonly pairs = new Set<[Socket, Socket]>();
  private paused = false;
  private silent = false;
  private readonly server = createServer((client) => this.relay(client));

  private constructor(private readonly targetPort: number) {}

  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Cut every open connection; with `refuseMs`, new ones are refused that long. */
  drop(refuseMs = 0): void {
    this.paused = refuseMs > 0;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (refuseMs > 0) setTimeout(() => { this.paused = false; }, refuseMs);
  }

  /**
   * A cable pulled out: every connection stays open but carries nothing either way (and new
   * ones are held silent too), so only a ping timeout can notice. restore() ends it.
   */
  blackhole(): void {
    this.silent = true;
    for (const [a, b] of this.pairs) {
      a.unpipe(b);
      b.unpipe(a);
      // flowing with no reader: bytes are read and dropped
      a.resume();
      b.resume();
    }
  }

  /** Carry bytes again: the silent connections are closed (they are dead), new ones relay. */
  restore(): void {
    this.silent = false;
    for (const [a, b] of this.pairs) { a.destroy(); b.destroy(); }
    this.pairs.clear();
  }

  async close(): Promise<void> {
    this.drop();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    if (this.paused) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port: this.targetPort });
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    client.on('close', () => this.pairs.delete(pair));
    if (this.silent) {
      client.resume();
      upstream.resume();
      return;
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
