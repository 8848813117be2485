import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { issueNamedToken } from '../../../main/bus/named-tokens.js';
import { applyChanges } from '../../../shared/bus/delta.js';
import type { BusState } from '../../../shared/state.js';
import { ChargerSimulator } from '../../../main/ev/simulator/server.js';
import { freePort } from '../../support/mosquitto.js';
import { waitFor } from '../../support/scaled-timers.js';
import { startServe, type ServeProcess } from '../../support/serve-process.js';
import { WsProbe } from '../../support/ws-probe.js';

/**
 * The EV role as users run it: `digital-meter serve` with a configuration, beside the meter in
 * one process, and as a satellite (`serve --roles ev` with the meter's address and token) in a
 * second process talking to the meter over the websocket. The charger is the simulator on real
 * HTTP in this test's process; the car is in mode "now", so a grant must reach the charger as
 * a 16 A command. Real time, real processes: generous timeouts.
 */
const processes: ServeProcess[] = [];
let sim: ChargerSimulator | null = null;
afterEach(async () => {
  for (const p of processes.splice(0).reverse()) await p.stop();
  await sim?.close();
  sim = null;
});

function configFile(dir: string, name: string, config: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

const ev = (url: string) => ({
  cars: [{ id: 'car_1', name: 'Zoe', batteryKwh: 52 }],
  chargers: [{ id: 'garage', type: 'nrgkick', url, car: 'car_1', mode: 'now' }],
});
const meterPart = { p1: { type: 'simulator', seed: 3, speed: 1, grid: '3x400' }, site: { fuse: { grid: '3x400', phases: 3, amps: 40 } } };

async function chargerSim(): Promise<{ sim: ChargerSimulator; url: string }> {
  sim = new ChargerSimulator({ grid: '3x400' });
  const url = await sim.listen();
  sim.plug({ batteryKwh: 52, maxPhases: 3, maxCurrentA: 16, socPercent: 40 });
  return { sim, url };
}

/**
 * A meter that knows car_1 (ev.cars, no chargers of its own) and reads its trips, and a garage
 * satellite `garage-pi` charging it in `mode`; a dashboard-token probe on each, and each one's
 * bus state as its probe has seen it.
 */
async function meterAndGarage(prefix: string, url: string, mode: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const cars = [{ id: 'car_1', name: 'Zoe', batteryKwh: 52, tripNeed: '80%' }];
  const meterFile = configFile(dir, 'meter.json', { ...meterPart, dataDir: join(dir, 'meter-data'), roles: ['meter'], log: { level: 'warn', file: false }, ev: { cars } });
  const satelliteToken = issueNamedToken(join(dir, 'meter-data'), 'satellite', 'garage-pi').token;
  const meter = await startServe(['--config', meterFile, '--port', String(await freePort())], { home: join(dir, 'meter') });
  processes.push(meter);
  const satFile = configFile(dir, 'satellite.json', {
    roles: ['ev'], log: { level: 'warn', file: false }, bus: { meter: { url: `${meter.origin.replace('http', 'ws')}/ws`, token: satelliteToken, name: 'garage-pi' } },
    ev: { cars, chargers: [{ id: 'garage', type: 'nrgkick', url, car: 'car_1', mode }], grid: '3x400' },
  });
  const satellite = await startServe(['--config', satFile, '--port', String(await freePort())], { home: join(dir, 'sat') });
  processes.push(satellite);
  // the dashboard's token (printed by serve) may change things
  const atMeter = await WsProbe.hello(`${meter.origin.replace('http', 'ws')}/ws`, meter.token);
  const atSatellite = await WsProbe.hello(`${satellite.origin.replace('http', 'ws')}/ws`, satellite.token);
  return { satellite, atMeter, atSatellite, meterState: () => stateSeenBy(atMeter), satelliteState: () => stateSeenBy(atSatellite) };
}

/** the bus state a probe has been sent: its snapshot with every delta since applied */
function stateSeenBy(probe: WsProbe): BusState {
  let state = {} as BusState;
  for (const m of probe.json()) {
    if (m.type === 'snapshot') state = m.state as BusState;
    if (m.type === 'delta') state = applyChanges(state, m as never);
  }
  return state;
}

describe('EV role in serve', () => {
  it('beside the meter: the charger gets 16 A within seconds of the first telegrams', async () => {
    const { sim, url } = await chargerSim();
    const dir = mkdtempSync(join(tmpdir(), 'dm-ev-'));
    const file = configFile(dir, 'config.json', { ...meterPart, roles: ['meter', 'ev'], log: { level: 'warn', file: false }, ev: ev(url) });
    processes.push(await startServe(['--config', file, '--port', String(await freePort())], { home: dir }));
    await waitFor('16 A at the charger', () => sim.current().currentSetA === 16 && !sim.current().paused, 30_000);
  }, 60_000);

  it('as a satellite over the websocket: the same command, and the pause when the meter goes away', async () => {
    const { sim, url } = await chargerSim();
    const dir = mkdtempSync(join(tmpdir(), 'dm-ev-sat-'));
    const meterFile = configFile(dir, 'meter.json', { ...meterPart, dataDir: join(dir, 'meter-data'), roles: ['meter'], log: { level: 'warn', file: false } });
    // the garage's own satellite token (digital-meter token --satellite garage-pi): the dashboard token may not file demands
    const satelliteToken = issueNamedToken(join(dir, 'meter-data'), 'satellite', 'garage-pi').token;
    const meter = await startServe(['--config', meterFile, '--port', String(await freePort())], { home: join(dir, 'meter') });
    processes.push(meter);
    const satFile = configFile(dir, 'satellite.json', {
      roles: ['ev'], log: { level: 'warn', file: false }, bus: { meter: { url: `${meter.origin.replace('http', 'ws')}/ws`, token: satelliteToken, name: 'garage-pi' } },
      ev: { ...ev(url), grid: '3x400' },
    });
    const satellite = await startServe(['--config', satFile, '--port', String(await freePort())], { home: join(dir, 'sat') });
    processes.push(satellite);
    await waitFor('16 A at the charger', () => sim.current().currentSetA === 16 && !sim.current().paused, 30_000);
    // the meter stops: no grants, so the satellite pauses the charger on its own within 3 s (+ a poll)
    await meter.stop();
    await waitFor('paused', () => sim.current().paused, 15_000);
    expect(sim.current().paused).toBe(true);
  }, 90_000);

  it('as a satellite in smart mode: waits for register 2, and charges when the meter switches to it', async () => {
    // a single-phase car (6 A = 1.38 kW) so that the quarter's budget at night has room for it
    sim = new ChargerSimulator({ grid: '3x400' });
    const url = await sim.listen();
    sim.plug({ batteryKwh: 52, maxPhases: 1, maxCurrentA: 16, socPercent: 40 });
    const charger = sim;
    const dir = mkdtempSync(join(tmpdir(), 'dm-ev-sat-tariff-'));
    // Wednesday 18 June 2025, 21:59:35 in Brussels: register 1 (day) for 25 s, then 2 (night).
    // This simulated house (seed 3) draws under 0.45 kW after 22:00, so the quarter's 2.5 kW
    // minimum target leaves the car's 1.38 kW (6 A on one phase) room
    const p1 = { type: 'simulator', seed: 3, speed: 1, grid: '3x400', start: '2025-06-18T21:59:35' };
    const meterFile = configFile(dir, 'meter.json', { ...meterPart, p1, dataDir: join(dir, 'meter-data'), roles: ['meter'], log: { level: 'warn', file: false } });
    const satelliteToken = issueNamedToken(join(dir, 'meter-data'), 'satellite', 'garage-pi').token;
    const meterStarted = Date.now();
    const meter = await startServe(['--config', meterFile, '--port', String(await freePort())], { home: join(dir, 'meter') });
    processes.push(meter);
    const satFile = configFile(dir, 'satellite.json', {
      roles: ['ev'], log: { level: 'warn', file: false }, bus: { meter: { url: `${meter.origin.replace('http', 'ws')}/ws`, token: satelliteToken, name: 'garage-pi' } },
      ev: { cars: [{ id: 'car_1', name: 'Zoe', batteryKwh: 52, maxPhases: 1 }], chargers: [{ id: 'garage', type: 'nrgkick', url, car: 'car_1', mode: 'smart' }], grid: '3x400' },
    });
    const satellite = await startServe(['--config', satFile, '--port', String(await freePort())], { home: join(dir, 'sat') });
    processes.push(satellite);
    // the satellite reads the charger while the day register holds, and allows it no current
    await waitFor('the satellite polling the charger', () => charger.requests.some((r) => r.path === '/values'), 20_000);
    const drawing = () => !charger.current().paused && charger.current().currentSetA >= 6 && charger.powerKw() > 1;
    expect(drawing()).toBe(false);
    // 22:00: the meter's telegrams say register 2; the satellite's mirror carries it to the EV role
    await waitFor('charging on register 2', drawing, 60_000);
    // not before the switch: the meter's clock started 25 s before 22:00 (speed 1; 5 s of slack
    // for the process starting after meterStarted was taken)
    expect(Date.now() - meterStarted).toBeGreaterThan(20_000);
  }, 120_000);

  it('as a satellite: the meter\'s trips are mirrored, and a sudden trip asked at the meter is charged for on the satellite', async () => {
    const { sim, url } = await chargerSim();
    // mode "solar": without the sudden trip it charges from surplus only
    const { atMeter, atSatellite, satelliteState } = await meterAndGarage('dm-ev-trips-sat-', url, 'solar');
    // a sudden trip at the meter, an hour from now; the satellite's car (SoC unknown: the whole 80% counts) is charged at once
    const by = Date.now() + 3_600_000;
    atMeter.send({ type: 'command', id: 'sudden', name: 'trips.sudden', args: { car: 'car_1', by } });
    await atSatellite.until(() => satelliteState().trips?.next[0]?.trip?.urgent === true, 'the sudden trip mirrored on the satellite', 30_000);
    await atSatellite.until(() => satelliteState().ev?.chargers[0]?.trip?.id === `sudden:car_1:${by}`, 'the satellite charging for it', 30_000);
    // in solar mode a sudden trip still charges at once: 16 A
    await waitFor('16 A at the charger', () => sim.current().currentSetA === 16 && !sim.current().paused, 30_000);
    atMeter.close();
    atSatellite.close();
  }, 90_000);

  it('as a satellite: the meter shows its charger and plans its car, before and with a trip', async () => {
    const { url } = await chargerSim();
    // mode "off": the car draws nothing, so its SoC stays at the 40 % the user gives
    const { satellite, atMeter, atSatellite, meterState } = await meterAndGarage('dm-ev-plan-sat-', url, 'off');
    // the user reads 40 % on the car and says so on the satellite's dashboard
    await atSatellite.until(() => atSatellite.json().some((m) => m.type === 'snapshot'), 'the satellite\'s snapshot', 10_000);
    atSatellite.send({ type: 'command', id: 'soc', name: 'ev.soc', args: { charger: 'garage', percent: 40 } });
    await atSatellite.until(() => atSatellite.json().some((m) => m.id === 'soc' && m.ok === true), 'the SoC taken', 10_000);

    // the meter's ev shows the satellite's charger: plugged, 40 % from the user, and where it runs
    await atMeter.until(() => meterState().ev?.chargers[0]?.soc?.percent === 40, 'the garage charger at the meter with 40 %', 30_000);
    expect(meterState().ev!.chargers[0]).toMatchObject({ id: 'garage', satellite: 'garage-pi', plugged: true, soc: { percent: 40, source: 'user' }, mode: 'off' });

    // a car with no trip is planned too: on its charger, plugged, at 40 %
    const plannedCar = () => meterState().plan?.cars.find((c) => c.id === 'car_1');
    await atMeter.until(() => plannedCar()?.plugged === true && plannedCar()?.socPct === 40, 'the car planned, plugged at 40 %', 30_000);
    expect(plannedCar()).toMatchObject({ charger: 'garage', plugged: true, socPct: 40, departures: [] });

    // a trip three hours from now needing 80 % (the car's tripNeed): 52 kWh x (80 - 40) % = 20.8 kWh
    // into the battery, 20.8 / 0.9 (the default efficiency) = 23.11 kWh from the grid, all before
    // the departure. Three hours at 11.04 kW (16 A x 3 x 230 V) could give 33 kWh: it can be met.
    const by = Date.now() + 3 * 3_600_000;
    atMeter.send({ type: 'command', id: 'sudden', name: 'trips.sudden', args: { car: 'car_1', by } });
    // (a plan made while the satellite's state was on its way may still lack the car's 40 %: the
    // next one has both)
    await atMeter.until(() => (plannedCar()?.departures.length ?? 0) > 0 && plannedCar()?.socPct === 40, 'the trip in the plan, the car at 40 %', 30_000);
    const plan = meterState().plan!;
    const index = plan.cars.findIndex((c) => c.id === 'car_1');
    const departure = plan.cars[index]!.departures[0]!;
    expect(departure).toMatchObject({ wantedPct: 80, met: true, shortKwh: 0 });
    const beforeDeparture = plan.quarters.filter((q) => q.start < departure.time).reduce((sum, q) => sum + q.carKwh[index]!, 0);
    expect(beforeDeparture).toBeGreaterThan(23.11 - 0.05);
    expect(beforeDeparture).toBeLessThan(23.11 + 0.3);
    // no problem said about the trip
    expect(plan.problems.filter((p) => p.car === 'car_1')).toEqual([]);

    // the meter's dashboard cannot set the satellite's charger's mode: it is told where to
    atMeter.send({ type: 'command', id: 'mode', name: 'ev.mode', args: { charger: 'garage', mode: 'now' } });
    await atMeter.until(() => atMeter.json().some((m) => m.id === 'mode'), 'the answer to ev.mode', 10_000);
    expect(atMeter.json().find((m) => m.id === 'mode')).toMatchObject({
      ok: false, error: { code: 'bad-arguments', message: 'garage-pi\'s charger garage: set its mode on that satellite (its own dashboard)' },
    });

    // the satellite stops: its charger stays listed at the meter, offline (plug and SoC unknown),
    // and the plan no longer counts the car as plugged in at 40 %
    await satellite.stop();
    await atMeter.until(() => meterState().ev?.chargers[0]?.problem === 'satellite garage-pi: link to the meter lost', 'the charger offline at the meter', 15_000);
    expect(meterState().ev!.chargers[0]).toMatchObject({ id: 'garage', plugged: false, state: 'unknown', soc: null, reason: { code: 'satellite-offline' } });
    await atMeter.until(() => plannedCar()?.plugged === false, 'the plan without the plugged car', 30_000);
    expect(plannedCar()).toMatchObject({ plugged: false, socPct: null });
    atMeter.close();
    atSatellite.close();
  }, 120_000);
});
