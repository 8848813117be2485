import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenHolder } from '../../main/bus/auth.js';
import { BusServer } from '../../main/bus/server.js';
import { DemandBook } from '../../main/site/demand-book.js';
import { satelliteDoors } from '../../main/site/satellite-doors.js';
import { StateHub } from '../../main/bus/state-hub.js';
import type { MeterState } from '../../shared/state.js';
import { WsProbe, eventually } from '../support/ws-probe.js';

const TOKEN = 'test-token-0123456789abcdef';

function meter(time: number, importKw: number): MeterState {
  return {
    time,
    powerKw: { import: importKw, export: 0 },
    phases: [],
    tariff: 2,
    counters: { importKwh: { t1: 1000.5, t2: 2000.25 }, exportKwh: { t1: 10, t2: 20 }, gasM3: null, gasTime: null, waterM3: null, waterTime: null },
  };
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: Partial<ConstructorParameters<typeof BusServer>[0]> = {}) {
  const hub = options.hub ?? new StateHub();
  const server = await BusServer.listen({ hub, tokens: new TokenHolder(TOKEN), host: '127.0.0.1', port: 0, ...options });
  cleanups.push(() => server.close());
  return { hub, server, url: server.address().url };
}

async function probe(url: string, role = 'viewer') {
  const p = await WsProbe.hello(url, TOKEN, role);
  cleanups.push(() => p.close());
  return p;
}

describe('bus server: JSON clients', () => {
  it('sends a snapshot after hello, then only what changed', async () => {
    const { hub, url } = await start();
    hub.update({ meter: meter(1_700_000_000_000, 1.25) });
    const client = await probe(url);
    expect(client.json()[0]).toEqual({
      type: 'snapshot', protocol: 2, seq: 1,
      state: { meter: meter(1_700_000_000_000, 1.25), quarter: null, costs: null, sources: {} },
    });
    hub.update({ meter: meter(1_700_000_001_000, 1.5) });
    await client.until(() => client.messages.length === 2, 'a delta');
    expect(client.json()[1]).toEqual({
      type: 'delta', seq: 2,
      set: { 'meter.time': 1_700_000_001_000, 'meter.powerKw': { import: 1.5, export: 0 } },
    });
  });

  it('answers commands with results carrying their id', async () => {
    const { hub, url } = await start();
    hub.update({ costs: { todayEur: 3.14 } });
    const client = await probe(url);
    client.send({ type: 'command', id: 'a1', name: 'get', args: { key: 'costs.todayEur' } });
    client.send({ type: 'command', id: 'a2', name: 'get', args: { key: 'costs.nothing' } });
    await client.until(() => client.json().filter((m) => m.type === 'result').length === 2, 'two results');
    const results = client.json().filter((m) => m.type === 'result');
    expect(results).toEqual([
      { type: 'result', id: 'a1', ok: true, value: 3.14 },
      { type: 'result', id: 'a2', ok: false, error: { code: 'internal', message: "command 'get' failed: no value at 'costs.nothing'" } },
    ]);
  });

  it('takes a satellite\'s demands into the site\'s book under its name and sends each grant back (protocol 2)', async () => {
    const book = new DemandBook(() => performance.now());
    const { url } = await start({ site: satelliteDoors(book) });
    const ev = await WsProbe.hello(url, TOKEN, 'ev', {}, 'garage');
    cleanups.push(() => ev.close());
    const viewer = await probe(url, 'viewer');
    const nameless = await probe(url, 'ev');
    const demand = { device: 'car', kind: 'ev', conductors: [1, 2, 3], measuredKw: 0, band: { minKw: 0, maxKw: 11 }, class: 'plan', priority: 50 };
    ev.send({ type: 'demand', id: 'd1', demand });
    viewer.send({ type: 'demand', id: 'sneaky', demand: { ...demand, device: 'other' } });
    nameless.send({ type: 'demand', id: 'n1', demand: { ...demand, device: 'third' } });
    await eventually(() => book.size === 1, 'the demand in the book');
    expect(book.list()[0]).toMatchObject({ door: 'satellite:garage', demand: { device: 'car', band: { minKw: 0, maxKw: 11 }, class: 'plan', minRunKw: 0, deadline: null } });
    await viewer.until(() => viewer.json().some((m) => m.type === 'error'), 'a refusal');
    expect(viewer.json().at(-1)).toEqual({ type: 'error', code: 'forbidden', message: "role 'viewer' cannot file demands", id: 'sneaky' });
    await nameless.until(() => nameless.json().some((m) => m.type === 'error'), 'a refusal');
    expect(nameless.json().at(-1)).toEqual({ type: 'error', code: 'bad-message', message: 'a satellite files demands under its name: send "name" in the hello', id: 'n1' });

    const grant = { device: 'car', kw: 7.2, validForMs: 2500, reason: { code: 'budget', text: 'quarter budget' }, seq: 4, time: 1_700_000_005_000 } as const;
    book.deliver([grant]);
    await ev.until(() => ev.json().some((m) => m.type === 'grant'), 'a grant');
    expect(ev.json().at(-1)).toEqual({ type: 'grant', grant });
    expect(viewer.json().some((m) => m.type === 'grant')).toBe(false);

    ev.close();
    await eventually(() => book.size === 0, 'the demand to go with its connection');
  });

  it('refuses demands, saying why, when the meter has no main fuse configured', async () => {
    const { url } = await start();
    const ev = await WsProbe.hello(url, TOKEN, 'ev', {}, 'garage');
    cleanups.push(() => ev.close());
    ev.send({ type: 'demand', id: 'd1', demand: { device: 'car', kind: 'ev', conductors: [1], measuredKw: 0, band: { minKw: 0, maxKw: 7.4 }, class: 'plan', priority: 50 } });
    await ev.until(() => ev.json().some((m) => m.type === 'error'), 'a refusal');
    expect(ev.json().at(-1)).toMatchObject({ type: 'error', code: 'forbidden', id: 'd1', message: expect.stringContaining('site.fuse') });
  });
;
});

