import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenHolder } from '../../main/bus/auth.js';
import { BusServer, type BusServerOptions } from '../../main/bus/server.js';
import { DemandBook } from '../../main/site/demand-book.js';
import { satelliteDoors } from '../../main/site/satellite-doors.js';
import { StateHub } from '../../main/bus/state-hub.js';
import { openServerToken } from '../../main/bus/token-source.js';
import { tokenCommand } from '../../main/cli/token.js';
import type { MeterState } from '../../shared/state.js';
import { captureLog } from '../support/capture-log.js';
import { WsProbe, eventually } from '../support/ws-probe.js';

const TOKEN = 'security-test-token-0123456789';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function meterAt(time: number): MeterState {
  return {
    time, powerKw: { import: 1, export: 0 }, phases: [], tariff: 1,
    counters: { importKwh: { t1: 1, t2: 2 }, exportKwh: { t1: 0, t2: 0 }, gasM3: null, gasTime: null, waterM3: null, waterTime: null },
  };
}

async function start(options: Partial<BusServerOptions> = {}) {
  const hub = options.hub ?? new StateHub();
  const server = await BusServer.listen({ hub, tokens: options.tokens ?? new TokenHolder(TOKEN), host: '127.0.0.1', port: 0, ...options });
  cleanups.push(() => server.close());
  return { hub, server, url: server.address().url };
}

async function open(url: string, options = {}) {
  const p = await WsProbe.open(url, options);
  cleanups.push(() => p.close());
  return p;
}

