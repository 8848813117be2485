/**
 * `digital-meter serve` probed the way a hostile device on the LAN would: upgrade requests it
 * should refuse, sockets left in every state a client can leave them in, and rates crafted with
 * names every JS object inherits. The real program, real sockets, real files.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { removeHome, startServe, type ServeProcess } from '../support/serve-process.js';
import { WsProbe, eventually } from '../support/ws-probe.js';

const running: ServeProcess[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const serve of running.splice(0)) {
    await serve.stop();
    removeHome(serve.home);
  }
});

async function serve(args: string[] = [], home?: string): Promise<ServeProcess> {
  const s = await startServe(['--port', '0', '--history-days', '1', ...args], { home });
  running.push(s);
  return s;
}

function portOf(s: ServeProcess): number {
  return Number(new URL(s.origin).port);
}

/** A raw TCP client that sends `text` and records what comes back and whether the server closed. */
function raw(port: number, text: string): Promise<{ socket: Socket; received: () => string; ended: () => boolean }> {
  return new Promise((resolve, reject) => {
    let received = '';
    let ended = false;
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true }, () => {
      socket.write(text);
      resolve({ socket, received: () => received, ended: () => ended });
    });
    sockets.push(socket);
    socket.on('data', (chunk) => { received += chunk.toString('latin1'); });
    socket.on('end', () => { ended = true; });
    socket.on('close', () => { ended = true; });
    socket.on('error', reject);
  });
}

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => { res.resume(); resolve(res.statusCode!); }).on('error', reject).end();
  });
}

const UPGRADE = (path: string) => `GET ${path} HTTP/1.1\r\nHost: meter\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`;
const HANDSHAKE = 'GET /ws HTTP/1.1\r\nHost: meter\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n'
  + 'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';

async function stopWithin(s: ServeProcess, limitMs: number): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  const exited = new Promise<number | null>((r) => s.child.once('exit', (code) => r(code)));
  s.child.kill('SIGTERM');
  const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), limitMs + 3000))]);
  if (code === 'hung') {
    s.child.kill('SIGKILL');
    throw new Error(`serve did not exit within ${limitMs + 3000} ms of SIGTERM`);
  }
  return { code, ms: Date.now() - started };
}

describe('serve refuses every upgrade it does not serve, and stops on SIGTERM whatever its sockets do', () => {
  test('100 upgrade requests to other paths are answered 404 and closed; the dashboard keeps answering', async () => {
    const s = await serve();
    const port = portOf(s);
    const probes = await Promise.all(Array.from({ length: 100 }, (_, i) => raw(port, UPGRADE(i % 2 ? '/' : '/index.html'))));
    // before the fix: no answer, the socket held open for ever (a leak per request)
    await eventually(() => probes.every((p) => p.received().startsWith('HTTP/1.1 404 Not Found') && p.ended()), 'every upgrade refused and closed', 15_000);
    expect(await get(port, '/')).toBe(200);
  }, 90_000);

  test('stops within 2 s of SIGTERM with upgrades pending, a websocket before hello, an authenticated one, a half-closed one and a request half sent', async () => {
    const s = await serve();
    const port = portOf(s);
    const wsUrl = `ws://127.0.0.1:${port}/ws`;
    // an upgrade on another path (answered, its peer never closes), and one on the bus path whose headers never end
    const otherPath = await raw(port, UPGRADE('/'));
    await eventually(() => otherPath.received().includes('404'), 'the refusal');
    await raw(port, 'GET /ws HTTP/1.1\r\nHost: meter\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n');
    const beforeHello = await WsProbe.open(wsUrl);
    const authenticated = await WsProbe.hello(wsUrl, s.token);
    // upgraded, then the client closes its sending side and keeps reading
    const halfClosed = await raw(port, HANDSHAKE);
    await eventually(() => halfClosed.received().startsWith('HTTP/1.1 101'), 'the upgrade');
    halfClosed.socket.end();
    await raw(port, 'GET /index.html HTTP/1.1\r\nHost: meter\r\n');
    const { code, ms } = await stopWithin(s, 2000);
    running.splice(running.indexOf(s), 1);
    removeHome(s.home);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(2000);
    expect(s.stderr()).toContain('stopped; everything committed');
    expect([beforeHello.closed || beforeHello.ws.readyState >= 2, authenticated.closed || authenticated.ws.readyState >= 2]).toEqual([true, true]);
    beforeHello.close();
    authenticated.close();
  }, 90_000);
});