describe('bus server: people at a terminal', () => {
  it('answers auth, help, get, state and watch in readable JSON', async () => {
    const { hub, url } = await start();
    hub.update({ meter: meter(1_700_000_000_000, 0.75) });
    const term = await WsProbe.open(url);
    cleanups.push(() => term.close());
    const answer = async (line: string) => {
      const before = term.messages.length;
      term.send(line);
      await term.until(() => term.messages.length > before, `an answer to '${line}'`);
      return term.messages.at(-1);
    };
    expect(await answer('auth ' + TOKEN)).toBe('ok: authenticated; type help');
    expect(await answer('help')).toContain('get <key>');
    expect(await answer('get meter.powerKw')).toBe('meter.powerKw = {\n  "import": 0.75,\n  "export": 0\n}');
    expect(await answer('get meter.counters.importKwh.t2')).toBe('meter.counters.importKwh.t2 = 2000.25');
    expect(await answer('get meter.nothing')).toBe('meter.nothing: no such key');
    expect(await answer('state')).toMatch(/^state = \{\n {2}"meter": \{/);
    expect(await answer('frobnicate')).toBe("error: unknown command 'frobnicate'; type help");
    expect(await answer('watch meter.powerKw.import')).toBe('meter.powerKw.import = 0.75');
    hub.update({ costs: { todayEur: 1 } }); // not watched: nothing printed
    hub.update({ meter: meter(1_700_000_001_000, 2.5) });
    await term.until(() => term.messages.at(-1) === 'meter.powerKw.import = 2.5', 'the watched value');
    expect(term.messages.filter((m) => m.startsWith('costs'))).toEqual([]);
  });

  it('accepts an Authorization: Bearer header instead of the auth line, and refuses a wrong one with HTTP 401', async () => {
    const { hub, url } = await start();
    hub.update({ costs: { todayEur: 0.5 } });
    const term = await WsProbe.open(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    cleanups.push(() => term.close());
    term.send('get costs.todayEur');
    await term.until(() => term.messages.length === 1, 'an answer');
    expect(term.messages).toEqual(['costs.todayEur = 0.5']);
    await expect(WsProbe.open(url, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).rejects.toThrow('HTTP 401');
  });
});

describe('bus server: transport', () => {
  it('shares an existing HTTP server at /ws, leaving its other routes alone', async () => {
    const http = createServer((_req, res) => res.end('dashboard here'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const hub = new StateHub();
    const bus = new BusServer({ hub, tokens: new TokenHolder(TOKEN) });
    bus.attach(http);
    cleanups.push(async () => { await bus.close(); http.closeAllConnections(); await new Promise((r) => http.close(r)); });
    const port = (http.address() as { port: number }).port;
    const body = await new Promise<string>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/' }, (res) => {
        let text = '';
        res.on('data', (c) => { text += c; }).on('end', () => resolve(text));
      }).on('error', reject).end();
    });
    expect(body).toBe('dashboard here');
    hub.update({ costs: { todayEur: 2 } });
    const client = await probe(`ws://127.0.0.1:${port}/ws`);
    expect(client.json()[0]).toMatchObject({ type: 'snapshot', seq: 1, state: { costs: { todayEur: 2 } } });
  });

  it('answers 404 on other paths of its own server', async () => {
    const { server } = await start();
    await expect(WsProbe.open(`ws://127.0.0.1:${server.address().port}/other`)).rejects.toThrow('HTTP 404');
  });

  it('serves wss:// with the user certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-tls-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const { hub, url } = await start({ tls: { cert, key } } as never);
    expect(url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/ws$/);
    hub.update({ costs: { todayEur: 4 } });
    const client = await WsProbe.hello(url, TOKEN, 'viewer', { ca: readFileSync(cert) });
    cleanups.push(() => client.close());
    expect(client.json()[0]).toMatchObject({ type: 'snapshot', state: { costs: { todayEur: 4 } } });
    await expect(WsProbe.open(url)).rejects.toThrow(/self-signed|certificate/);
  });

  it('drops a peer that stops answering pings', async () => {
    const { server, url } = await start({ pingIntervalMs: 100 });
    const alive = await probe(url);
    const dead = await WsProbe.open(url, { autoPong: false });
    cleanups.push(() => dead.close());
    dead.send({ type: 'hello', protocol: 2, role: 'viewer', token: TOKEN });
    await dead.untilClosed(3000);
    await eventually(() => server.clientCount === 1, 'the server to forget the dead peer');
    expect(alive.closed).toBe(false);
  });

  it('drops a client that does not read, while the meter loop and a reading client carry on', async () => {
    const { hub, server, url } = await start({ limits: { maxBufferedBytes: 64 * 1024 } });
    const reader = await probe(url);
    const slow = await probe(url);
    // ws's own pause(): pausing the raw socket is undone by ws when its receiver drains
    slow.ws.pause();
    const blob = 'x'.repeat(16 * 1024);
    let updates = 0;
    for (let i = 0; i < 3000 && server.clientCount === 2; i++) {
      hub.update({ costs: { blob: blob + i } });
      updates++;
      await new Promise((r) => setImmediate(r));
    }
    expect(server.clientCount).toBe(1);
    expect(hub.counts.deltas).toBe(updates);
    await reader.until(() => reader.messages.length === updates + 1, `all ${updates} deltas at the reader`, 15_000);
    const seqs = reader.json().slice(1).map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: updates }, (_, i) => i + 1));
  });
});

