import { afterEach, describe, expect, it } from 'vitest';
import { carSchema, evControlSchema } from '../../../main/config/ev-schema.js';
import { ChargerLoop } from '../../../main/ev/charger-loop.js';
import { NrgkickCharger } from '../../../main/ev/nrgkick/charger.js';
import { createNrgkickLink } from '../../../main/ev/nrgkick/link.js';
import { ChargerSimulator } from '../../../main/ev/simulator/server.js';
import { ManualTimers } from '../../support/manual-timers.js';
import { waitFor } from '../../support/scaled-timers.js';
import { ScriptedSiteLink } from '../../support/scripted-site-link.js';

/**
 * One charger's loop (controller + NRGkick driver) against the charger simulator over real HTTP,
 * with grants sent by the test through a scripted SiteLink (the broker's tests cover how grants
 * are decided). The clock is manual: the loop, the driver and the simulated car share it.
 * Each fault must lead to the safe state with a message saying what is wrong, and recover.
 */
const car = carSchema.parse({ id: 'car_1', name: 'Zoe', batteryKwh: 60, maxPhases: 3, maxCurrentA: 16 });
const CAR_AT = (socPercent: number) => ({ batteryKwh: 60, maxPhases: 3 as const, maxCurrentA: 16, socPercent });

let sim: ChargerSimulator | null = null;
let loop: ChargerLoop | null = null;
afterEach(async () => {
  await loop?.stop();
  await sim?.close();
  loop = null;
  sim = null;
});

async function setup(timeoutMs = 2000) {
  const timers = new ManualTimers(0);
  sim = new ChargerSimulator({ grid: '3x400', now: () => timers.now() });
  const url = await sim.listen();
  const charger = new NrgkickCharger({ id: 'garage', link: createNrgkickLink({ baseUrl: url, timeoutMs }), timers, maxCurrentA: 16, random: () => 0 });
  const link = new ScriptedSiteLink(() => timers.now());
  loop = new ChargerLoop({
    setup: { device: 'garage', grid: '3x400', firstPhase: 1, safeCurrentA: 0, control: evControlSchema.parse({}) },
    charger, link, timers, cars: [car], carId: 'car_1', mode: 'smart',
  });
  return { timers, sim, link, loop, charger };
}

/** a second of meter time: a grant (as the broker sends one per telegram), the clock moves, the answers arrive */
async function second(timers: ManualTimers, link: ScriptedSiteLink, kw: number | null): Promise<void> {
  if (kw !== null) link.grant('garage', kw);
  timers.advance(1000);
  await new Promise((resolve) => setTimeout(resolve, 15));
}

