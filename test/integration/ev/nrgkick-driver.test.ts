import { afterEach, describe, expect, it } from 'vitest';
import { NrgkickCharger } from '../../../main/ev/nrgkick/charger.js';
import { createNrgkickLink } from '../../../main/ev/nrgkick/link.js';
import { ChargerSimulator } from '../../../main/ev/simulator/server.js';
import { ManualTimers } from '../../support/manual-timers.js';
import { waitFor } from '../../support/scaled-timers.js';

/**
 * The NRGkick driver against the charger simulator over real HTTP on loopback. The driver's
 * clock is a ManualTimers (time moves when the test says); the HTTP answers are real, so each
 * step waits (really, generously) for the answer to arrive.
 */
const CAR = { batteryKwh: 60, maxPhases: 3 as const, maxCurrentA: 16, socPercent: 50 };

let sim: ChargerSimulator | null = null;
let charger: NrgkickCharger | null = null;
afterEach(async () => {
  await charger?.stop();
  await sim?.close();
  sim = null;
  charger = null;
});

async function setup(options: { auth?: { username: string; password: string }; username?: string; password?: string; timeoutMs?: number } = {}) {
  const timers = new ManualTimers(0);
  sim = new ChargerSimulator({ grid: '3x400', auth: options.auth ?? null, now: () => timers.now(), phaseSwitching: true });
  const url = await sim.listen();
  const link = createNrgkickLink({ baseUrl: url, username: options.username, password: options.password, timeoutMs: options.timeoutMs ?? 2000 });
  charger = new NrgkickCharger({ id: 'garage', link, timers, maxCurrentA: 16, pollMs: 1500, phaseSwitching: true, random: () => 0 });
  return { timers, sim, charger };
}

const writes = (s: ChargerSimulator) => s.requests.filter((r) => r.path === '/control' && Object.keys(r.query).length > 0);

