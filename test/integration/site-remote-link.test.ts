/**
 * The satellite's SiteLink over the real websocket: its demands reach the meter's book under the
 * satellite's name, grants come back stamped with the receipt time, and a restarted meter (whose
 * grant numbers start again at 1) is followed, not ignored as "older".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TokenHolder } from '../../main/bus/auth.js';
import { BusClient } from '../../main/bus/client.js';
import { BusServer } from '../../main/bus/server.js';
import { StateHub } from '../../main/bus/state-hub.js';
import { DemandBook } from '../../main/site/demand-book.js';
import { RemoteSiteLink } from '../../main/site/remote-link.js';
import { satelliteDoors } from '../../main/site/satellite-doors.js';
import type { SiteGrant } from '../../shared/site/contract.js';
import { eventually } from '../support/ws-probe.js';

const TOKEN = 'remote-link-token-0123456789';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

async function meter(port = 0) {
  const book = new DemandBook(() => performance.now());
  const server = await BusServer.listen({ hub: new StateHub(), tokens: new TokenHolder(TOKEN), host: '127.0.0.1', port, site: satelliteDoors(book) });
  return { book, server };
}

const grant = (seq: number, kw: number): SiteGrant => ({ device: 'car', kw, validForMs: 2500, reason: { code: 'budget', text: 't' }, seq, time: 0 });

describe('the remote SiteLink', () => {
  it('files under the satellite\'s name, delivers grants with the receipt time, and follows a restarted meter', async () => {
    let first = await meter();
    const { port, url } = first.server.address();
    cleanups.push(() => first.server.close());
    const client = new BusClient({ url, token: TOKEN, role: 'ev', name: 'garage', backoff: { initialMs: 50, maxMs: 300 } });
    cleanups.push(() => client.close());
    const link = new RemoteSiteLink(client, () => performance.now());
    const got: Array<[number, number]> = [];
    link.onGrant('car', (g, at) => got.push([g.kw, at]));
    link.demand({ device: 'car', kind: 'ev', conductors: [1, 2, 3], measuredKw: 0, band: { minKw: 0, maxKw: 11 }, class: 'plan', priority: 50 });
    client.start();
    await eventually(() => first.book.size === 1, 'the demand at the meter');
    expect(first.book.list()[0]!.door).toBe('satellite:garage');
    const before = performance.now();
    first.book.deliver([grant(100, 3.2)]);
    await eventually(() => got.length === 1, 'a grant');
    expect(got[0]![0]).toBe(3.2);
    expect(got[0]![1]).toBeGreaterThanOrEqual(before);

    // the meter restarts: a new process, its ticks numbered from 1 again
    await first.server.close();
    first = await meter(port);
    await eventually(() => first.book.size === 1, 'the demand filed again', 10_000);
    first.book.deliver([grant(1, 5)]);
    await eventually(() => got.length === 2, 'the restarted meter\'s first grant');
    expect(got[1]![0]).toBe(5);
    // within one connection an older grant is still ignored
    first.book.deliver([grant(3, 6), grant(2, 7)]);
    await eventually(() => got.length === 3, 'the newer grant');
    await new Promise((r) => setTimeout(r, 100));
    expect(got.map(([kw]) => kw)).toEqual([3.2, 5, 6]);
  });
});
