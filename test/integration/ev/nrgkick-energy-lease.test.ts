import { afterEach, describe, expect, it } from 'vitest';
import { NrgkickCharger } from '../../../main/ev/nrgkick/charger.js';
import { createNrgkickLink } from '../../../main/ev/nrgkick/link.js';
import { ChargerSimulator } from '../../../main/ev/simulator/server.js';
import { ManualTimers } from '../../support/manual-timers.js';
import { waitFor } from '../../support/scaled-timers.js';

/**
 * The NRGkick's energy limit as a dead-man, over real HTTP on loopback: the simulator stops the
 * car at the limit and resumes it when the limit is raised; the driver's lease keeps the limit
 * ahead of the car while it lives, and when it dies the charger stops the car by itself.
 *
 * The simulator's clock and the driver's clock are separate: in step they move together; a
 * "dead" driver is one whose clock no longer moves (no poll, no write) while the car's does.
 *
 * Figures by hand: a car at 16 A on 3 x 400 V draws 3 x 230 V x 16 A = 11.04 kW = 3.067 Wh/s.
 * It ramps at 5 A/s (0 -> 16 A in 3.2 s, about 4.9 Wh) and falls at 20 A/s (0.8 s, about 1.2 Wh).
 * The lease here: 15 s at 11.04 kW = 11.04 x 15 / 3.6 = 46 Wh, renewed every 5 s.
 */
const CAR = { batteryKwh: 60, maxPhases: 3 as const, maxCurrentA: 16, socPercent: 50 };
const LEASE = { seconds: 15, minWh: 20, renewSeconds: 5 };

let sim: ChargerSimulator | null = null;
const drivers: NrgkickCharger[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.stop();
  await sim?.close();
  sim = null;
});

async function control(url: string, query: string): Promise<Record<string, number>> {
  const response = await fetch(`${url}/control?${query}`);
  return (await response.json()) as Record<string, number>;
}

async function values(url: string): Promise<{ energy: { charged_energy: number }; general: { status: string; warning_code: string }; powerflow: { total_active_power: number } }> {
  const response = await fetch(`${url}/values`);
  return (await response.json()) as Awaited<ReturnType<typeof values>>;
}

describe('charger simulator: the energy limit over HTTP', () => {
  it('stops the car when the session reaches the limit, says ENERGY_LIMIT_REACHED, and resumes when it is raised or removed', async () => {
    let now = 0;
    sim = new ChargerSimulator({ grid: '3x400', now: () => now });
    const url = await sim.listen();
    sim.plug(CAR);
    expect(await control(url, 'current_set=16&charge_pause=0&energy_limit=50')).toMatchObject({ energy_limit: 50, charge_pause: 0 });
    // 10 s: 4.9 Wh of ramp + 6.8 s x 3.067 Wh/s = 25.8 Wh, charging at full power
    now = 10_000;
    let v = await values(url);
    expect(v.general).toMatchObject({ status: 'CHARGING', warning_code: 'NO_WARNING' });
    expect(v.powerflow.total_active_power).toBe(11040);
    expect(v.energy.charged_energy).toBe(26);
    // 50 Wh reached at 3.2 + (50 - 4.9) / 3.067 = 17.9 s, the car off 0.8 s later; 1.2 Wh more on the way down
    now = 20_000;
    v = await values(url);
    expect(v.general).toMatchObject({ status: 'CONNECTED', warning_code: 'ENERGY_LIMIT_REACHED' });
    expect(v.powerflow.total_active_power).toBe(0);
    expect(v.energy.charged_energy).toBe(51);
    // nothing more while it stands
    now = 60_000;
    expect((await values(url)).energy.charged_energy).toBe(51);
    // raised to 100 Wh: charging again, at full power after the 3.2 s ramp
    await control(url, 'energy_limit=100');
    now = 65_000;
    v = await values(url);
    expect(v.general).toMatchObject({ status: 'CHARGING', warning_code: 'NO_WARNING' });
    expect(v.powerflow.total_active_power).toBe(11040);
    // reached again (51 + 4.9 ramp + 3.067 Wh/s: 100 Wh at 63.2 + 14.4 = 77.6 s), then the limit removed
    now = 80_000;
    expect((await values(url)).general.warning_code).toBe('ENERGY_LIMIT_REACHED');
    await control(url, 'energy_limit=0');
    now = 85_000;
    v = await values(url);
    expect(v.general).toMatchObject({ status: 'CHARGING', warning_code: 'NO_WARNING' });
    // a limit the charger cannot hold is refused
    expect((await fetch(`${url}/control?energy_limit=-1`)).status).toBe(400);
  });
});

