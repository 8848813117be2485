import { describe, expect, it } from 'vitest';
import { carSchema, evControlSchema } from '../../main/config/ev-schema.js';
import type { ChargerReading } from '../../main/ev/charger.js';
import { EvController, type ControllerInputs, type ControllerSetup } from '../../main/ev/controller.js';
import type { GridType } from '../../main/ev/grid.js';
import type { SiteGrant } from '../../shared/site/contract.js';

/**
 * The controller alone, on a hand-driven monotonic clock, with grants made up by the test (the
 * broker decides them in the real loop). Expected currents are worked out by hand in comments.
 */
const car = carSchema.parse({ id: 'car_1', name: 'Zoe', batteryKwh: 60, maxPhases: 3, maxCurrentA: 16 });
const control = evControlSchema.parse({});

function setup(over: Partial<ControllerSetup> = {}, grid: GridType = '3x400'): ControllerSetup {
  return {
    device: 'garage', grid, car, chargerMaxCurrentA: 16, chargerMinCurrentA: 6, phaseSwitching: false,
    phaseSwitchGuardMs: 120_000, firstPhase: 1, safeCurrentA: 0, control, ...over,
  };
}

const reading = (state: ChargerReading['state'] = 'connected', powerKw = 0): ChargerReading => ({
  state, chargerWords: state.toUpperCase(), powerKw, phases: [], sessionKwh: 0, currentSetA: 6, paused: true, phaseCount: 3, atMonoMs: 0,
});

let seq = 0;
function grant(kw: number, receivedAtMonoMs: number, code: SiteGrant['reason']['code'] = 'budget', text = 'within the quarter budget'): ControllerInputs['grant'] {
  return { grant: { device: 'garage', kw, validForMs: 2500, reason: { code, text }, seq: seq++, time: 0 }, receivedAtMonoMs };
}

function inputs(now: number, over: Partial<ControllerInputs> = {}): ControllerInputs {
  return {
    nowMono: now, mode: 'smart', reading: reading(), health: { ok: true, problem: null, message: null, sinceMonoMs: 0 },
    soc: { percent: 50, source: 'user', basedOn: 'user', readAtMonoMs: 0 }, tariff: 1, meterAgeMs: 0, grant: grant(11.04, now), ...over,
  };
}