describe('rates named like what every object inherits', () => {
  test('rates.save with a register named constructor is priced by its own entry; serve keeps committing and restarts with it; an unpriced toString is refused as bad-arguments without a path', async () => {
    const s = await serve(['--speed', '60']);
    const wsUrl = `ws://${new URL(s.origin).host}/ws`;
    const client = await WsProbe.hello(wsUrl, s.token);
    const ask = async (id: string, name: string, args: unknown) => {
      client.send({ type: 'command', id, name, args });
      await client.until(() => client.json().some((m) => m.type === 'result' && m.id === id), `the answer to ${id}`);
      return client.json().find((m) => m.type === 'result' && m.id === id)!;
    };
    // as a file would give it: JSON.parse keeps "__proto__"-like names as own keys
    const odd = JSON.parse('{"Electricity":{"registers":{"1":"constructor","2":"valueOf"},"+":{"constructor":0.5,"valueOf":0.25},"-":{"constructor":0.1,"valueOf":0.05}}}') as unknown;
    expect(await ask('save', 'rates.save', { rates: odd })).toMatchObject({ ok: true });
    const refused = await ask('refused', 'rates.save', { rates: { Electricity: { registers: { 1: 'toString', 2: 'Night' }, '+': { Night: 0.3 } } } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'bad-arguments' } });
    const message = (refused.error as { message: string }).message;
    expect(message).toContain('rates.Electricity.+.toString: expected a price for "toString"');
    expect(message).not.toContain(s.home);
    // two minutes of meter time at 60x: the pipeline commits every meter minute, so at least one
    // commit prices energy with the saved rates (before the fix the first one threw NOT NULL)
    const meterTime = () => {
      const state = client.json().filter((m) => m.type === 'delta').map((m) => (m.set as Record<string, unknown>)['meter.time']).filter((t) => typeof t === 'number');
      return (state.at(-1) as number | undefined) ?? 0;
    };
    await eventually(() => meterTime() > 0, 'a telegram', 20_000);
    const savedAt = meterTime();
    await eventually(() => meterTime() - savedAt > 150_000, 'two and a half minutes of meter time', 30_000);
    expect(s.child.exitCode).toBeNull();
    const today = await ask('today', 'get', { key: 'costs.periods.today.totalEur' });
    expect(Number.isFinite(today.value)).toBe(true);
    const saved = JSON.parse(readFileSync(join(s.home, 'data', 'digital-meter', 'demo', 'rates.json'), 'utf8')) as { Electricity: { registers: Record<string, string> } };
    expect(saved.Electricity.registers).toEqual({ 1: 'constructor', 2: 'valueOf' });
    client.close();
    const { code, ms } = await stopWithin(s, 2000);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(2000);
    running.splice(running.indexOf(s), 1);
    // the next start reads the same file and keeps running
    const again = await serve(['--speed', '60'], s.home);
    const second = await WsProbe.hello(`ws://${new URL(again.origin).host}/ws`, again.token);
    second.send({ type: 'command', id: 'r', name: 'get', args: { key: 'dashboard' } });
    await second.until(() => second.json().some((m) => m.id === 'r'), 'an answer');
    expect(again.child.exitCode).toBeNull();
    second.close();
  }, 120_000);
});

/** Every file and directory below `dir` whose mode lets group or others in. */
function openToOthers(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    if ((stat.mode & 0o077) !== 0) found.push(`${path} ${(stat.mode & 0o777).toString(8)}`);
    if (stat.isDirectory()) found.push(...openToOthers(path));
  }
  return found;
}

describe('the data is private', () => {
  test('the data directory is 0700 and the household\'s data in it (database, WAL, history exports, app.log, token) is readable by its owner only', async () => {
    const s = await serve();
    const data = join(s.home, 'data', 'digital-meter');
    const wsUrl = `ws://${new URL(s.origin).host}/ws`;
    const client = await WsProbe.hello(wsUrl, s.token);
    client.close();
    await eventually(() => existsSync(join(data, 'demo', 'meter.sqlite-wal')), 'the WAL', 20_000);
    // the demo's first day of history is exported at the first commit, which may come after the WAL
    const history = join(data, 'demo', 'history');
    await eventually(() => existsSync(history) && readdirSync(history).length > 0, 'the first history export', 20_000);
    expect((statSync(data).mode & 0o777).toString(8)).toBe('700');
    const files = readdirSync(join(data, 'demo'));
    expect(files).toEqual(expect.arrayContaining(['meter.sqlite', 'meter.sqlite-wal', 'app.log', 'bus-token', 'history']));
    // the rates and the demo's settings hold nothing about the household; the 0700 directory covers them too
    expect(openToOthers(data).filter((f) => !/\/demo\/(rates|demo)\.json /.test(f))).toEqual([]);
  }, 90_000);

  test('a bad rates file stops serve naming the file and the field, before the data directory or app.log exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-badrates-'));
    try {
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ dataDir: 'data', rates: 'rates.json', p1: { type: 'simulator' } }));
      writeFileSync(join(dir, 'rates.json'), JSON.stringify({ Electricity: { registers: { 1: 'constructor', 2: 'Night' }, '+': { Night: 0.3 } } }));
      const bin = resolve(import.meta.dirname, '../../bin/digital-meter.js');
      const result = spawnSync(process.execPath, [bin, 'serve', '--config', join(dir, 'config.json'), '--port', '0'], { encoding: 'utf8', timeout: 60_000 });
      expect(result.status).toBe(78);
      expect(result.stderr).toContain(`${join(dir, 'rates.json')}: Electricity.+.constructor: expected a price for "constructor" (used by the register names)`);
      expect(existsSync(join(dir, 'data'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
