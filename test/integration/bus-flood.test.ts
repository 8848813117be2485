/**
 * The bus under attack from someone without the token, or a token holder who floods: real
 * sockets on loopback. A flood comes from 127.0.0.2 (Linux routes all of 127/8 to loopback), so
 * the client that holds the token (127.0.0.1) is another address, as on a LAN.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { TokenHolder } from '../../main/bus/auth.js';
import { BusServer, type BusServerOptions } from '../../main/bus/server.js';
import { StateHub } from '../../main/bus/state-hub.js';
import { captureLog } from '../support/capture-log.js';
import { WsProbe, eventually } from '../support/ws-probe.js';

const TOKEN = 'flood-test-token-0123456789';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: Partial<BusServerOptions> = {}) {
  const hub = options.hub ?? new StateHub();
  const server = await BusServer.listen({ hub, tokens: new TokenHolder(TOKEN), host: '127.0.0.1', port: 0, ...options });
  cleanups.push(() => server.close());
  return { hub, server, url: server.address().url };
}

/** Open a websocket from `localAddress` and say nothing; resolves when open, or on refusal. */
function silent(url: string, localAddress: string): Promise<WebSocket | null> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { localAddress, perMessageDeflate: false });
    cleanups.push(() => ws.terminate());
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', () => { ws.terminate(); resolve(null); });
    ws.once('error', () => resolve(null));
  });
}

describe('a flood of connections that never say hello', () => {
  it('evicts only its own connections: a client with the token gets in within 1 s while 400 are held open; logged once with the address and a count', async () => {
    const { log, lines } = captureLog();
    // no auth timeout during the test: the pool alone must keep room; a 50 ms sweep ends the episode soon after
    const { server, url } = await start({ log, authTimeoutMs: 600_000, pingIntervalMs: 50, flood: { maxPending: 128, quietMs: 300 } });
    const flood: Array<WebSocket | null> = [];
    for (let i = 0; i < 400; i++) flood.push(await silent(url, '127.0.0.2'));
    // every one was accepted (the newest takes the oldest one's place), never a 503
    expect(flood.every((ws) => ws !== null)).toBe(true);
    expect(server.pendingCount).toBe(128);
    const started = Date.now();
    const good = await WsProbe.hello(url, TOKEN, 'viewer', { localAddress: '127.0.0.1' });
    cleanups.push(() => good.close());
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.clientCount).toBe(1);
    const warned = lines.filter((l) => l.level === 40);
    expect(warned.map((l) => [l.msg, l.remote])).toEqual([['refusing a flood of unauthenticated bus connections (logged once per address while it goes on)', '127.0.0.2']]);
    await eventually(() => lines.some((l) => l.msg === 'the flood of unauthenticated bus connections stopped'), 'the end of the flood in the log', 5000);
    const ended = lines.find((l) => l.msg === 'the flood of unauthenticated bus connections stopped')!;
    // 400 flood connections and the good one into a pool of 128: 401 - 128 = 273 evicted, all the flood's
    expect([ended.remote, ended.refused]).toEqual(['127.0.0.2', 273]);
  }, 60_000);

  it('the 256-client limit counts only clients that proved the token', async () => {
    const { url } = await start({ authTimeoutMs: 600_000, maxClients: 2, flood: { maxPending: 8 } });
    for (let i = 0; i < 20; i++) expect(await silent(url, '127.0.0.2')).not.toBeNull();
    const a = await WsProbe.hello(url, TOKEN);
    const b = await WsProbe.hello(url, TOKEN);
    cleanups.push(() => a.close(), () => b.close());
    // the third one with the token is over the limit of 2
    await expect(WsProbe.open(url)).rejects.toThrow('HTTP 503');
  }, 60_000);
});

