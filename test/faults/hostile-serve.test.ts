/**
 * The running site (`serve` with the meter, EV and battery roles, its simulators, Home Assistant's
 * Mosquitto with MQTT commands at the dashboard's role) fed generated malformed and oversized
 * input on every door it has: the websocket as a program (JSON), as a person (terminal lines), as
 * a satellite (demands), without a token, the MQTT command and control topics, and every HTTP path
 * and method. Afterwards: the process still runs and answers, no answer carried a token, a path or
 * a stack, rates.json, the tokens and the database tables commands could change are as they were,
 * and every refusal said in words what was wrong.
 */
import { connect } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MAX_MESSAGE_BYTES } from '../../shared/bus/protocol.js';
import { WsProbe, eventually } from '../support/ws-probe.js';
import { leaks, storedFingerprint, understandable } from './support/answers.js';
import { startRig, type Rig } from './support/site-rig.js';

const SEED = 22_04;
let rig: Rig;
let wsUrl: string;
let secrets: string[];
let before: Record<string, string>;
const fuzzCounts: Record<string, number> = {};

const storedFiles = () => [rig.ratesFile, join(rig.meterData, 'bus-token'), join(rig.meterData, 'bus-tokens.json')];
const TABLES = ['rate_history', 'sudden_trips', 'calendar_snapshots'];

beforeAll(async () => {
  rig = await startRig({ speed: 1, start: '2026-01-14T19:00', satellite: false, mqttRole: 'dashboard' });
  wsUrl = `${rig.meter.origin.replace('http', 'ws')}/ws`;
  // the tokens never appear in an answer; the data directory's path only in what an authenticated
  // client is shown on purpose (the rates file's name in the editor), never in a refusal
  secrets = [rig.meter.token, rig.satelliteToken];
  const probe = await WsProbe.hello(wsUrl, rig.meter.token);
  await probe.until(() => probe.json().some((m) => m.type === 'delta' && typeof (m.set as Record<string, unknown>)['meter.time'] === 'number'), 'a telegram', 30_000);
  probe.close();
  before = storedFingerprint(storedFiles(), join(rig.meterData, 'meter.sqlite'), TABLES);
}, 120_000);