describe('NRGkick driver: the energy lease', () => {
  async function setup() {
    let simMs = 0;
    sim = new ChargerSimulator({ grid: '3x400', now: () => simMs });
    const url = await sim.listen();
    const s = sim;
    const start = (atMs: number, timeoutMs = 2000) => {
      const timers = new ManualTimers(atMs);
      const driver = new NrgkickCharger({ id: 'garage', link: createNrgkickLink({ baseUrl: url, timeoutMs }), timers, maxCurrentA: 16, pollMs: 1500, random: () => 0, grid: '3x400', energyLease: LEASE });
      drivers.push(driver);
      driver.start();
      const settle = () => waitFor('the driver settled', () => driver.requestsInFlight() === 0 && (driver.reading()?.atMonoMs ?? -1) === timers.now());
      return { timers, driver, settle };
    };
    return {
      sim: s, url, start,
      /** the car's clock alone (a dead controller) */
      carOnly: (ms: number) => { simMs += ms; },
      moveCar: (ms: number) => { simMs += ms; },
    };
  }
  const limitWrites = (s: ChargerSimulator) => s.requests.filter((r) => r.path === '/control' && 'energy_limit' in r.query);

  it('keeps the limit ahead of the car while it lives; dead, the charger stops the car within the lease; restarted, it resumes', async () => {
    const rig = await setup();
    rig.sim.plug(CAR);
    const a = rig.start(0);
    await a.settle();
    a.driver.command({ currentA: 16 });
    await waitFor('the lease written', () => limitWrites(rig.sim).length === 1 && a.driver.requestsInFlight() === 0);
    // the current first, alone; then the lease: 0 Wh charged + 46 Wh
    const writes = rig.sim.requests.filter((r) => r.path === '/control' && Object.keys(r.query).length > 0);
    expect(writes.map((w) => w.query)).toEqual([{ current_set: '16', charge_pause: '0' }, { energy_limit: '46' }]);
    // alive for 60 s: the car never stops, the lease is renewed about every 5 s (the poll after 5 s: every 6 s)
    for (let t = 1500; t <= 60_000; t += 1500) {
      rig.moveCar(1500);
      a.timers.advance(1500);
      await a.settle();
      expect(rig.sim.warningCode()).toBe('NO_WARNING');
    }
    expect(rig.sim.powerKw()).toBeCloseTo(11.04, 2);
    // 60 s of polls at 1.5 s, a renewal on the first poll 5 s after the last: at 6, 12, ... 60 s: 10 more
    expect(limitWrites(rig.sim)).toHaveLength(11);
    // dead: its clock stops, the car's goes on. The last lease was set at 60 s from the energy read
    // then (46 Wh ahead), so the car stops 46 / 3.067 = 15 s later at the most, and 0.8 s to fall
    const limit = rig.sim.current().energyLimitWh;
    const chargedAtDeath = rig.sim.model.sessionWh;
    expect(limit - chargedAtDeath).toBeLessThanOrEqual(46);
    let stoppedAfterMs: number | null = null;
    for (let ms = 100; ms <= 30_000; ms += 100) {
      rig.carOnly(100);
      if (rig.sim.powerKw() === 0) { stoppedAfterMs = ms; break; }
    }
    expect(stoppedAfterMs).not.toBeNull();
    expect(stoppedAfterMs!).toBeLessThanOrEqual(15_800);
    expect(rig.sim.warningCode()).toBe('ENERGY_LIMIT_REACHED');
    // it charged the lease and the fall, no more: 1.2 Wh past the limit
    expect(rig.sim.model.sessionWh).toBeLessThan(limit + 1.5);
    rig.carOnly(30_000);
    expect(rig.sim.powerKw()).toBe(0);
    // a new process takes over: the limit it finds (reached) is a lease, not the user's; the car charges again
    const b = rig.start(1_000_000);
    await b.settle();
    expect(b.driver.reading()).toMatchObject({ state: 'connected' });
    expect(b.driver.health()).toMatchObject({ ok: true, problem: null });
    b.driver.command({ currentA: 16 });
    await waitFor('a new lease', () => rig.sim.current().energyLimitWh > limit && b.driver.requestsInFlight() === 0);
    // the energy charged (read at the last poll) + 46 Wh
    expect(rig.sim.current().energyLimitWh).toBe(Math.round(rig.sim.model.sessionWh) + 46);
    for (let t = 0; t < 4; t++) { rig.moveCar(1500); b.timers.advance(1500); await b.settle(); }
    expect(rig.sim.warningCode()).toBe('NO_WARNING');
    expect(rig.sim.powerKw()).toBeCloseTo(11.04, 2);
    // stopped in order: paused, and the lease taken off (no limit of the user's to keep)
    drivers.splice(drivers.indexOf(b.driver), 1);
    b.driver.command({ currentA: 0 });
    await b.driver.stop();
    expect(rig.sim.current()).toMatchObject({ paused: true, energyLimitWh: 0 });
  });

  it('keeps the user\'s own limit from the app when it is the lower, stops there without raising it, and leases again when the user raises theirs', async () => {
    const rig = await setup();
    rig.sim.plug(CAR);
    // the user's 5 kWh limit, set in the app before we start: far beyond one lease, so theirs
    await control(rig.url, 'energy_limit=5000');
    const a = rig.start(0);
    await a.settle();
    a.driver.command({ currentA: 16 });
    await waitFor('the lease written', () => rig.sim.current().energyLimitWh === 46 && a.driver.requestsInFlight() === 0);
    for (let t = 0; t < 4; t++) { rig.moveCar(1500); a.timers.advance(1500); await a.settle(); }
    // 6 s: 4.9 Wh of ramp + 2.8 s x 3.067 = 13.5 Wh charged; the user now sets 30 Wh in the app
    await control(rig.url, 'energy_limit=30');
    const userRequest = rig.sim.requests.length - 1;
    // the next renewal reads it first and keeps it: the lease never goes above 30 Wh again
    for (let t = 0; t < 20; t++) { rig.moveCar(1500); a.timers.advance(1500); await a.settle(); }
    expect(rig.sim.current().energyLimitWh).toBe(30);
    const after = rig.sim.requests.slice(userRequest + 1).filter((r) => r.path === '/control');
    // the renewal read the charger's limit, found the user's 30 Wh below its lease, and had nothing to write
    expect(after.filter((r) => Object.keys(r.query).length === 0).length).toBeGreaterThan(0);
    expect(after.filter((r) => 'energy_limit' in r.query)).toEqual([]);
    // stopped at the user's limit: a warning, not a fault
    expect(rig.sim.warningCode()).toBe('ENERGY_LIMIT_REACHED');
    expect(rig.sim.powerKw()).toBe(0);
    expect(a.driver.reading()).toMatchObject({ state: 'connected', powerKw: 0 });
    expect(a.driver.health()).toMatchObject({ ok: true, problem: null });
    // the user raises theirs to 3 kWh in the app: with no lease write to make, the driver reads the
    // charger's limit every 5 s while the user's holds it down, sees it, and its lease takes over
    await control(rig.url, 'energy_limit=3000');
    for (let t = 0; t < 8; t++) { rig.moveCar(1500); a.timers.advance(1500); await a.settle(); }
    expect(rig.sim.warningCode()).toBe('NO_WARNING');
    expect(rig.sim.powerKw()).toBeCloseTo(11.04, 2);
    // a lease again: the energy charged then + 46 Wh at most, far below the user's 3000 Wh
    expect(rig.sim.current().energyLimitWh - rig.sim.model.sessionWh).toBeLessThanOrEqual(46);
    // stopped in order: paused, and the user's limit put back as they set it
    drivers.splice(drivers.indexOf(a.driver), 1);
    a.driver.command({ currentA: 0 });
    await a.driver.stop();
    expect(rig.sim.current()).toMatchObject({ paused: true, energyLimitWh: 3000 });
  });

  it('a lease write whose answer never came but which the charger applied is not taken for the user\'s limit', async () => {
    const rig = await setup();
    rig.sim.plug(CAR);
    const a = rig.start(0);
    await a.settle();
    a.driver.command({ currentA: 16 });
    await waitFor('the lease written', () => rig.sim.current().energyLimitWh === 46 && a.driver.requestsInFlight() === 0);
    // the next lease write is carried out by the charger, but its answer is lost on the way
    let lost: number | null = null;
    rig.sim.onRequest((r) => {
      if (lost !== null || !('energy_limit' in r.query)) return;
      lost = Number(r.query.energy_limit);
      rig.sim.faults.loseAnswer = true;
      setImmediate(() => { rig.sim.faults.loseAnswer = false; });
    });
    for (let t = 0; t < 4; t++) { rig.moveCar(1500); a.timers.advance(1500); await a.settle(); }
    expect(lost).not.toBeNull();
    expect(rig.sim.current().energyLimitWh).toBe(lost);
    expect(a.driver.health().problem).toBe('unreachable');
    // 40 s on: the lease goes on above the value that was applied unseen (not held down to it), the car never stops
    for (let t = 0; t < 27; t++) {
      rig.moveCar(1500); a.timers.advance(1500); await a.settle();
      expect(rig.sim.warningCode()).toBe('NO_WARNING');
    }
    expect(rig.sim.powerKw()).toBeCloseTo(11.04, 2);
    expect(rig.sim.current().energyLimitWh - rig.sim.model.sessionWh).toBeLessThanOrEqual(46);
    expect(a.driver.health()).toMatchObject({ ok: true, problem: null });
  });
});
