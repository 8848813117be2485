import { describe, expect, it } from 'vitest';
import type { SiteDemandInput, SiteGrant } from '../../shared/site/contract.js';
import { DemandBook } from '../../main/site/demand-book.js';
import { inProcessLink } from '../../main/site/in-process-link.js';

const demand = (device: string, maxKw = 11): SiteDemandInput => ({
  device, kind: 'ev', conductors: [1, 2, 3], measuredKw: 0, band: { minKw: 0, maxKw }, class: 'plan', priority: 50,
});
const grant = (device: string, kw: number, seq: number): SiteGrant => ({
  device, kw, validForMs: 2500, reason: { code: 'budget', text: 't' }, seq, time: 0,
});

describe('the site demand book', () => {
  it('keys demands by device: a new demand replaces the old, a withdrawal removes it', () => {
    let now = 0;
    const book = new DemandBook(() => now);
    const door = book.openDoor('satellite:garage', () => {});
    expect(door.file(demand('car', 11))).toEqual({ ok: true });
    now = 5;
    expect(door.file(demand('car', 7.4))).toEqual({ ok: true });
    expect(book.list()).toHaveLength(1);
    // "waited longest" counts from the first demand, not the latest
    expect(book.get('car')).toMatchObject({ since: 0, updated: 5, demand: { band: { maxKw: 7.4 } } });
    door.withdraw('car');
    expect(book.size).toBe(0);
  });

  it('a reconnect under the same name takes over the door: the old demands go, never twice', () => {
    const book = new DemandBook(() => 0);
    const first = book.openDoor('satellite:garage', () => {});
    first.file(demand('car'));
    first.file(demand('van'));
    const second = book.openDoor('satellite:garage', () => {});
    expect(book.size).toBe(0);
    expect(first.open).toBe(false);
    second.file(demand('car'));
    // the old connection finally closes: it must not take the new door's demand with it
    first.close();
    expect(book.list().map((e) => `${e.door}/${e.demand.device}`)).toEqual(['satellite:garage/car']);
  });

  it('refuses a device another door already filed, and a malformed demand, saying which', () => {
    const book = new DemandBook(() => 0);
    book.openDoor('local', () => {}).file(demand('car'));
    const other = book.openDoor('satellite:shed', () => {});
    expect(other.file(demand('car'))).toEqual({ ok: false, message: 'device car is already filed by local' });
    expect(other.file({ ...demand('x'), band: { minKw: 5, maxKw: 1 } })).toEqual({ ok: false, message: 'not a demand: band.minKw: band.minKw must not exceed band.maxKw' });
    expect(other.file({ ...demand('__proto__') })).toMatchObject({ ok: false });
  });

  it('sends each grant back through the door its demand came in by, with the receipt time', () => {
    let mono = 100;
    const book = new DemandBook(() => mono);
    const link = inProcessLink(book, () => mono);
    const remote: SiteGrant[] = [];
    book.openDoor('satellite:shed', (g) => remote.push(g)).file(demand('boiler'));
    link.demand(demand('car'));
    const got: Array<[number, number]> = [];
    link.onGrant('car', (g, at) => got.push([g.kw, at]));
    mono = 250;
    book.deliver([grant('car', 3.2, 7), grant('boiler', 1, 7), grant('nobody', 9, 7)]);
    // an older grant arriving late is not acted on
    book.deliver([grant('car', 9.9, 6)]);
    expect(got).toEqual([[3.2, 250]]);
    expect(remote.map((g) => g.device)).toEqual(['boiler']);
    link.close();
    expect(book.list().map((e) => e.demand.device)).toEqual(['boiler']);
  });
});