afterAll(async () => {
  console.log(`hostile input (seed ${SEED}): ${Object.entries(fuzzCounts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  await rig?.stop();
});

/** JSON values of every kind, strings with every code point, and texts that are almost JSON. */
const junkText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v).slice(0, -1)),
  fc.constantFrom('{', '[]', 'null', '{"type":"command"}', '{"__proto__":{"type":"command"}}', '\u0000', '{"type":"command","id":"x","name":"state","args":{},"x":1}'),
);

const COMMANDS = ['state', 'get', 'rates.get', 'rates.preview', 'rates.save', 'dashboard.power', 'ev.mode', 'ev.soc', 'ev.car', 'battery.mode', 'site.pause', 'site.resume', 'nope', 'constructor', '__proto__', 'rates.save.x'];
const NO_ARGS = new Set(['state', 'dashboard.power', 'rates.get', 'site.pause', 'site.resume']);
const hostileKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', ''), fc.string({ maxLength: 12 }));
const hostileArgs = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(hostileKey, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }),
  fc.record({ rates: fc.oneof(fc.jsonValue({ maxDepth: 5 }), fc.record({ Electricity: fc.dictionary(hostileKey, fc.jsonValue({ maxDepth: 3 })) })) }),
  fc.record({ key: fc.oneof(hostileKey, fc.constantFrom('meter.__proto__', 'constructor.name', 'a'.repeat(500), 'meter..powerKw')) }),
  fc.record({ charger: fc.oneof(hostileKey, fc.constant('garage')), mode: fc.string({ maxLength: 10 }), percent: fc.oneof(fc.double(), fc.string()) }),
);
/** A command message that must be refused or only read: never a valid change. */
const commandMessage = fc.record({
  type: fc.constant('command'),
  id: fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.constant(undefined)),
  name: fc.oneof(fc.constantFrom(...COMMANDS), fc.string({ maxLength: 20 })),
  args: hostileArgs,
}).filter((m) => !(NO_ARGS.has(m.name) && m.name.startsWith('site.')) || (typeof m.args === 'object' && m.args !== null && Object.keys(m.args).length > 0))
  .map((m) => JSON.stringify(m));

function errorsIn(messages: Array<Record<string, unknown>>): Array<{ code: unknown; message: unknown }> {
  return messages.flatMap((m) => (m.type === 'error' ? [{ code: m.code, message: m.message }]
    : m.type === 'result' && m.ok === false ? [m.error as { code: unknown; message: unknown }] : []));
}

function expectCleanAnswers(texts: string[], what: string): void {
  const leaked = texts.flatMap((t) => leaks(t, secrets).map((l) => `${l} in ${t.slice(0, 160)}`));
  expect(leaked, `${what}: answers leaking`).toEqual([]);
}

function expectUnderstandable(errors: Array<{ code: unknown; message: unknown }>, what: string): void {
  const unclear = errors.filter((e) => !understandable(e.message) || String(e.message).includes(rig.dir)).map((e) => JSON.stringify(e).slice(0, 200));
  expect(unclear, `${what}: refusals a person cannot read`).toEqual([]);
}

/** A dashboard connection; retried while this address is still held back for the wrong tokens it tried. */
async function helloAgain(): Promise<WsProbe> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await WsProbe.hello(wsUrl, rig.meter.token);
    } catch (error) {
      if (attempt > 60) throw error;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

async function expectStillServing(): Promise<void> {
  expect(rig.meter.child.exitCode).toBeNull();
  const probe = await helloAgain();
  probe.send({ type: 'command', id: 'alive', name: 'get', args: { key: 'meter.time' } });
  await probe.until(() => probe.json().some((m) => m.id === 'alive'), 'an answer after the fuzz', 10_000);
  expect(probe.json().find((m) => m.id === 'alive')).toMatchObject({ ok: true });
  probe.close();
}

/** Send each text on one connection (reopening it if the server closed it), one answer awaited at a time. */
async function fuzzJson(texts: string[], open: () => Promise<WsProbe>, ping = false): Promise<{ answers: string[]; errors: Array<{ code: unknown; message: unknown }> }> {
  let probe = await open();
  const answers: string[] = [];
  const errors: Array<{ code: unknown; message: unknown }> = [];
  const own = (p: WsProbe) => p.json().filter((m) => m.type !== 'delta' && m.type !== 'snapshot' && m.type !== 'grant');
  for (const text of texts) {
    if (probe.closed) {
      probe = await open();
    }
    const seen = own(probe).length;
    probe.send(text);
    if (ping) {
      // a well-formed withdraw (or demand) is not answered: a read after it marks where its answers end
      const id = `ping-${answers.length}-${seen}`;
      await new Promise((r) => setTimeout(r, 25));
      probe.send({ type: 'command', id, name: 'get', args: { key: 'meter' } });
      await probe.until(() => own(probe).some((m) => m.id === id) || probe.closed, `the read after ${text.slice(0, 80)}`, 10_000);
    } else {
      await probe.until(() => own(probe).length > seen || probe.closed, `an answer to ${text.slice(0, 80)}`, 10_000);
    }
    const fresh = own(probe).slice(seen).filter((m) => !(typeof m.id === 'string' && m.id.startsWith('ping-')));
    answers.push(...fresh.map((m) => JSON.stringify(m)));
    errors.push(...errorsIn(fresh));
  }
  answers.push(...probe.messages.filter((m) => !m.startsWith('{"type":"delta"')));
  probe.close();
  return { answers, errors };
}

describe('the websocket', () => {
  test('a dashboard client sending generated junk and commands: every one answered, refusals in words, nothing leaked or changed', async () => {
    const texts = [...fc.sample(junkText, { seed: SEED, numRuns: 250 }), ...fc.sample(commandMessage, { seed: SEED + 1, numRuns: 350 })];
    fuzzCounts['websocket JSON'] = texts.length;
    const { answers, errors } = await fuzzJson(texts, () => WsProbe.hello(wsUrl, rig.meter.token));
    expect(errors.length).toBeGreaterThan(texts.length / 2);
    expectCleanAnswers(answers, 'websocket JSON');
    expectUnderstandable(errors, 'websocket JSON');
    expect(errors.filter((e) => e.code === 'internal')).toEqual([]);
    await expectStillServing();
  });

  test('a satellite filing generated demands: malformed ones refused in words, the fuse never granted past', async () => {
    const demand = fc.record({
      type: fc.constantFrom('demand', 'withdraw'),
      id: fc.string({ maxLength: 8 }),
      device: fc.oneof(fc.constantFrom('garage', 'battery', '__proto__', 'constructor'), fc.string({ maxLength: 10 })),
      demand: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({
        device: fc.oneof(fc.constantFrom('garage', 'battery', 'boiler', '__proto__', 'constructor'), fc.string({ maxLength: 10 })),
        kind: fc.oneof(fc.constantFrom('ev', 'battery', 'load'), fc.string({ maxLength: 6 })),
        conductors: fc.oneof(fc.constant([1, 2, 3]), fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 5 })),
        measuredKw: fc.oneof(fc.double(), fc.constant(0)),
        band: fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.record({ minKw: fc.oneof(fc.double(), fc.constant(1e308), fc.constant(-1)), maxKw: fc.oneof(fc.double(), fc.constant(1e308), fc.constant(22)) })),
        minRunKw: fc.oneof(fc.double(), fc.constant(0)),
        class: fc.oneof(fc.constantFrom('emergency', 'plan', 'flex', 'opportunistic'), fc.string({ maxLength: 6 })),
        priority: fc.oneof(fc.integer({ min: -5, max: 200 }), fc.string({ maxLength: 3 })),
      }, { requiredKeys: [] })),
    }, { requiredKeys: ['type'] }).map((m) => JSON.stringify(m));
    const texts = fc.sample(demand, { seed: SEED + 2, numRuns: 300 });
    fuzzCounts['satellite demands'] = texts.length;
    const { answers, errors } = await fuzzJson(texts, () => WsProbe.hello(wsUrl, rig.satelliteToken, 'ev', {}, 'garage-pi'), true);
    // grants come for demands that happened to be well formed; the rest are refused (a withdraw is silent)
    expectCleanAnswers(answers, 'satellite demands');
    expectUnderstandable(errors, 'satellite demands');
    const grants = answers.map((a) => JSON.parse(a) as Record<string, unknown>).filter((m) => m.type === 'grant');
    // the main fuse: 3 x 230 V x 32 A = 22.08 kW; no grant to a satellite's device goes past it
    for (const g of grants) expect(Math.abs(Number((g.grant as { kw?: number }).kw ?? 0))).toBeLessThanOrEqual(22.08);
    await expectStillServing();
  });

  test('people at a terminal typing generated lines: each answered as text, never a stack', async () => {
    const word = fc.oneof(fc.constantFrom('get', 'watch', 'unwatch', 'help', 'state', 'auth', 'GET', 'Watch'), fc.string({ maxLength: 8 }));
    const key = fc.oneof(fc.constantFrom('meter.powerKw', '__proto__', 'constructor', 'meter.__proto__.x', 'state.constructor.name', 'a'.repeat(300), 'ev.chargers.0.mode', 'meter..x'), fc.string({ unit: 'binary', maxLength: 30 }));
    const line = fc.tuple(word, fc.array(key, { maxLength: 3 })).map(([w, ks]) => [w, ...ks].join(' ').replace(/[\r\n]/g, ' '))
      .filter((l) => l.trim() !== '' && !/^auth\s+\S+\s*$/i.test(l.trim()));
    const lines = fc.sample(line, { seed: SEED + 3, numRuns: 400 });
    fuzzCounts['terminal lines'] = lines.length;
    let probe = await WsProbe.open(wsUrl);
    probe.send(`auth ${rig.meter.token}`);
    await probe.until(() => probe.messages.includes('ok: authenticated; type help'), 'the terminal');
    const answers: string[] = [];
    for (const text of lines) {
      if (probe.closed) throw new Error(`the terminal was closed (${probe.closeCode} ${probe.closeReason}) after ${answers.length} lines`);
      const seen = probe.messages.length;
      probe.send(text);
      await probe.until(() => probe.messages.length > seen, `an answer to ${text.slice(0, 60)}`, 10_000);
      answers.push(...probe.messages.slice(seen));
    }
    expectCleanAnswers(answers, 'terminal');
    const errors = answers.filter((a) => a.startsWith('error: ')).map((a) => ({ code: 'terminal', message: a.slice(7) }));
    expectUnderstandable(errors, 'terminal');
    expect(answers.filter((a) => !a.startsWith('error: ') && !/^[^\s]+ = |^[^\n]+: no such key|^commands:|^ok: /.test(a))).toEqual([]);
    probe.close();
    probe = await WsProbe.open(wsUrl);
    probe.close();
    await expectStillServing();
  });

  test('without a token: every generated first message is refused with one sentence and the connection closed', async () => {
    const first = fc.oneof(junkText, fc.record({ type: fc.constant('hello'), protocol: fc.oneof(fc.constant(2), fc.integer()), role: fc.constantFrom('viewer', 'ev', 'meter', 'battery'), token: fc.string({ maxLength: 40 }) }).map((m) => JSON.stringify(m)),
      fc.string({ maxLength: 40 }).map((t) => `auth ${t}`)).filter((t) => !t.includes(rig.meter.token));
    const texts = fc.sample(first, { seed: SEED + 4, numRuns: 120 });
    fuzzCounts['unauthenticated first messages'] = texts.length;
    const answers: string[] = [];
    let refused = 0;
    const unclear: string[] = [];
    for (const text of texts) {
      const probe = await WsProbe.open(wsUrl);
      probe.send(text);
      await probe.untilClosed(10_000);
      answers.push(...probe.messages, probe.closeReason);
      expect(probe.json().some((m) => m.type === 'snapshot'), text).toBe(false);
      // a blank first message waits for a real one; anything else is answered and the connection closed
      const said = probe.messages.at(-1) ?? '';
      const message = said.startsWith('{') ? (JSON.parse(said) as { message: string }).message : said.replace(/^error: /, '');
      if (understandable(message)) refused++;
      else unclear.push(`${JSON.stringify(text).slice(0, 80)} -> ${JSON.stringify(probe.messages)} ${probe.closeCode} ${probe.closeReason}`);
      probe.close();
    }
    expect(unclear).toEqual([]);
    expect(refused).toBe(texts.length);
    expectCleanAnswers(answers, 'unauthenticated');
    await expectStillServing();
  }, 300_000);

  test('oversized: a message over 64 KiB closes the connection with 1009; deep nesting and a 60 KB rates document are refused in words', async () => {
    const big = await helloAgain();
    big.send(JSON.stringify({ type: 'command', id: 'big', name: 'state', args: { pad: 'x'.repeat(MAX_MESSAGE_BYTES) } }));
    await big.untilClosed(10_000);
    expect(big.closeCode).toBe(1009);
    big.close();
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    const nested = `{"type":"command","id":"deep","name":"rates.save","args":{"rates":${deep}}}`;
    const wideRates = { Electricity: { registers: Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [String(i), `R${i}`])), '+': {} } };
    const { answers, errors } = await fuzzJson([deep, nested, JSON.stringify({ type: 'command', id: 'wide', name: 'rates.save', args: { rates: wideRates } })], () => WsProbe.hello(wsUrl, rig.meter.token));
    fuzzCounts.oversized = 4;
    expect(errors.map((e) => e.code)).toEqual(['bad-message', 'bad-arguments', 'bad-arguments']);
    expectCleanAnswers(answers, 'oversized');
    expectUnderstandable(errors, 'oversized');
    await expectStillServing();
  });
});

describe('MQTT (a real Mosquitto)', () => {
  let client: MqttClient;
  beforeAll(async () => {
    client = await connectAsync(rig.broker.url, { clientId: 'hostile' });
  });
  afterAll(async () => { await client?.endAsync(); });

  test('generated command payloads and control values: one result each, refusals in words, nothing changed', async () => {
    const results: string[] = [];
    client.on('message', (topic, payload) => { if (topic === 'digital-meter/result') results.push(payload.toString()); });
    await client.subscribeAsync('digital-meter/result', { qos: 1 });
    const payloads = [...fc.sample(junkText, { seed: SEED + 5, numRuns: 120 }), ...fc.sample(commandMessage, { seed: SEED + 6, numRuns: 150 })];
    // Home Assistant's select and number: values it would never send
    const controls = fc.sample(fc.tuple(
      fc.constantFrom('digital-meter/select/ev_garage_mode/set', 'digital-meter/number/ev_garage_soc_set/set'),
      fc.oneof(fc.string({ unit: 'binary', maxLength: 100 }), fc.constantFrom('-1', '101', 'NaN', 'Infinity', '1e400', '__proto__', '', ' 50 ', 'SMART')),
    ), { seed: SEED + 7, numRuns: 80 });
    fuzzCounts['MQTT commands'] = payloads.length + 1;
    fuzzCounts['MQTT control values'] = controls.length;
    const sends: Array<[string, string | Buffer]> = [...payloads.map((p): [string, string] => ['digital-meter/command', p]), ...controls,
      ['digital-meter/command', Buffer.alloc(MAX_MESSAGE_BYTES + 10, 0x7b)]];
    for (const [topic, payload] of sends) {
      const seen = results.length;
      await client.publishAsync(topic, payload, { qos: 1 });
      // a well-formed SoC (0-100) is a valid value Home Assistant could send: it answers a result too
      await eventually(() => results.length > seen, `a result for ${String(payload).slice(0, 60)} on ${topic}`, 10_000);
      // the bridge takes 10 commands a second; stay under it so every payload reaches validation
      await new Promise((r) => setTimeout(r, 110));
    }
    expectCleanAnswers(results, 'MQTT');
    const parsed = results.map((r) => JSON.parse(r) as Record<string, unknown>);
    const errors = errorsIn(parsed);
    expectUnderstandable(errors, 'MQTT');
    expect(errors.filter((e) => e.code === 'internal' || e.code === 'rate-limited')).toEqual([]);
    expect(parsed.at(-1)).toMatchObject({ type: 'error', code: 'too-large' });
    await expectStillServing();
  }, 300_000);
});

describe('HTTP without a token', () => {
  const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'FOO'];
  const PATHS = ['/', '/index.html', '/ws', '/ws?token=x', '/api', '/state', '/rates.json', '/config.json', '/meter.sqlite', '/bus-token',
    '/bus-tokens.json', '/app.log', '/.env', '/.git/config', '/../package.json', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd',
    '//etc/passwd', '/assets/', '/assets/../../package.json', '/%00', '/index.html%00.js', '/%E0%A4%A', '/favicon.ico', '/manifest.webmanifest',
    '/node_modules/ws/package.json', '/dist/renderer/index.html', '/main/app.ts', `/${'a'.repeat(8000)}`, '/?a=1&a=2', '/index.html#token=x', '/\\..\\..\\etc\\passwd'];

  function rawRequest(port: number, text: string): Promise<string> {
    return new Promise((resolve) => {
      let received = '';
      const socket = connect({ host: '127.0.0.1', port }, () => socket.write(text));
      socket.setTimeout(10_000, () => socket.destroy());
      socket.on('data', (d) => { received += d.toString('latin1'); });
      socket.on('close', () => resolve(received));
      socket.on('error', () => resolve(received));
    });
  }

  test('every method on every path (and generated ones): a status and words, never a file outside the dashboard, a token or a stack', async () => {
    const port = Number(new URL(rig.meter.origin).port);
    const generated = fc.sample(fc.string({ unit: 'binary', maxLength: 60 }).map((s) => `/${encodeURI(s).replace(/%25/g, '%')}`), { seed: SEED + 8, numRuns: 150 });
    const requests = METHODS.flatMap((method) => [...PATHS, ...generated.slice(0, 15)].map((path) => ({ method, path })))
      .concat(generated.map((path) => ({ method: 'GET', path })));
    fuzzCounts['HTTP requests'] = requests.length + 2;
    const statuses = new Map<number, number>();
    const bad: string[] = [];
    for (const { method, path } of requests) {
      const answer = await rawRequest(port, `${method} ${path} HTTP/1.1\r\nHost: meter\r\nConnection: close\r\n${method === 'POST' || method === 'PUT' ? 'Content-Length: 2\r\n\r\n{}' : '\r\n'}`);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
      if (status === 0 || status >= 500) bad.push(`${method} ${path.slice(0, 60)}: ${answer.slice(0, 80) || 'no answer'}`);
      else if (status === 200 && !(method === 'GET' || method === 'HEAD')) bad.push(`${method} ${path.slice(0, 60)}: 200`);
      // a refusal says why: in its body, or (Node's own 400 for a request it cannot parse) in its status line
      else if (status !== 200 && method !== 'HEAD' && !/[a-z]{3,}/i.test(body) && !/^HTTP\/1\.1 \d{3} [A-Z][a-z]+ [A-Z][a-z]+/.test(answer)) bad.push(`${method} ${path.slice(0, 60)}: ${status} without words`);
      const leaked = leaks(answer, secrets);
      if (/"devDependencies"|"allowScripts"/.test(body)) leaked.push('package.json');
      if (/Electricity/.test(body) && status === 200 && !/<html|<!doctype|javascript/i.test(answer)) leaked.push('rates.json');
      if (leaked.length) bad.push(`${method} ${path.slice(0, 60)}: ${leaked.join(', ')}`);
    }
    // two that are not requests at all
    for (const junk of ['\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03', 'GET / HTTP/1.1\r\n' + 'X: y\r\n'.repeat(2000) + '\r\n']) {
      const answer = await rawRequest(port, junk);
      if (answer && !/^HTTP\/1\.1 4\d\d/.test(answer)) bad.push(`junk: ${answer.slice(0, 60)}`);
    }
    console.log(`HTTP scan: ${requests.length} requests, statuses ${[...statuses].sort().map(([s, n]) => `${s} x${n}`).join(', ')}`);
    expect(bad).toEqual([]);
    await expectStillServing();
  }, 300_000);
});

describe('afterwards', () => {
  test('rates.json, the tokens and the tables commands could change are byte for byte as before; the modes are as configured', async () => {
    const after = storedFingerprint(storedFiles(), join(rig.meterData, 'meter.sqlite'), TABLES);
    expect(after).toEqual(before);
    const probe = await helloAgain();
    const snapshot = probe.json().find((m) => m.type === 'snapshot')!.state as { ev: { chargers: Array<{ mode: string }> }; battery: { mode: string }; site: { paused?: boolean } };
    probe.close();
    expect(snapshot.ev.chargers[0]!.mode).toBe('now');
    expect(snapshot.battery.mode).toBe('auto');
    expect(snapshot.site.paused ?? false).toBe(false);
    expect(rig.meter.stderr()).not.toMatch(/uncaught|FATAL/i);
  });
});