describe('NRGkick driver over HTTP', () => {
  it('the simulator stamps each request with its injected wall clock', async () => {
    sim = new ChargerSimulator({ grid: '3x400', auth: null, now: () => 0, wallNow: () => 1_790_000_000_000 });
    const url = await sim.listen();
    const answer = await fetch(`${url}/info`);
    expect(answer.status).toBe(200);
    expect(sim.requests.map((r) => [r.path, r.atMs])).toEqual([['/info', 1_790_000_000_000]]);
  });

  it('reads the car, sets a current once, and does not repeat an unchanged command', async () => {
    const { timers, sim, charger } = await setup({ auth: { username: 'u', password: 'p' }, username: 'u', password: 'p' });
    sim.plug(CAR);
    charger.start();
    await waitFor('first reading', () => charger.reading() !== null);
    expect(charger.reading()!.state).toBe('connected');
    charger.command({ currentA: 10 });
    await waitFor('current set', () => sim.current().currentSetA === 10 && !sim.current().paused);
    charger.command({ currentA: 10 });
    charger.command({ currentA: 10.01 });
    timers.advance(4000); // 3 s ramp: 10 A reached (5 A/s)
    await waitFor('charging reading', () => charger.reading()?.state === 'charging' && charger.reading()!.atMonoMs >= 3000);
    // one write only: the repeats equal what the charger confirmed
    expect(writes(sim)).toHaveLength(1);
    expect(writes(sim)[0].query).toEqual({ current_set: '10', charge_pause: '0' });
    // 3 phases x 230 V x 10 A = 6.9 kW once the ramp is done
    timers.advance(1500);
    await waitFor('reading after ramp', () => charger.reading()!.atMonoMs >= 5500);
    expect(charger.reading()!.powerKw).toBeCloseTo(6.9, 2);
    expect(charger.health()).toMatchObject({ ok: true, problem: null });
  });

  it('below 6 A pauses instead of setting less', async () => {
    const { sim, charger } = await setup();
    sim.plug(CAR);
    charger.start();
    charger.command({ currentA: 8 });
    await waitFor('running', () => !sim.current().paused && sim.current().currentSetA === 8);
    charger.command({ currentA: 4 });
    await waitFor('paused', () => sim.current().paused);
    expect(sim.current().currentSetA).toBe(8);
    expect(writes(sim).at(-1)!.query).toEqual({ charge_pause: '1' });
  });

  it('401 with wrong credentials is surfaced with what to check, and clears when they are right', async () => {
    const { charger } = await setup({ auth: { username: 'u', password: 'right' }, username: 'u', password: 'wrong' });
    charger.start();
    await waitFor('auth problem', () => charger.health().problem === 'auth');
    expect(charger.health().message).toMatch(/refused our credentials \(HTTP 401\).*Authentication \(JSON\)/);
    expect(charger.health().ok).toBe(false);
  });

  it('405 (the charger\'s own solar mode) is explained and backed off for 30 s, then control resumes when it is switched off', async () => {
    const { timers, sim, charger } = await setup();
    sim.plug(CAR);
    sim.faults.solarMode = true;
    charger.start();
    await waitFor('first reading', () => charger.reading() !== null);
    charger.command({ currentA: 10 });
    await waitFor('solar-mode problem', () => charger.health().problem === 'solar-mode');
    expect(charger.health().message).toMatch(/switch off solar charging in the NRGkick app/);
    const tried = writes(sim).length;
    // polls continue every 1.5 s, but no command is sent again within the 30 s back-off
    for (let i = 0; i < 10; i++) { timers.advance(2000); await new Promise((r) => setTimeout(r, 20)); }
    expect(writes(sim).length).toBe(tried);
    sim.faults.solarMode = false;
    timers.advance(15_000);
    await waitFor('control back', () => sim.current().currentSetA === 10 && charger.health().ok, 10_000);
  });

  it('an answer that echoes a different value is a read-back error, and the command is retried', async () => {
    const { timers, sim, charger } = await setup();
    sim.plug(CAR);
    sim.faults.echoOffsetA = 2;
    charger.start();
    await waitFor('first reading', () => charger.reading() !== null);
    charger.command({ currentA: 10 });
    await waitFor('read-back problem', () => charger.health().problem === 'read-back');
    expect(charger.health().message).toMatch(/told current_set=10 but answered current_set=8/);
    sim.faults.echoOffsetA = 0;
    timers.advance(1000);
    await waitFor('recovered', () => charger.health().ok && sim.current().currentSetA === 10);
  });

  it('a slow charger (3 s) times out, an unreachable one says so, and both recover', async () => {
    const { timers, sim, charger } = await setup({ timeoutMs: 300 });
    sim.plug(CAR);
    sim.faults.delayMs = 3000;
    charger.start();
    await waitFor('timeout problem', () => charger.health().problem === 'timeout');
    expect(charger.health().message).toMatch(/did not answer \/values within 0.3 s/);
    sim.faults.delayMs = 0;
    sim.faults.drop = true;
    timers.advance(2000);
    await waitFor('unreachable problem', () => charger.health().problem === 'unreachable');
    expect(charger.health().message).toMatch(/cannot reach NRGkick at 127\.0\.0\.1/);
    sim.faults.drop = false;
    timers.advance(20_000);
    await waitFor('healthy again', () => charger.health().ok, 10_000);
  });

  it('switches phases only when enabled, and not again within the guard time', async () => {
    const { timers, sim, charger } = await setup();
    sim.plug(CAR);
    charger.start();
    await waitFor('first reading', () => charger.reading() !== null);
    charger.switchPhases(1);
    await waitFor('one phase', () => sim.current().phaseCount === 1);
    timers.advance(60_000);
    charger.switchPhases(3);
    await new Promise((r) => setTimeout(r, 100));
    expect(sim.current().phaseCount).toBe(1);
    timers.advance(60_000); // 120 s since the first switch: the guard is over
    await waitFor('three phases', () => sim.current().phaseCount === 3);
  });

  it('stop delivers the pause first: after a command still in flight, and instead of waiting for a retry', async () => {
    const { sim, charger } = await setup();
    sim.plug(CAR);
    charger.start();
    await waitFor('first reading', () => charger.reading() !== null);
    // a slow charger: the 10 A command is still on its way when the shutdown pauses and stops
    sim.faults.delayMs = 300;
    charger.command({ currentA: 10 });
    await waitFor('10 A on its way', () => charger.requestsInFlight() > 0 && writes(sim).length === 1);
    charger.command({ currentA: 0 });
    await charger.stop();
    // stop() resolved only once the charger had answered the pause: nothing left to wait for here
    expect(sim.current().paused).toBe(true);
    expect(writes(sim).map((w) => w.query)).toEqual([{ current_set: '10', charge_pause: '0' }, { charge_pause: '1' }]);
  });

  it('stop sends a pause that waits for its retry at once, and tries only once', async () => {
    const { sim, charger } = await setup();
    sim.plug(CAR);
    charger.start();
    await waitFor('first reading', () => charger.reading() !== null);
    charger.command({ currentA: 10 });
    await waitFor('10 A set', () => sim.current().currentSetA === 10 && !sim.current().paused);
    // the pause fails once (HTTP 500): its retry waits 1 s on the driver's manual clock, which never moves here
    sim.faults.httpStatus = 500;
    charger.command({ currentA: 0 });
    await waitFor('pause refused', () => charger.health().ok === false && charger.requestsInFlight() === 0);
    sim.clearFaults();
    await charger.stop();
    expect(sim.current().paused).toBe(true);
    expect(writes(sim).map((w) => w.query)).toEqual([
      { current_set: '10', charge_pause: '0' }, { charge_pause: '1' }, { charge_pause: '1' },
    ]);
    await sim.close();
    // a charger that refuses at the stop: one try, then stop() returns
    const { sim: gone, charger: second } = await setup();
    gone.plug(CAR);
    second.start();
    await waitFor('first reading', () => second.reading() !== null);
    second.command({ currentA: 10 });
    await waitFor('10 A set', () => gone.current().currentSetA === 10);
    gone.faults.httpStatus = 500;
    second.command({ currentA: 0 });
    await second.stop();
    expect(writes(gone).filter((w) => w.query.charge_pause === '1')).toHaveLength(1);
  });
});