describe('charger loop over HTTP', () => {
  it('a car plugged in at 15% files an emergency demand and charges at once on the first grant', async () => {
    const { timers, sim, link, loop } = await setup();
    sim.plug(CAR_AT(15));
    loop.start();
    await waitFor('plugged reading', () => loop.state().plugged);
    expect(loop.state().socPrompt).toBe(true);
    loop.reportSoc(15, 'user');
    expect(link.demands.get('garage')).toMatchObject({ class: 'emergency', band: { minKw: 4.14, maxKw: 11.04 }, minRunKw: 4.14 });
    link.grant('garage', 11.04, { code: 'emergency', text: 'emergency' });
    await waitFor('16 A at the charger', () => sim.current().currentSetA === 16 && !sim.current().paused);
    // 3 s ramp to 16 A, then 3 x 230 V x 16 A = 11.04 kW
    for (let i = 0; i < 5; i++) await second(timers, link, 11.04);
    expect(sim.powerKw()).toBeCloseTo(11.04, 2);
    expect(loop.state().reason.text).toMatch(/^emergency: below 20%/);
  });

  it('a grant that stops coming pauses the charger within 3 s, and it charges again when grants return', async () => {
    const { timers, sim, link, loop } = await setup();
    sim.plug(CAR_AT(50));
    loop.start();
    await waitFor('plugged reading', () => loop.state().plugged);
    loop.reportSoc(50, 'user');
    link.grant('garage', 6.9);
    await waitFor('10 A', () => sim.current().currentSetA === 10 && !sim.current().paused);
    // no more grants (the meter or the broker went quiet): paused by the time 3 s have passed
    for (let i = 0; i < 3; i++) await second(timers, link, null);
    await waitFor('paused', () => sim!.current().paused);
    // the grant (valid 2.5 s) expired first; a grant is meter news too (it is issued on a telegram)
    expect(loop.state()).toMatchObject({ safe: true, reason: { code: 'safe-no-grant', text: 'the budget grant expired 3 s ago: paused' } });
    // one second more and the meter counts as stale (over 3 s)
    await second(timers, link, null);
    expect(loop.state()).toMatchObject({ safe: true, reason: { code: 'safe-meter-stale', text: 'no meter data for 4 s: paused' } });
    // grants again: after the minimum off time (60 s) it starts again
    for (let i = 0; i < 61; i++) await second(timers, link, 6.9);
    await waitFor('charging again', () => !sim!.current().paused);
    expect(loop.state().safe).toBe(false);
  });

  it('follows a restarted meter, whose grants are numbered from 1 again', async () => {
    const { timers, sim, link, loop } = await setup();
    sim.plug(CAR_AT(50));
    loop.start();
    await waitFor('plugged reading', () => loop.state().plugged);
    loop.reportSoc(50, 'user');
    // 100 seconds of grants of 6.9 kW (3 x 230 V x 10 A): numbered up to 100
    link.grant('garage', 6.9);
    await waitFor('10 A', () => sim.current().currentSetA === 10 && !sim.current().paused);
    for (let i = 0; i < 100; i++) await second(timers, link, 6.9);
    // the meter restarts: its first grant (number 1) cuts the car to 4.83 kW = 7 A, and it is
    // followed at once rather than ignored as older until the new meter's numbers pass 100
    link.restartMeter();
    link.grant('garage', 4.83);
    await waitFor('7 A on the restarted meter\'s first grant', () => sim.current().currentSetA === 7);
    for (let i = 0; i < 3; i++) await second(timers, link, 4.83);
    expect(loop.state()).toMatchObject({ safe: false });
    expect(sim.current()).toMatchObject({ currentSetA: 7, paused: false });
  });

  it('telegrams still arriving but no grant (the site withholds it): the grant expires, paused, and it recovers', async () => {
    const { timers, sim, link, loop } = await setup();
    sim.plug(CAR_AT(50));
    loop.start();
    await waitFor('plugged reading', () => loop.state().plugged);
    loop.reportSoc(50, 'user');
    link.grant('garage', 6.9);
    await waitFor('10 A', () => sim.current().currentSetA === 10 && !sim.current().paused);
    // the meter keeps sending (register 1) while no grant comes: valid for 2.5 s, so expired at 3 s
    for (let i = 0; i < 3; i++) { loop.meterSeen(1); await second(timers, link, null); }
    loop.meterSeen(1);
    loop.decide();
    await waitFor('paused', () => sim!.current().paused);
    expect(loop.state()).toMatchObject({ safe: true, reason: { code: 'safe-no-grant', text: 'the budget grant expired 3 s ago: paused' } });
    for (let i = 0; i < 61; i++) { loop.meterSeen(1); await second(timers, link, 6.9); }
    await waitFor('charging again', () => !sim!.current().paused);
    expect(loop.state().safe).toBe(false);
  });

  const faults: Array<[string, (s: ChargerSimulator) => void, RegExp]> = [
    ['unreachable', (s) => { s.faults.drop = true; }, /cannot reach NRGkick/],
    ['slow (3 s)', (s) => { s.faults.delayMs = 3000; }, /did not answer/],
    ['answering 405', (s) => { s.faults.solarMode = true; }, /switch off solar charging in the NRGkick app/],
    ['echoing a different value', (s) => { s.faults.echoOffsetA = 3; }, /but answered current_set/],
  ];
  for (const [name, inject, words] of faults) {
    it(`a charger ${name} puts the loop in its safe state with a clear message, and it recovers`, async () => {
      const { timers, sim, link, loop } = await setup(400);
      sim.plug(CAR_AT(50));
      loop.start();
      await waitFor('plugged reading', () => loop.state().plugged);
      loop.reportSoc(50, 'user');
      link.grant('garage', 6.9);
      await waitFor('10 A', () => sim.current().currentSetA === 10 && !sim.current().paused);
      inject(sim);
      // a different grant makes a command go out (for the 405 and the echo faults)
      link.grant('garage', 4.83);
      // real time must pass too for the slow case (a 0.4 s timeout per request): up to 300 x 15 ms
      for (let i = 0; i < 300 && !loop.state().safe; i++) await second(timers, link, 4.83);
      expect(loop.state().safe).toBe(true);
      expect(loop.state().reason.text).toMatch(words);
      sim.clearFaults();
      // back: it answers and, after the minimum off time, charges at the granted 4.83 kW / 690 V = 7 A
      for (let i = 0; i < 90 && !(loop.state().commandA === 7 && sim.current().currentSetA === 7 && !sim.current().paused); i++) await second(timers, link, 4.83);
      expect(loop.state()).toMatchObject({ safe: false, problem: null, commandA: 7 });
      expect(sim.current()).toMatchObject({ currentSetA: 7, paused: false });
    });
  }

  it('stopping the loop pauses the charger and withdraws the demand', async () => {
    const { sim, link, loop } = await setup();
    sim.plug(CAR_AT(50));
    loop.start();
    await waitFor('plugged reading', () => loop.state().plugged);
    loop.reportSoc(50, 'user');
    link.grant('garage', 6.9);
    await waitFor('10 A', () => sim.current().currentSetA === 10 && !sim.current().paused);
    await loop.stop();
    await waitFor('paused', () => sim!.current().paused);
    expect(link.demands.has('garage')).toBe(false);
  });

  it('a wrong password (401) is named and the loop stays safe', async () => {
    const timers = new ManualTimers(0);
    sim = new ChargerSimulator({ grid: '3x400', now: () => timers.now(), auth: { username: 'admin', password: 'right' } });
    const url = await sim.listen();
    const charger = new NrgkickCharger({ id: 'garage', link: createNrgkickLink({ baseUrl: url, username: 'admin', password: 'wrong' }), timers, maxCurrentA: 16, random: () => 0 });
    const link = new ScriptedSiteLink(() => timers.now());
    loop = new ChargerLoop({ setup: { device: 'garage', grid: '3x400', firstPhase: 1, safeCurrentA: 0, control: evControlSchema.parse({}) }, charger, link, timers, cars: [car], carId: 'car_1', mode: 'now' });
    sim.plug(CAR_AT(50));
    loop.start();
    await waitFor('auth problem', () => loop!.state().problem !== null, 5000);
    expect(loop.state().problem).toMatch(/refused our credentials \(HTTP 401\)/);
    expect(sim.current().paused).toBe(true);
    // with grants coming, still safe and saying why
    for (let i = 0; i < 3; i++) await second(timers, link, 11.04);
    expect(loop.state()).toMatchObject({ safe: true, reason: { code: 'charger-problem', params: { problem: 'auth' } } });
    expect(loop.state().reason.text).toMatch(/HTTP 401/);
    // the charger's password becomes the one configured: it answers again and the car charges
    sim.setAuth({ username: 'admin', password: 'wrong' });
    for (let i = 0; i < 120 && !(sim.current().currentSetA === 16 && !sim.current().paused); i++) await second(timers, link, 11.04);
    expect(sim.current()).toMatchObject({ currentSetA: 16, paused: false });
    expect(loop.state()).toMatchObject({ safe: false, problem: null });
  });
});
