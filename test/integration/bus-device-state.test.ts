/**
 * Protocol 2 `device-state` over a real websocket: a satellite's chargers appear in the meter's
 * `ev` marked with its name; only a satellite token may send it, and only for devices no one else
 * holds; its devices go offline when its connection ends.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TokenHolder } from '../../main/bus/auth.js';
import { BusServer } from '../../main/bus/server.js';
import { StateHub } from '../../main/bus/state-hub.js';
import { DemandBook } from '../../main/site/demand-book.js';
import { satelliteDoors, withDeviceStates } from '../../main/site/satellite-doors.js';
import { SatelliteStates, type SatelliteSection } from '../../main/site/satellite-state.js';
import type { EvChargerState } from '../../shared/ev/state.js';
import { captureLog } from '../support/capture-log.js';
import { WsProbe, eventually } from '../support/ws-probe.js';

const DASHBOARD_TOKEN = 'dashboard-token-0123456789abcdef';
const VIEWER = 'viewer-token-hall-0123456789abcd';
const GARAGE = 'satellite-token-garage-012345678';
const SHED = 'satellite-token-shed-0123456789a';

const cleanups: Array<() => unknown> = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

const CHARGER: EvChargerState = {
  id: 'garage', description: 'NRGkick garage', car: { id: 'car_1', name: 'Zoe', minSocPercent: 20 }, cars: [{ id: 'car_1', name: 'Zoe' }],
  plugged: true, state: 'connected', chargerWords: null, soc: { percent: 40, source: 'user', basedOn: 'user' }, socPrompt: false,
  powerKw: 0, phases: [], sessionKwh: 0, mode: 'smart', commandA: 0, commandPhases: 3, grantedKw: null,
  reason: { code: 'plan', text: 'waiting for the plan' }, safe: true, problem: null,
};

async function start() {
  const hub = new StateHub();
  const { log, lines } = captureLog();
  const book = new DemandBook(() => performance.now());
  const own: SatelliteSection = {};
  const states = new SatelliteStates({ monoNow: () => performance.now(), local: () => own, filedBy: (d) => book.get(d)?.door, warn: (m) => log.warn(m) });
  const ev = hub.compose('ev', (e) => { own.ev = e; return states.ev(e); });
  states.onChange(() => ev.refresh());
  const tokens = new TokenHolder(DASHBOARD_TOKEN, [
    { access: 'viewer', name: 'hall', token: VIEWER },
    { access: 'satellite', name: 'garage', token: GARAGE },
    { access: 'satellite', name: 'shed', token: SHED },
  ]);
  const server = await BusServer.listen({ hub, tokens, site: withDeviceStates(satelliteDoors(book), states), host: '127.0.0.1', port: 0, log });
  cleanups.push(() => server.close());
  return { url: server.address().url, hub, lines };
}

async function hello(url: string, token: string, role: string, name?: string) {
  const p = await WsProbe.hello(url, token, role, {}, name);
  cleanups.push(() => p.close());
  return p;
}

const errors = (p: WsProbe) => p.json().filter((m) => m.type === 'error');

describe('device-state', () => {
  it('a satellite\'s charger appears in the meter\'s ev, marked with the satellite; offline when it leaves', async () => {
    const { url, hub } = await start();
    const garage = await hello(url, GARAGE, 'ev', 'garage');
    garage.send({ type: 'device-state', ev: { chargers: [CHARGER] } });
    await eventually(() => hub.current.ev?.chargers.length === 1, 'the garage charger at the meter');
    expect(hub.current.ev!.chargers[0]).toMatchObject({ id: 'garage', satellite: 'garage', plugged: true, soc: { percent: 40 } });
    expect(errors(garage)).toEqual([]);
    garage.close();
    await eventually(() => hub.current.ev?.chargers[0]?.plugged === false, 'offline once the link ended');
    expect(hub.current.ev!.chargers[0]).toMatchObject({ state: 'unknown', soc: null, problem: 'satellite garage: link to the meter lost' });
  });

  it('a viewer or the dashboard token cannot send it; another satellite cannot report the garage\'s charger', async () => {
    const { url, hub, lines } = await start();
    const garage = await hello(url, GARAGE, 'ev', 'garage');
    garage.send({ type: 'device-state', ev: { chargers: [CHARGER] } });
    await eventually(() => hub.current.ev?.chargers.length === 1, 'the garage charger at the meter');

    const viewer = await hello(url, VIEWER, 'ev', 'hall');
    viewer.send({ type: 'device-state', ev: { chargers: [{ ...CHARGER, id: 'hall' }] } });
    await viewer.until(() => errors(viewer).length === 1, 'the viewer refused');
    expect(errors(viewer)[0]).toMatchObject({ code: 'forbidden', message: 'viewer hall cannot report device state: only a satellite token can (digital-meter token --satellite NAME)' });

    const dashboard = await hello(url, DASHBOARD_TOKEN, 'ev');
    dashboard.send({ type: 'device-state', ev: { chargers: [{ ...CHARGER, id: 'desk' }] } });
    await dashboard.until(() => errors(dashboard).length === 1, 'the dashboard token refused');
    expect(errors(dashboard)[0]).toMatchObject({ code: 'forbidden' });

    const shed = await hello(url, SHED, 'ev', 'shed');
    shed.send({ type: 'device-state', ev: { chargers: [{ ...CHARGER, plugged: false }] } });
    await shed.until(() => errors(shed).length === 1, 'the shed refused');
    expect(errors(shed)[0]).toMatchObject({ code: 'forbidden', message: 'device garage is already reported by satellite garage, not shed' });
    // the meter's state still shows only the garage's charger, still plugged
    expect(hub.current.ev!.chargers.map((c) => [c.id, c.satellite, c.plugged])).toEqual([['garage', 'garage', true]]);
    // the clash is in the meter's log naming both
    expect(lines.some((l) => l.msg === 'device garage is already reported by satellite garage, not shed')).toBe(true);
  });

  it('a malformed or oversized section is refused as a bad message, not merged', async () => {
    const { url, hub } = await start();
    const garage = await hello(url, GARAGE, 'ev', 'garage');
    garage.send({ type: 'device-state', ev: { chargers: [{ id: 'garage' }] } });
    await garage.until(() => errors(garage).length === 1, 'refused');
    expect(errors(garage)[0]).toMatchObject({ code: 'bad-message' });
    // 17 chargers: one more than a satellite may file demands for
    garage.send({ type: 'device-state', ev: { chargers: Array.from({ length: 17 }, (_, i) => ({ ...CHARGER, id: `c${i}` })) } });
    await garage.until(() => errors(garage).length === 2, 'refused');
    expect(errors(garage)[1]).toMatchObject({ code: 'bad-message' });
    expect(hub.current.ev).toBeUndefined();
  });
});