describe('EV controller', () => {
  it('below the minimum SoC asks as an emergency for at least its running power, up to full power, and starts at once', () => {
    const c = new EvController(setup());
    const d = c.decide(inputs(0, { soc: { percent: 15, source: 'user', basedOn: 'user', readAtMonoMs: 0 } }));
    // 3 x 230 V x 6 A = 4.14 kW to run (the least the broker gives it, above the budget if need
    // be); 3 x 230 V x 16 A = 11.04 kW as far as the quarter allows
    expect(d.demand).toMatchObject({ class: 'emergency', band: { minKw: 4.14, maxKw: 11.04 }, minRunKw: 4.14, conductors: [1, 2, 3] });
    expect(d.command.currentA).toBe(16);
    expect(d.reason.text).toMatch(/emergency: below 20%/);
  });

  it('cuts at once, raises only after 10 s without a cut', () => {
    const c = new EvController(setup());
    expect(c.decide(inputs(0, { grant: grant(11.04, 0) })).command.currentA).toBe(16);
    // 6.9 kW / (3 x 230 V) = 10 A, at once
    expect(c.decide(inputs(1000, { grant: grant(6.9, 1000) })).command.currentA).toBe(10);
    const held = c.decide(inputs(5000, { grant: grant(11.04, 5000) }));
    expect(held.command.currentA).toBe(10);
    expect(held.reason.code).toBe('held');
    expect(c.decide(inputs(10_500, { grant: grant(11.04, 10_500) })).command.currentA).toBe(10);
    // 10 s after the cut at 1 s
    expect(c.decide(inputs(11_000, { grant: grant(11.04, 11_000) })).command.currentA).toBe(16);
  });

  it('pauses below 6 A at once and does not restart within the minimum off time', () => {
    const c = new EvController(setup());
    c.decide(inputs(0));
    // 2 kW on three phases is 2.9 A: below 6 A, so pause
    expect(c.decide(inputs(1000, { grant: grant(2, 1000) })).command.currentA).toBe(0);
    const waiting = c.decide(inputs(31_000, { grant: grant(11.04, 31_000) }));
    expect(waiting.command.currentA).toBe(0);
    expect(waiting.reason).toMatchObject({ code: 'min-off', text: 'starting again in 30 s (minimum off time)' });
    expect(c.decide(inputs(61_000, { grant: grant(11.04, 61_000) })).command.currentA).toBe(16);
  });

  it('goes to its safe state when the grant expires or the meter is stale, and back when they return', () => {
    const c = new EvController(setup({ control: { ...control, minOffSeconds: 0 } }));
    const g = grant(11.04, 0);
    expect(c.decide(inputs(0, { grant: g })).command.currentA).toBe(16);
    const expired = c.decide(inputs(2600, { grant: g, meterAgeMs: 2600 }));
    expect(expired).toMatchObject({ safe: true, command: { currentA: 0 }, reason: { code: 'safe-no-grant', text: 'the budget grant expired 3 s ago: paused' } });
    const stale = c.decide(inputs(3500, { grant: grant(11.04, 3500), meterAgeMs: 3500 }));
    expect(stale).toMatchObject({ safe: true, command: { currentA: 0 }, reason: { code: 'safe-meter-stale', text: 'no meter data for 4 s: paused' } });
    expect(c.decide(inputs(4000, { grant: grant(11.04, 4000) }))).toMatchObject({ safe: false, command: { currentA: 16 } });
  });

  it('holds a configured safe current instead of pausing, never above what it drew', () => {
    const c = new EvController(setup({ safeCurrentA: 8 }));
    c.decide(inputs(0, { grant: grant(11.04, 0) }));
    expect(c.decide(inputs(5000, { grant: null })).command.currentA).toBe(8);
  });

  it('in solar mode follows the surplus, switching to one phase for a small one when allowed', () => {
    const noSwitch = new EvController(setup());
    // 2.07 kW on three phases = 3 A: too little, paused
    const paused = noSwitch.decide(inputs(0, { mode: 'solar', grant: grant(2.07, 0, 'solar', 'solar surplus') }));
    expect(paused.demand).toMatchObject({ class: 'opportunistic', band: { minKw: 0 } });
    expect(paused.command.currentA).toBe(0);
    const switching = new EvController(setup({ phaseSwitching: true }));
    const onePhase = switching.decide(inputs(0, { mode: 'solar', grant: grant(2.07, 0, 'solar', 'solar surplus') }));
    // with switching the band reaches down to one phase at 6 A = 1.38 kW; 2.07 kW / 230 V = 9 A
    expect(onePhase.demand!.minRunKw).toBe(1.38);
    expect(onePhase.command).toEqual({ currentA: 9, phases: 1 });
    expect(onePhase.reason.text).toBe('solar surplus 2.1 kW');
    // 6 kW is above 4.14 x 1.15 = 4.76 kW, but the guard (120 s) keeps one phase: 6000 / 230 = 26 A capped at 16 A
    expect(switching.decide(inputs(60_000, { mode: 'solar', grant: grant(6, 60_000, 'solar', 'solar surplus') })).command).toEqual({ currentA: 16, phases: 1 });
    // after the guard: three phases, 6000 / 690 = 8.69 -> 8.6 A
    expect(switching.decide(inputs(121_000, { mode: 'solar', grant: grant(6, 121_000, 'solar', 'solar surplus') })).command).toEqual({ currentA: 8.6, phases: 3 });
  });

  it('leaves one phase for three as soon as one phase cannot carry the grant, margin or not', () => {
    const c = new EvController(setup({ phaseSwitching: true }));
    // 2.07 kW: one phase, 9 A
    expect(c.decide(inputs(0, { mode: 'solar', grant: grant(2.07, 0, 'solar', 'solar surplus') })).command).toEqual({ currentA: 9, phases: 1 });
    // after the guard (120 s), 4.2 kW: below 4.14 x 1.15 = 4.76 kW, but one phase carries at most
    // 16 A x 230 V = 3.68 kW: three phases, 4200 / 690 = 6.08 -> 6 A (4.14 kW)
    expect(c.decide(inputs(121_000, { mode: 'solar', grant: grant(4.2, 121_000, 'solar', 'solar surplus') })).command).toEqual({ currentA: 6, phases: 3 });
    // 3.7 kW after another guard: just above what one phase carries, below three phases' minimum: one phase at 16 A
    expect(c.decide(inputs(242_000, { mode: 'solar', grant: grant(3.7, 242_000, 'solar', 'solar surplus') })).command).toEqual({ currentA: 16, phases: 1 });
  });

  it('a charge that starts files, in the same second, a demand that keeps its running power on the phases it chose', () => {
    // the broker sees the car's power only from its next reading: with the demand of before the
    // start (band from 0, three phases) it would count the ramping car as house load and could
    // stop it at once; inside its minimum on-time (60 s) it asks for at least 6 A on one phase
    const c = new EvController(setup({ phaseSwitching: true }));
    const started = c.decide(inputs(0, { mode: 'solar', grant: grant(2.07, 0, 'solar', 'solar surplus') }));
    expect(started.command).toEqual({ currentA: 9, phases: 1 });
    expect(started.demand).toMatchObject({ class: 'opportunistic', band: { minKw: 1.38 }, conductors: [1], measuredKw: 0 });
    // still inside the minute a second later, and the car has not drawn yet: no "takes less" for it
    const next = c.decide(inputs(1000, { mode: 'solar', grant: grant(2.07, 1000, 'solar', 'solar surplus') }));
    expect(next.demand!.band).toEqual({ minKw: 1.38, maxKw: 11.04 });
  });

  it('in smart mode asks for the cheap register\'s hours as plan energy and for solar otherwise', () => {
    const c = new EvController(setup());
    // 11.04 kW for a quarter = 2.76 kWh
    expect(c.buildDemand(inputs(0, { tariff: 2 }))).toMatchObject({ class: 'plan', plannedKwh: 2.76 });
    expect(c.buildDemand(inputs(0, { tariff: 1 }))).toMatchObject({ class: 'opportunistic' });
    const waiting = c.decide(inputs(0, { tariff: 1, grant: grant(0, 0, 'not-demanded', 'no surplus'), intent: { nextCheapAt: Date.UTC(2025, 0, 15, 21, 0) } }));
    expect(waiting.reason.text).toBe('waiting for register 2 at 22:00');
    expect(c.buildDemand(inputs(0, { intent: { trip: { time: 1, kwh: 12 } } }))).toMatchObject({ class: 'deadline', deadline: { time: 1, kwh: 12 } });
    expect(c.buildDemand(inputs(0, { intent: { plannedKwh: 1.5 } }))).toMatchObject({ class: 'plan', plannedKwh: 1.5 });
    // the part the plan expects from the sun goes to the broker beside the bought part
    expect(c.buildDemand(inputs(0, { intent: { plannedKwh: 0.5, plannedSunKwh: 1 } }))).toMatchObject({ class: 'plan', plannedKwh: 0.5, plannedSunKwh: 1 });
  });

  it('says why it was reduced in the broker\'s words', () => {
    const c = new EvController(setup());
    c.decide(inputs(0));
    const d = c.decide(inputs(1000, { grant: grant(4.14, 1000, 'budget', 'oven on, the quarter would end above 4.8 kW') }));
    expect(d.command.currentA).toBe(6);
    expect(d.reason.text).toBe('reduced to 4.1 kW: oven on, the quarter would end above 4.8 kW');
  });

  it('on 3 x 230 V a three-phase charge draws sqrt(3) x 230 V per ampere', () => {
    const c = new EvController(setup({}, '3x230'));
    const d = c.decide(inputs(0, { soc: { percent: 10, source: 'user', basedOn: 'user', readAtMonoMs: 0 }, grant: grant(4, 0, 'emergency', 'emergency') }));
    // max: 1.732 x 230 x 16 = 6.374 kW; min: 1.732 x 230 x 6 = 2.390 kW; 4 kW / 398.4 W/A = 10.04 -> 10.0 A
    expect(d.demand).toMatchObject({ band: { minKw: 2.39, maxKw: 6.374 }, minRunKw: 2.39 });
    expect(d.command.currentA).toBe(10);
    // a one-phase car on 3 x 230 V loads two conductors
    const onePhaseCar = new EvController(setup({ car: { ...car, maxPhases: 1 } }, '3x230'));
    expect(onePhaseCar.buildDemand(inputs(0))!.conductors).toEqual([1, 2]);
  });

  it('on 3 x 230 V a grant of the minimum power it asked for (2.39 kW) starts the car at 6 A', () => {
    // sqrt(3) x 230 V x 6 A = 2.3902 kW, asked as 2.39: read back as 5.9997 A, it was 5.9 A, i.e. off
    const c = new EvController(setup({}, '3x230'));
    c.decide(inputs(0));
    const d = c.decide(inputs(1000, { grant: grant(2.39, 1000, 'budget', 'within the quarter budget') }));
    expect(d.command).toEqual({ currentA: 6, phases: 3 });
    // just below it (2.38 kW) stays off: never above the grant by more than the rounding
    const e = new EvController(setup({}, '3x230'));
    e.decide(inputs(0));
    expect(e.decide(inputs(1000, { grant: grant(2.38, 1000) })).command.currentA).toBe(0);
  });

  it('withdraws its demand and pauses when unplugged or off', () => {
    const c = new EvController(setup());
    expect(c.decide(inputs(0, { reading: reading('unplugged') }))).toMatchObject({ demand: null, command: { currentA: 0 }, reason: { code: 'unplugged' } });
    expect(c.decide(inputs(0, { mode: 'off' }))).toMatchObject({ demand: null, command: { currentA: 0 }, reason: { code: 'off' } });
  });

  it('a charger never read (a wrong password from the start) is a charger problem in the safe state, not "no car"', () => {
    const c = new EvController(setup());
    const health = { ok: false, problem: 'auth' as const, message: 'NRGkick refused our credentials (HTTP 401)', sinceMonoMs: 0 };
    expect(c.decide(inputs(0, { reading: null, health }))).toMatchObject({
      demand: null, command: { currentA: 0 }, safe: true,
      reason: { code: 'charger-problem', text: 'NRGkick refused our credentials (HTTP 401); paused until it answers', params: { problem: 'auth' } },
    });
  });
});

