/**
 * Serves telegrams the way a P1 dongle or ser2net does: a TCP server that sends every
 * connected client the raw byte stream from the moment it connects. No protocol, no greeting.
 * A client that cannot keep up holds the simulation back (in 'max' mode) rather than losing
 * bytes; at real speed a P1 stream is ~1 KB/s, far below any socket's capacity.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import type { Logger } from '../../log/logger.js';
import type { TelegramSink } from './pacer.js';

export class TcpBroadcast implements TelegramSink {
  private readonly server: Server;
  private readonly clients = new Set<Socket>();

  constructor(private readonly log: Logger) {
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Listen on host:port (port 0: any free port); resolves to the port in use. */
  async listen(port: number, host: string): Promise<number> {
    this.server.listen(port, host);
    await once(this.server, 'listening');
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  write(chunk: Uint8Array): boolean {
    let keepGoing = true;
    for (const socket of this.clients) {
      if (!socket.write(chunk)) keepGoing = false;
    }
    return keepGoing;
  }

  async drained(): Promise<void> {
    const waiting = [...this.clients].filter((socket) => socket.writableNeedDrain);
    await Promise.all(waiting.map((socket) => Promise.race([once(socket, 'drain'), once(socket, 'close')])));
  }

  /** Finish sending what is queued, then close every connection and the server. */
  async close(): Promise<void> {
    const closing = [...this.clients].map((socket) => {
      socket.end();
      return once(socket, 'close');
    });
    this.server.close();
    await Promise.all(closing);
  }

  private accept(socket: Socket): void {
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    this.clients.add(socket);
    socket.setNoDelay(true);
    this.log.info({ peer, clients: this.clients.size }, 'P1 client connected');
    socket.on('error', (error) => this.log.debug({ peer, err: error.message }, 'P1 client socket error'));
    socket.on('close', () => {
      this.clients.delete(socket);
      this.log.info({ peer, clients: this.clients.size }, 'P1 client disconnected');
    });
    socket.resume(); // a client may send anything; a meter ignores it
  }
}
