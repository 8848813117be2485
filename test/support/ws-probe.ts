import { WebSocket, type ClientOptions } from 'ws';

/**
 * A raw websocket client for tests: records every message and the close, and waits for
 * conditions with a bounded timeout (never a fixed sleep).
 */
export class WsProbe {
  readonly messages: string[] = [];
  closeCode: number | null = null;
  closeReason = '';
  private readonly waiters = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => { this.messages.push(data.toString()); this.wake(); });
    ws.on('close', (code, reason) => { this.closeCode = code; this.closeReason = reason.toString(); this.wake(); });
    ws.on('error', () => { this.wake(); });
  }

  /** Open a connection; resolves once open (or with the HTTP refusal as an error). */
  static open(url: string, options: ClientOptions = {}): Promise<WsProbe> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false, ...options });
      const probe = new WsProbe(ws);
      ws.once('open', () => resolve(probe));
      ws.once('unexpected-response', (_req, res) => { reject(new Error(`HTTP ${res.statusCode}`)); ws.terminate(); });
      ws.once('error', reject);
    });
  }

  /** Open and authenticate as a JSON client; resolves after the snapshot. */
  static async hello(url: string, token: string, role = 'viewer', options: ClientOptions = {}, name?: string): Promise<WsProbe> {
    const probe = await WsProbe.open(url, options);
    probe.send(name === undefined ? { type: 'hello', protocol: 2, role, token } : { type: 'hello', protocol: 2, role, token, name });
    await probe.until(() => probe.json().some((m) => m.type === 'snapshot'), 'a snapshot');
    return probe;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  json(): Array<Record<string, unknown>> {
    return this.messages.flatMap((m) => {
      try { return [JSON.parse(m) as Record<string, unknown>]; } catch { return []; }
    });
  }

  get closed(): boolean {
    return this.closeCode !== null;
  }

  /** Wait until `condition` holds, re-checked on every message or close. */
  until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (condition()) { clearTimeout(timer); this.waiters.delete(check); resolve(); }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${this.messages.length} messages, last: ${this.messages.at(-1)?.slice(0, 200)}, close ${this.closeCode}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  untilClosed(timeoutMs = 5000): Promise<void> {
    return this.until(() => this.closed, 'the connection to close', timeoutMs);
  }

  close(): void {
    this.ws.terminate();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** Wait until `condition` holds, polling every 10 ms, for at most timeoutMs. */
export async function eventually(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