describe('EV controller: asks only for what the car takes', () => {
  // Power granted to a car that does not draw it is power the battery is not given: on a sunny
  // day the surplus went out to the grid while the battery had room.
  it('a full car asks for nothing', () => {
    const c = new EvController(setup());
    const d = c.decide(inputs(0, { soc: { percent: 99.6, source: 'vehicle', basedOn: 'vehicle', readAtMonoMs: 0 } }));
    expect(d.demand).toMatchObject({ class: 'opportunistic', band: { minKw: 0, maxKw: 0 } });
    expect(d.reason.code).toBe('full');
  });

  it('asks for nothing inside its minimum off time, then for its whole power again', () => {
    const c = new EvController(setup());
    c.decide(inputs(0));
    // 2 kW on three phases is 2.9 A: it pauses at 1 s; the minimum off time is 60 s
    c.decide(inputs(1000, { grant: grant(2, 1000) }));
    const waiting = c.decide(inputs(31_000, { grant: grant(0, 31_000) }));
    expect(waiting.demand!.band.maxKw).toBe(0);
    // the grant is 0 because it asks for nothing; the reason says when it may start again
    expect(waiting.reason).toMatchObject({ code: 'min-off', text: 'starting again in 30 s (minimum off time)' });
    expect(c.decide(inputs(61_000, { grant: grant(0, 61_000) })).demand!.band.maxKw).toBe(11.04);
  });

  it('a car that holds itself below its grant for a minute asks for what it draws plus 0.3 kW', () => {
    const c = new EvController(setup());
    c.decide(inputs(0));
    // 16 A on three phases is 11.04 kW; the car draws 6 kW (its taper): less than 70% (7.73 kW)
    const tapering = (t: number, kw = 6) => inputs(t, { reading: reading('charging', kw), grant: grant(11.04, t) });
    expect(c.decide(tapering(1000)).demand!.band.maxKw).toBe(11.04);
    expect(c.decide(tapering(60_000)).demand!.band.maxKw).toBe(11.04);
    expect(c.decide(tapering(61_000)).demand!.band.maxKw).toBe(6.3);
    // never below its running power (6 A: 4.14 kW) while it draws something
    expect(c.decide(tapering(61_500, 3)).demand!.band.maxKw).toBe(4.14);
    // drawing next to nothing (below a quarter of its 4.14 kW running power): nothing at all
    expect(c.decide(inputs(62_000, { reading: reading('charging', 0.5), grant: grant(11.04, 62_000) })).demand!.band.maxKw).toBe(0);
  });

  it('asks for its whole power again once it draws what it is allowed', () => {
    const c = new EvController(setup());
    c.decide(inputs(0));
    for (let t = 1000; t <= 61_000; t += 10_000) c.decide(inputs(t, { reading: reading('charging', 6), grant: grant(11.04, t) }));
    expect(c.decide(inputs(62_000, { reading: reading('charging', 6), grant: grant(11.04, 62_000) })).demand!.band.maxKw).toBe(6.3);
    expect(c.decide(inputs(63_000, { reading: reading('charging', 11), grant: grant(11.04, 63_000) })).demand!.band.maxKw).toBe(11.04);
  });
});