describe('bus server: ordering', () => {
  it('sends the snapshot before any delta, even when logging the connection changes the state', async () => {
    const { pino } = await import('pino');
    const hub = new StateHub();
    // like the dashboard's log panel: every log line becomes state
    const log = pino({ level: 'info' }, { write: (line: string) => { hub.update({ costs: { lastLog: JSON.parse(line).msg } }); } });
    const { url } = await start({ hub, log });
    // a satellite's connection is logged (a browser's is not: one line per page load said nothing)
    const client = await probe(url, 'ev');
    await client.until(() => client.messages.length >= 2, 'the logged connection as a delta');
    const [first, second] = client.json();
    expect(first!.type).toBe('snapshot');
    expect(second).toMatchObject({ type: 'delta', set: { costs: { lastLog: 'bus client connected' } } });
    expect(second!.seq).toBe((first!.seq as number) + 1);
  });

  it('does not log a dashboard page (a viewer) connecting at info', async () => {
    const { pino } = await import('pino');
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => { lines.push(JSON.parse(line).msg); } });
    const { url } = await start({ hub: new StateHub(), log });
    const viewer = await probe(url, 'viewer');
    const satellite = await probe(url, 'battery');
    await satellite.until(() => lines.includes('bus client connected'), 'the satellite logged');
    expect(viewer.json()[0]!.type).toBe('snapshot');
    expect(lines.filter((l) => l === 'bus client connected')).toHaveLength(1);
  });
});
