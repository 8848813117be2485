/**
 * The browser's state client over a scripted socket: hello with the token, snapshot and deltas
 * to subscribers, commands answered by id, reconnect with a fresh snapshot after a drop, and
 * no retry once the token is refused.
 */
import { describe, expect, test } from 'vitest';
import { WsStateClient, type SocketLike } from '../../shared/client/ws-client.js';
import { emptyBusState } from '../../shared/state.js';

class ScriptedSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  send(data: string): void { this.sent.push(JSON.parse(data)); }
  close(code = 1000, reason = ''): void { this.serverClose(code, reason); }
  open(): void { this.readyState = 1; this.onopen?.({}); }
  message(value: unknown): void { this.onmessage?.({ data: JSON.stringify(value) }); }
  serverClose(code: number, reason = ''): void { this.readyState = 3; this.onclose?.({ code, reason }); }
}

function setup() {
  const sockets: ScriptedSocket[] = [];
  const timers: Array<() => void> = [];
  const client = new WsStateClient({
    url: 'ws://127.0.0.1:8080/ws', token: 'a-token-of-sixteen-chars',
    connect: () => { const s = new ScriptedSocket(); sockets.push(s); return s; },
    setTimer: (fn) => { timers.push(fn); return timers.length; },
    clearTimer: () => {},
  });
  const statuses: string[] = [];
  const messages: unknown[] = [];
  client.onStatus((s) => statuses.push(s));
  client.subscribe((m) => messages.push(m.type === 'snapshot' ? `snapshot ${m.seq}` : `delta ${m.seq}`));
  return { client, sockets, timers, statuses, messages };
}

const snapshot = (seq: number) => ({ type: 'snapshot', protocol: 2, seq, state: emptyBusState() });

describe('WsStateClient', () => {
  test('says hello with the token as a viewer, then passes the snapshot and deltas on', () => {
    const { sockets, statuses, messages } = setup();
    sockets[0]!.open();
    expect(sockets[0]!.sent).toEqual([{ type: 'hello', protocol: 2, role: 'viewer', token: 'a-token-of-sixteen-chars', name: 'dashboard' }]);
    sockets[0]!.message(snapshot(7));
    sockets[0]!.message({ type: 'delta', seq: 8, set: { 'meter.time': 1 } });
    sockets[0]!.message({ type: 'delta', seq: 'nine', set: {} });
    expect(messages).toEqual(['snapshot 7', 'delta 8']);
    expect(statuses).toEqual(['connecting', 'live']);
  });

  test('commands are paired with their results by id', async () => {
    const { client, sockets } = setup();
    sockets[0]!.open();
    sockets[0]!.message(snapshot(0));
    const answer = client.command('rates.get');
    expect(sockets[0]!.sent[1]).toEqual({ type: 'command', id: '1', name: 'rates.get', args: {} });
    sockets[0]!.message({ type: 'result', id: '1', ok: false, error: { code: 'bad-arguments', message: 'nope' } });
    expect(await answer).toEqual({ ok: false, error: { code: 'bad-arguments', message: 'nope' } });
  });

  test('a dropped connection is retried and starts again from a fresh snapshot', async () => {
    const { client, sockets, timers, statuses, messages } = setup();
    sockets[0]!.open();
    sockets[0]!.message(snapshot(3));
    const pending = client.command('state');
    sockets[0]!.serverClose(1006);
    expect(await pending).toMatchObject({ ok: false, error: { code: 'offline' } });
    expect(statuses.at(-1)).toBe('lost');
    timers.pop()!(); // the retry (the first timer was the command's timeout)
    sockets[1]!.open();
    sockets[1]!.message(snapshot(40));
    expect(statuses.slice(-2)).toEqual(['lost', 'live']);
    expect(messages).toEqual(['snapshot 3', 'snapshot 40']);
  });

  test('a refused token stops the retries and says so', () => {
    const { sockets, timers, statuses } = setup();
    sockets[0]!.open();
    sockets[0]!.serverClose(4401, 'wrong token');
    expect(statuses.at(-1)).toBe('unauthorized');
    expect(timers).toHaveLength(0);
  });
});
