import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { P1Reader } from '../../main/p1/reader.js';
import { createTcpSource } from '../../main/p1/sources/tcp.js';
import type { SourceStatus } from '../../main/p1/sources/types.js';
import { telegramFromLines } from '../support/crc-reference.js';
import { scaledTimers, waitFor } from '../support/scaled-timers.js';

/**
 * The TCP source against a real server on 127.0.0.1 that behaves like a P1 dongle: raw
 * telegrams to every client, nothing else. The source's clock runs 5x fast (backoff 1 s = 200 ms).
 */
const telegramAt = (n: number) => telegramFromLines('FLU5\\253769484_A', [
  '0-0:96.1.4(50217)', `0-0:1.0.0(24011223${String(10 + Math.floor(n / 60)).padStart(2, '0')}${String(n % 60).padStart(2, '0')}W)`, '1-0:1.7.0(00.401*kW)',
]);

class Dongle {
  server: Server | null = null;
  private readonly clients = new Set<Socket>();
  private timer: ReturnType<typeof setInterval> | null = null;
  sent = 0;
  port = 0;

  /** Listen (on `port`, or any free one) and send a telegram every 50 ms while `talking`. */
  async start(port = 0, talking = true): Promise<void> {
    this.server = createServer((socket) => {
      this.clients.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => this.clients.delete(socket));
    });
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as { port: number }).port;
    if (talking) {
      this.timer = setInterval(() => {
        const telegram = telegramAt(this.sent++);
        for (const client of this.clients) client.write(telegram, 'latin1');
      }, 50);
    }
  }

  /** The dongle reboots: every connection drops, nothing listens. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const client of this.clients) client.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

let dongle: Dongle | null = null;
let reader: P1Reader | null = null;
afterEach(async () => {
  await reader?.stop();
  await dongle?.stop();
});

function startReader(port: number) {
  reader = new P1Reader(createTcpSource({ host: '127.0.0.1', port, timers: scaledTimers(5) }));
  const statuses: SourceStatus[] = [];
  reader.onStatus((s) => statuses.push(s));
  reader.start();
  return { reader, states: () => statuses.map((s) => `${s.state}:${s.reason}`) };
}

describe('TCP source against a dongle-like server', () => {
  it('reads telegrams, notices the server going away, reconnects when it is back and reads again', async () => {
    dongle = new Dongle();
    await dongle.start();
    const run = startReader(dongle.port);
    await waitFor('three telegrams', () => run.reader.counts().ok >= 3);
    expect(run.reader.status()).toMatchObject({ state: 'open', reason: 'opened', message: `Connected to the P1 dongle at 127.0.0.1:${dongle.port}` });

    const port = dongle.port;
    await dongle.stop();
    await waitFor('the drop to be noticed', () => run.reader.status().reason === 'refused');
    expect(run.reader.status().message).toMatch(new RegExp(`^Nothing accepts connections at 127\\.0\\.0\\.1:${port} \\(connection refused\\): is the dongle or ser2net running`));
    const okBefore = run.reader.counts().ok;

    await dongle.start(port);
    await waitFor('the reconnect', () => run.reader.status().reason === 'reopened', 8000);
    await waitFor('telegrams after the reconnect', () => run.reader.counts().ok >= okBefore + 3);
    expect(run.reader.status().message).toMatch(new RegExp(`^Connected to the P1 dongle at 127\\.0\\.0\\.1:${port}, after \\d+ s down \\(connection-lost, then refused\\)$`));
    expect(run.states()).toEqual(['connecting:opening', 'open:opened', 'disconnected:connection-lost', 'error:refused', 'open:reopened']);
    expect(run.reader.counts().refusedBy['crc-mismatch']).toBe(0);
  });

  it('says a connection that delivers nothing is silent, and keeps it open', async () => {
    dongle = new Dongle();
    await dongle.start(0, false);
    const run = startReader(dongle.port);
    await waitFor('silence to be reported', () => run.reader.status().state === 'silent', 4000);
    expect(run.reader.status().message).toBe(`Connected to 127.0.0.1:${dongle.port} but it has sent nothing for 10 s. Check that the dongle or ser2net is `
      + 'attached to the meter and passes raw telegrams, and that the meter\'s P1 port is opened by the grid operator (Mijn Fluvius).');
    expect(run.states()).toEqual(['connecting:opening', 'open:opened', 'silent:silent']);
  });
});