function tempDataDir() {
  const dir = mkdtempSync(join(tmpdir(), 'dm-bus-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ dataDir: join(dir, 'data') }));
  return { dir, config, dataDir: join(dir, 'data') };
}

async function runToken(args: string[]) {
  let out = '';
  let err = '';
  const code = await tokenCommand(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, env: {} });
  return { code, out, err };
}

describe('the bus refuses whoever does not hold the token', () => {
  it('closes a connection that says nothing, and shows it nothing', async () => {
    const { hub, url } = await start({ authTimeoutMs: 200 });
    hub.update({ costs: { todayEur: 1 } });
    const silent = await open(url);
    await silent.untilClosed();
    expect(silent.closeCode).toBe(4401);
    expect(silent.messages).toEqual([]);
  });

  it('refuses a hello without a token, a command before hello, and a text line before auth', async () => {
    const { hub, url } = await start();
    hub.update({ costs: { todayEur: 1 } });
    const noToken = await open(url);
    noToken.send({ type: 'hello', protocol: 2, role: 'viewer' });
    const commandFirst = await open(url);
    commandFirst.send({ type: 'command', id: '1', name: 'state' });
    const textFirst = await open(url);
    textFirst.send('state');
    for (const p of [noToken, commandFirst, textFirst]) await p.untilClosed();
    const refusal = { type: 'error', code: 'unauthorized', message: 'the first message must be {"type":"hello","protocol":1,"role":...,"token":...}' };
    expect(noToken.json()).toEqual([refusal]);
    expect(commandFirst.json()).toEqual([refusal]);
    expect(textFirst.messages).toEqual(['error: the first line must be: auth <token>']);
    expect([noToken.closeCode, commandFirst.closeCode, textFirst.closeCode]).toEqual([4401, 4401, 4401]);
  });

  it('refuses a wrong token, in JSON, on the terminal and in a header', async () => {
    const { url } = await start();
    const json = await open(url);
    json.send({ type: 'hello', protocol: 2, role: 'ev', token: 'not-the-token-0123456789' });
    const term = await open(url);
    term.send('auth not-the-token-0123456789');
    await json.untilClosed();
    await term.untilClosed();
    expect(json.json()).toEqual([{ type: 'error', code: 'unauthorized', message: 'wrong token' }]);
    expect(term.messages).toEqual(['error: wrong token']);
    expect([json.closeCode, term.closeCode]).toEqual([4401, 4401]);
    await expect(WsProbe.open(url, { headers: { authorization: 'Bearer not-the-token-0123456789' } })).rejects.toThrow('HTTP 401');
  });

  it('refuses another protocol version, naming both', async () => {
    const { url } = await start();
    const old = await open(url);
    old.send({ type: 'hello', protocol: 0, role: 'viewer', token: TOKEN });
    await old.untilClosed();
    expect(old.json()).toEqual([{ type: 'error', code: 'protocol', message: 'protocol 0 is not spoken here; this meter speaks protocol 2' }]);
    expect(old.closeCode).toBe(4400);
  });

  it('refuses a protocol-1 satellite (demands {minKw, maxKw}), naming both versions', async () => {
    const { url } = await start();
    const old = await open(url);
    old.send({ type: 'hello', protocol: 1, role: 'ev', token: TOKEN, name: 'garage' });
    await old.untilClosed();
    expect(old.json()).toEqual([{ type: 'error', code: 'protocol', message: 'protocol 1 is not spoken here; this meter speaks protocol 2' }]);
    expect(old.closeCode).toBe(4400);
  });
});

describe('logging refusals', () => {
  it('logs refused clients once per address until one gets in, with the address and the count, and never a token', async () => {
    const { log, lines } = captureLog();
    // a guessing allowance above these 21 tries: this is about the log, not the throttle
    const { url } = await start({ log, flood: { guessBurst: 100 } });
    for (let i = 0; i < 20; i++) {
      const p = await open(url);
      p.send({ type: 'hello', protocol: 2, role: 'viewer', token: `guess-number-${i}-0123456789` });
      await p.untilClosed();
    }
    await expect(WsProbe.open(url, { headers: { authorization: 'Bearer another-guess-0123456789' } })).rejects.toThrow('HTTP 401');
    const good = await WsProbe.hello(url, TOKEN);
    cleanups.push(() => good.close());
    const warnings = lines.filter((l) => l.level >= 40);
    expect(warnings.map((l) => [l.msg, l.remote])).toEqual([['bus clients refused: wrong or missing token (logged once per address while it goes on)', '127.0.0.1']]);
    // 20 wrong hellos and 1 wrong header
    expect(lines.filter((l) => l.msg === 'a bus client proved the token again').map((l) => [l.remote, l.refused])).toEqual([['127.0.0.1', 21]]);
    const everything = JSON.stringify(lines);
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain('guess-number');
  });
});

describe('token file and rotation', () => {
  it('`token` creates a 0600 token once and prints the same one again; --rotate replaces it', async () => {
    const { config, dataDir } = tempDataDir();
    const first = await runToken(['--config', config]);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    expect(first.err).toContain('created a token in');
    expect(statSync(join(dataDir, 'bus-token')).mode & 0o777).toBe(0o600);
    const again = await runToken(['--config', config]);
    expect(again.out).toBe(first.out);
    expect(again.err).toBe('');
    const rotated = await runToken(['--config', config, '--rotate']);
    expect(rotated.out).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    expect(rotated.out).not.toBe(first.out);
    expect((await runToken(['--config', config])).out).toBe(rotated.out);
    expect(statSync(join(dataDir, 'bus-token')).mode & 0o777).toBe(0o600);
  });

  it('after `token --rotate` the running server drops every client and refuses the old token', async () => {
    const { config, dataDir } = tempDataDir();
    const oldToken = (await runToken(['--config', config])).out.trim();
    const source = openServerToken({ dataDir, env: {}, watchIntervalMs: 50 });
    cleanups.push(() => source.stop());
    const { url } = await start({ tokens: source.holder });
    const satellite = await WsProbe.hello(url, oldToken, 'ev');
    cleanups.push(() => satellite.close());
    const term = await open(url);
    term.send('auth ' + oldToken);
    await term.until(() => term.messages.length === 1, 'the terminal to authenticate');

    const newToken = (await runToken(['--config', config, '--rotate'])).out.trim();
    await satellite.untilClosed();
    await term.untilClosed();
    expect([satellite.closeCode, term.closeCode]).toEqual([4403, 4403]);
    expect(satellite.closeReason).toBe('token rotated');

    const stale = await open(url);
    stale.send({ type: 'hello', protocol: 2, role: 'ev', token: oldToken });
    await stale.untilClosed();
    expect(stale.json()).toEqual([{ type: 'error', code: 'unauthorized', message: 'wrong token' }]);
    const fresh = await WsProbe.hello(url, newToken, 'ev');
    cleanups.push(() => fresh.close());
    expect(fresh.json()[0]!.type).toBe('snapshot');
  });

  it('--token / DM_TOKEN set the server token without touching the file', () => {
    const { dataDir } = tempDataDir();
    expect(openServerToken({ dataDir, override: 'from-the-command-line-123', env: {} }).holder.get()).toBe('from-the-command-line-123');
    expect(openServerToken({ dataDir, env: { DM_TOKEN: 'from-the-environment-1234' } }).file).toBeNull();
    expect(() => openServerToken({ dataDir, override: 'short', env: {} })).toThrow('--token: the token must be at least 16 characters (it has 5)');
    expect(() => statSync(join(dataDir, 'bus-token'))).toThrow();
  });
});

describe('bad input from an authenticated client', () => {
  it('closes on a frame over 64 KB (1009) and keeps serving the others', async () => {
    const { hub, url } = await start();
    const good = await WsProbe.hello(url, TOKEN);
    const big = await WsProbe.hello(url, TOKEN);
    cleanups.push(() => good.close(), () => big.close());
    big.send(JSON.stringify({ type: 'command', id: '1', name: 'get', args: { key: 'x'.repeat(65 * 1024) } }));
    await big.untilClosed();
    expect(big.closeCode).toBe(1009);
    hub.update({ costs: { todayEur: 9 } });
    await good.until(() => good.messages.length === 2, 'the delta');
    expect(good.json()[1]).toEqual({ type: 'delta', seq: 1, set: { costs: { todayEur: 9 } } });
  });

  it('answers invalid JSON, non-messages and unknown commands with errors and stays open', async () => {
    const { url } = await start();
    const client = await WsProbe.hello(url, TOKEN);
    cleanups.push(() => client.close());
    client.send('{"type": "command", "id": ');
    client.send({ type: 'subscribe', topic: '#' });
    client.send({ type: 'command', id: 'c1', name: 'shutdown' });
    client.send({ type: 'command', id: 'c2', name: 'get', args: { key: 'meter', extra: 1 } });
    client.send({ type: 'hello', protocol: 2, role: 'viewer', token: TOKEN });
    await client.until(() => client.messages.length === 6, 'five answers');
    const answers = client.json().slice(1);
    expect(answers[0]).toMatchObject({ type: 'error', code: 'bad-json' });
    expect(String(answers[0]!.message)).toMatch(/^not valid JSON: /);
    expect(answers[1]).toMatchObject({ type: 'error', code: 'bad-message' });
    expect(answers[2]).toEqual({ type: 'result', id: 'c1', ok: false, error: { code: 'unknown-command', message: "unknown command 'shutdown'; known: state, get" } });
    expect(answers[3]).toEqual({ type: 'result', id: 'c2', ok: false, error: { code: 'bad-arguments', message: "command 'get': args: Unrecognized key: \"extra\"" } });
    expect(answers[4]).toEqual({ type: 'error', code: 'protocol', message: 'already authenticated; hello is only the first message' });
    expect(client.closed).toBe(false);
  });
});

describe('a flood of 10,000 messages', () => {
  /** Junk of every kind, in turn. */
  function junk(i: number): string {
    switch (i % 5) {
      case 0: return '{broken';
      case 1: return JSON.stringify({ type: 'command', id: `f${i}`, name: 'format.disk' });
      case 2: return JSON.stringify({ type: 'demand', id: 'x', demand: { device: 'x', kind: 'ev', conductors: [1], measuredKw: 0, band: { minKw: 5, maxKw: 1 }, class: 'plan', priority: 1 } });
      case 3: return JSON.stringify({ type: 'hello', protocol: 2, role: 'meter', token: TOKEN });
      default: return JSON.stringify({ type: 'delta', seq: 1, set: { costs: { todayEur: -1 } } });
    }
  }

  async function flood(options: Partial<BusServerOptions>) {
    // a site that takes demands, so a demand that slipped through would show in its book
    const book = new DemandBook(() => performance.now());
    const { hub, server, url } = await start({ site: satelliteDoors(book), ...options });
    const watcher = await WsProbe.hello(url, TOKEN);
    const attacker = await WsProbe.hello(url, TOKEN, 'ev');
    cleanups.push(() => watcher.close(), () => attacker.close());
    // the meter loop: one telegram every 2 ms, counted
    let telegrams = 0;
    const loop = setInterval(() => { telegrams++; hub.update({ meter: meterAt(1_700_000_000_000 + telegrams * 1000) }); }, 2);
    for (let i = 0; i < 10_000; i++) attacker.send(junk(i));
    await attacker.until(() => attacker.closed || attacker.messages.length >= 10_001, 'the flood to be answered', 20_000);
    const during = telegrams;
    await eventually(() => telegrams >= during + 20, '20 more telegrams after the flood');
    clearInterval(loop);
    await watcher.until(() => watcher.messages.length === telegrams + 1, `all ${telegrams} deltas at the watcher`, 10_000);
    return { hub, server, watcher, attacker, telegrams, book };
  }

  function expectMeterLoopIntact(result: Awaited<ReturnType<typeof flood>>) {
    const { hub, watcher, telegrams } = result;
    expect(hub.counts).toEqual({ updates: telegrams, deltas: telegrams });
    expect(watcher.json().slice(1).map((m) => m.seq)).toEqual(Array.from({ length: telegrams }, (_, i) => i + 1));
    // nothing the attacker sent changed anything: only the meter loop's telegrams are in the state
    expect(hub.current).toEqual({ meter: meterAt(1_700_000_000_000 + telegrams * 1000), quarter: null, costs: null, sources: {} });
    expect(result.book.size).toBe(0);
  }

  it('with default limits: answers errors until 1,000 refusals, then closes the connection (4429)', async () => {
    const result = await flood({});
    const answers = result.attacker.json().filter((m) => m.type === 'error' || m.type === 'result');
    expect(result.attacker.closeCode).toBe(4429);
    expect(answers.length).toBe(1001);
    expect(answers.every((m) => m.type === 'error' || (m.type === 'result' && m.ok === false))).toBe(true);
    expectMeterLoopIntact(result);
  });

  it('with no refusal limit: every one of the 10,000 is answered with an error', async () => {
    const result = await flood({ limits: { maxRefusals: Number.POSITIVE_INFINITY } });
    const answers = result.attacker.json().filter((m) => m.type === 'error' || m.type === 'result');
    expect(answers.length).toBe(10_000);
    const codes = new Map<string, number>();
    for (const m of answers) {
      const code = m.type === 'error' ? String(m.code) : String((m.error as { code: string }).code);
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    // the burst (200) and what the rate refills meanwhile are judged on their content; the rest are over the rate
    expect([...codes.keys()].sort()).toEqual(['bad-json', 'bad-message', 'protocol', 'rate-limited', 'unknown-command']);
    expect(codes.get('bad-json')! + codes.get('bad-message')! + codes.get('protocol')! + codes.get('unknown-command')! + codes.get('rate-limited')!).toBe(10_000);
    expect(result.attacker.closed).toBe(false);
    expectMeterLoopIntact(result);
  });
});