describe('token guessing', () => {
  it('allows 10 wrong tokens at once, then 2 per second per address; a try beyond is refused unread; another address is unaffected', async () => {
    let now = 1_000_000;
    const { log, lines } = captureLog();
    const { url } = await start({ log, now: () => now });
    const guess = async (token: string, localAddress = '127.0.0.1') => {
      const p = await WsProbe.open(url, { localAddress });
      cleanups.push(() => p.close());
      p.send({ type: 'hello', protocol: 2, role: 'viewer', token });
      await p.untilClosed();
      return p.json()[0] as { code: string };
    };
    const answers: string[] = [];
    for (let i = 0; i < 15; i++) answers.push((await guess(`guess-${i}-0123456789`)).code);
    // burst of 10 compared and wrong, then 5 refused without comparing
    expect(answers).toEqual([...Array(10).fill('unauthorized'), ...Array(5).fill('rate-limited')]);
    // while the address is throttled even the right token is not compared (else guessing would go on)
    expect((await guess(TOKEN)).code).toBe('rate-limited');
    // another address guesses on its own allowance
    expect((await guess('other-address-0123456789', '127.0.0.3')).code).toBe('unauthorized');
    now += 1000; // 2 more tries
    expect([(await guess('late-1-0123456789')).code, (await guess('late-2-0123456789')).code, (await guess('late-3-0123456789')).code])
      .toEqual(['unauthorized', 'unauthorized', 'rate-limited']);
    now += 500; // 1 more try: the right token
    const good = await WsProbe.hello(url, TOKEN);
    cleanups.push(() => good.close());
    const warnings = lines.filter((l) => l.level === 40).map((l) => l.remote);
    expect(warnings).toEqual(['127.0.0.1', '127.0.0.3']);
    // 10 + 5 + 1 + 3 refusals from 127.0.0.1 (the refusals of refused tries count as well)
    const back = lines.find((l) => l.msg === 'a bus client proved the token again')!;
    expect([back.remote, back.refused]).toEqual(['127.0.0.1', 19]);
  }, 60_000);

  it('throttles a wrong Authorization header the same way (HTTP 429)', async () => {
    const now = 5_000;
    const { url } = await start({ now: () => now, flood: { guessBurst: 2 } });
    const header = { headers: { authorization: 'Bearer wrong-guess-0123456789' } };
    await expect(WsProbe.open(url, header)).rejects.toThrow('HTTP 401');
    await expect(WsProbe.open(url, header)).rejects.toThrow('HTTP 401');
    await expect(WsProbe.open(url, header)).rejects.toThrow('HTTP 429');
  });
});

describe('a Bearer header alone', () => {
  it('authenticates: the connection is not closed for want of a hello, and a hello without the token gets the snapshot', async () => {
    const { hub, url } = await start({ authTimeoutMs: 100 });
    hub.update({ costs: { todayEur: 2 } });
    const p = await WsProbe.open(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    cleanups.push(() => p.close());
    // well past the 100 ms a connection without the token has
    await new Promise((r) => setTimeout(r, 500));
    expect(p.closed).toBe(false);
    p.send({ type: 'hello', protocol: 2, role: 'viewer' });
    await p.until(() => p.json().some((m) => m.type === 'snapshot'), 'the snapshot');
    expect((p.json()[0]!.state as { costs: unknown }).costs).toEqual({ todayEur: 2 });
  });
});

describe('terminal lines pay like messages', () => {
  it('four 64 KB frames of `state` lines get at most the burst of answers, one error for the dropped lines, then a close; another client keeps every delta', async () => {
    const { hub, url } = await start();
    hub.update({ costs: { todayEur: 1 } });
    const viewer = await WsProbe.hello(url, TOKEN);
    const term = await WsProbe.open(url);
    cleanups.push(() => viewer.close(), () => term.close());
    term.send('auth ' + TOKEN);
    await term.until(() => term.messages.length === 1, 'ok');
    // 'state\n' is 6 bytes: 10,000 lines is 60,000 bytes, under the 64 KB frame limit
    const frame = 'state\n'.repeat(10_000);
    for (let i = 0; i < 4; i++) term.send(frame);
    for (let i = 1; i <= 50; i++) hub.update({ costs: { todayEur: 1 + i } });
    await term.untilClosed(10_000);
    // burst 200 messages: the auth line took 1, the first frame's lines take the 199 left
    // (200 with refill over the test's milliseconds); the first frame drops the rest (9,8xx lines),
    // which is past 1,000 refusals: closed (4429) before the other frames are read
    const answers = term.messages.filter((m) => m.startsWith('state = '));
    expect(answers.length).toBeGreaterThanOrEqual(199);
    expect(answers.length).toBeLessThan(210);
    expect(term.messages.filter((m) => m.startsWith('error: more than 100 lines per second'))).toHaveLength(1);
    expect(term.closeCode).toBe(4429);
    await viewer.until(() => viewer.json().filter((m) => m.type === 'delta').length === 50, 'all 50 deltas');
    expect(viewer.json().filter((m) => m.type === 'delta').map((m) => (m.set as Record<string, number>)['costs.todayEur'])).toEqual(Array.from({ length: 50 }, (_, i) => 2 + i));
  }, 60_000);
});
