import { afterEach, describe, expect, it } from 'vitest';
import { TokenHolder } from '../../main/bus/auth.js';
import { BusClient } from '../../main/bus/client.js';
import { BusServer } from '../../main/bus/server.js';
import { DemandBook } from '../../main/site/demand-book.js';
import { satelliteDoors } from '../../main/site/satellite-doors.js';
import { StateHub } from '../../main/bus/state-hub.js';
import type { MeterState } from '../../shared/state.js';
import type { SiteDemandInput } from '../../shared/site/contract.js';
import { eventually } from '../support/ws-probe.js';

const TOKEN = 'client-test-token-0123456789';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function meterAt(n: number): MeterState {
  return {
    time: 1_700_000_000_000 + n * 1000, powerKw: { import: n / 10, export: 0 }, phases: [], tariff: 1,
    counters: { importKwh: { t1: 100 + n, t2: 50 }, exportKwh: { t1: 0, t2: 0 }, gasM3: null, gasTime: null, waterM3: null, waterTime: null },
  };
}

async function serve(hub: StateHub, port = 0, book = new DemandBook(() => performance.now())) {
  const server = await BusServer.listen({ hub, tokens: new TokenHolder(TOKEN), host: '127.0.0.1', port, maxClients: 512, site: satelliteDoors(book) });
  return Object.assign(server, { book });
}

const CAR: SiteDemandInput = { device: 'car', kind: 'ev', conductors: [1, 2, 3], measuredKw: 0, band: { minKw: 0, maxKw: 11 }, minRunKw: 4.1, class: 'plan', priority: 50 };

function client(url: string, extra: Partial<ConstructorParameters<typeof BusClient>[0]> = {}) {
  // the default backoff (0.5 s doubling to 15 s) and stale time (3 s), at a tenth of the time scale
  const c = new BusClient({ url, token: TOKEN, role: 'ev', name: 'garage', backoff: { initialMs: 50, maxMs: 1500 }, staleAfterMs: 300, ...extra });
  cleanups.push(() => c.close());
  c.start();
  return c;
}

/** The meter loop: one telegram per period, counted. */
function meterLoop(hub: StateHub, periodMs: number) {
  let n = 0;
  const timer = setInterval(() => { n++; hub.update({ meter: meterAt(n) }); }, periodMs);
  cleanups.push(() => clearInterval(timer));
  return { get count() { return n; }, stop: () => clearInterval(timer) };
}

/**
 * The 30 s outage runs at a tenth of the time scale by default (3 s, backoff 50 ms to 1.5 s, stale
 * after 300 ms); DM_LONG_TESTS=1 runs it in real time with the client's defaults (about 45 s).
 */
const REAL_TIME = process.env.DM_LONG_TESTS === '1';
const SCALE = REAL_TIME ? 1 : 0.1;

