import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server that answers like the ENTSO-E transparency platform (/api) and
 * Energy-Charts (/ec/price), with answers the test sets. 127.0.0.1 only: nothing in the tests
 * reaches the internet.
 */
export interface FakeAnswer {
  status?: number;
  contentType?: string;
  body?: string;
  /** never answer (to test timeouts); the socket is closed when the server closes */
  hang?: boolean;
}

export type Responder = (url: URL) => FakeAnswer;

const down: Responder = () => ({ status: 503, contentType: 'text/plain', body: 'Service Unavailable' });

export class FakePriceApi {
  entsoe: Responder = down;
  energyCharts: Responder = down;
  readonly requests: URL[] = [];
  private server: Server | null = null;
  private port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get entsoeUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get energyChartsUrl(): string {
    return `http://127.0.0.1:${this.port}/ec`;
  }

  /** Requests to one API, for asserting query parameters. */
  requestsTo(api: 'entsoe' | 'energy-charts'): URL[] {
    return this.requests.filter((u) => (api === 'entsoe' ? u.pathname === '/api' : u.pathname.startsWith('/ec')));
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${this.port}`);
    this.requests.push(url);
    let answer: FakeAnswer;
    if (url.pathname === '/api') answer = this.entsoe(url);
    else if (url.pathname === '/ec/price') answer = this.energyCharts(url);
    else answer = { status: 404, contentType: 'text/plain', body: 'no such endpoint' };
    if (answer.hang) return;
    res.writeHead(answer.status ?? 200, { 'content-type': answer.contentType ?? 'text/xml' });
    res.end(answer.body ?? '');
  }
}