describe('satellite client', () => {
  it(`loses the server for 30 s (${REAL_TIME ? 'real time' : 'at a tenth of the time scale'}), signals stale, then resumes with a fresh snapshot`, async () => {
    const hub = new StateHub();
    let server = await serve(hub);
    const { port, url } = server.address();
    cleanups.push(() => server.close());
    const loop = meterLoop(hub, 50);
    const sat = client(url, { backoff: { initialMs: 500 * SCALE, maxMs: 15_000 * SCALE }, staleAfterMs: 3000 * SCALE });
    const staleSignals: boolean[] = [];
    const connects: number[] = [];
    sat.on('stale', (s) => staleSignals.push(s));
    sat.on('snapshot', () => connects.push(Date.now()));
    await eventually(() => !sat.stale && sat.current?.meter !== null, 'live data at the satellite');

    await server.close(); // the meter's bus disappears; the meter loop keeps running
    await eventually(() => sat.stale, 'the stale signal', 5000 * SCALE + 1000);
    const telegramsAtOutage = loop.count;
    await new Promise((r) => setTimeout(r, 30_000 * SCALE));
    expect(sat.connected).toBe(false);
    expect(loop.count).toBeGreaterThan(telegramsAtOutage + 20); // the meter went on without its clients

    server = await serve(hub, port);
    // back within one maximum backoff (plus a margin for a loaded machine)
    await eventually(() => sat.connected && !sat.stale, 'the satellite back with live data', 15_000 * SCALE + 3000);
    // a fresh snapshot: nothing the satellite needs was missed while it was away
    await eventually(() => JSON.stringify(sat.current) === JSON.stringify(hub.current), 'the satellite state to equal the meter state');
    expect(connects.length).toBe(2);
    expect(staleSignals).toEqual([false, true, false]);
    loop.stop();
  }, REAL_TIME ? 90_000 : 30_000);

  it('every client survives a server restart (new process: new state, seq from zero)', async () => {
    const hub = new StateHub();
    hub.update({ meter: meterAt(1) });
    let server = await serve(hub);
    const { port, url } = server.address();
    cleanups.push(() => server.close());
    const sats = Array.from({ length: 10 }, () => client(url));
    await eventually(() => sats.every((s) => s.connected), 'ten satellites connected');
    sats[0]!.demand(CAR);
    await eventually(() => server.book.size === 1, 'the demand at the meter');

    await server.close();
    await eventually(() => sats.every((s) => !s.connected), 'every satellite to notice');
    const restarted = new StateHub(); // a restarted meter process starts from nothing
    restarted.update({ meter: meterAt(500) });
    server = await serve(restarted, port);
    await eventually(() => sats.every((s) => s.connected), 'every satellite reconnected', 10_000);
    restarted.update({ meter: meterAt(501) });
    await eventually(() => sats.every((s) => s.current?.meter?.time === meterAt(501).time), 'the delta after the restart at every satellite');
    for (const s of sats) expect(s.current).toEqual(restarted.current);
    // the satellite's standing demand is submitted again to the restarted meter
    await eventually(() => server.book.size === 1, 'the demand again after the restart');
    expect(server.book.list()[0]).toMatchObject({ door: 'satellite:garage', demand: { device: 'car', minRunKw: 4.1, band: { minKw: 0, maxKw: 11 } } });
  });

  it('runs commands, and sends demands that come back as grants', async () => {
    const hub = new StateHub();
    hub.update({ costs: { todayEur: 1.75 } });
    const server = await serve(hub);
    cleanups.push(() => server.close());
    const sat = client(server.address().url);
    await eventually(() => sat.connected, 'connected');
    expect(await sat.command('get', { key: 'costs.todayEur' })).toEqual({ type: 'result', id: '1', ok: true, value: 1.75 });
    const grants: number[] = [];
    sat.on('grant', (g) => grants.push(g.kw));
    expect(sat.demand(CAR)).toBe(true);
    await eventually(() => server.book.size === 1, 'the demand at the meter');
    for (const [seq, kw] of [[1, 7.4], [2, 3.2]] as const) {
      server.book.deliver([{ device: 'car', kw, validForMs: 2500, reason: { code: 'budget', text: 'budget' }, seq, time: Date.now() }]);
    }
    await eventually(() => grants.length === 2, 'two grants');
    expect(grants).toEqual([7.4, 3.2]);
    sat.withdraw('car');
    await eventually(() => server.book.size === 0, 'the demand withdrawn');
  });
});

describe('load', () => {
  it('100 connected clients each get each delta', async () => {
    const hub = new StateHub();
    const server = await serve(hub);
    cleanups.push(() => server.close());
    const sats = Array.from({ length: 100 }, () => client(server.address().url, { role: 'viewer' }));
    const received = sats.map(() => [] as number[]);
    sats.forEach((s, i) => s.on('delta', (d) => received[i]!.push(d.seq)));
    await eventually(() => sats.every((s) => s.connected), '100 clients connected', 10_000);
    for (let n = 1; n <= 50; n++) {
      hub.update({ meter: meterAt(n) });
      await new Promise((r) => setTimeout(r, 5));
    }
    await eventually(() => received.every((r) => r.length === 50), 'fifty deltas at every client', 10_000);
    const expected = Array.from({ length: 50 }, (_, i) => i + 1);
    for (const r of received) expect(r).toEqual(expected);
    for (const s of sats) expect(s.current).toEqual(hub.current);
  });
});
