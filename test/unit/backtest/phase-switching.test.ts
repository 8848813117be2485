import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstantCap30s } from '../../../main/backtest/baselines.js';
import { Ours } from '../../../main/backtest/ours.js';
import { buildScenario } from '../../../main/backtest/scenario.js';
import { simulate } from '../../../main/backtest/simulate.js';
import { loadSolver, type LpSolver } from '../../../main/site/planner/solver.js';
import { byHandHousehold } from './by-hand-household.js';

type Solver = LpSolver & { dispose(): void };

/**
 * A charger that may switch a three-phase car to one phase (household `phaseSwitching`), on days
 * worked out by hand with the by-hand household (by-hand-household.ts): the house a flat 0.5 kW,
 * no battery, one car of 60 kWh on 3 x 16 A at 3 x 400 V (11.04 kW; 6 A is 4.14 kW on three
 * phases and 1.38 kW on one), commuting on weekdays 07:30-18:00 and needing 18.6 kWh then.
 */
const household = (phaseSwitching: boolean, startSocPercent: number) => byHandHousehold(startSocPercent, phaseSwitching);

/** 0.5 kW of house all day; 2.5 kW of sun from 10:00 to 16:00 UTC when `sunny` (2.0 kW surplus, 12 kWh) */
const inputs = (sunny: boolean) => (day: { start: number; end: number }) => {
  const seconds = (day.end - day.start) / 1000;
  const solarKw = new Float32Array(seconds);
  if (sunny) solarKw.fill(2.5, 10 * 3600, 16 * 3600);
  return { baseKw: new Float32Array(seconds).fill(0.5), solarKw };
};

describe('instantCap30s with a charger that switches phases', () => {
  it('charges on one phase under its 2.5 kW cap, where three phases could not start, and never needs its plan', () => {
    // Wednesday 1 April 2026 from 30% (18 kWh). The cap leaves 2.0 kW: 8.6 A on one phase
    // (2.0 / 0.230 = 8.69 A, set in tenths) = 1.978 kW. Without switching the car waits until
    // its 06:39 plan start and makes an 11.54 kW peak (baselines.test.ts).
    const scenario = buildScenario(household(true, 30), 1, '2026-04-01', 1);
    const r = simulate(scenario, new InstantCap30s(), { inputs: inputs(false) });
    const car = r.quarters.carKwh[0]!;
    // the first tick (00:00:00) sees no import yet: 2.5 kW = 10.8 A for 30 s (0.0207 kWh), then
    // 8.6 A for 870 s (0.4780 kWh): 0.4987 kWh, less under a second of ramp
    expect(car[0]).toBeGreaterThan(0.497);
    expect(car[0]).toBeLessThan(0.4988);
    // from then on 1.978 kW x 0.25 h = 0.4945 kWh a quarter
    expect(car[1]).toBeGreaterThan(0.494);
    expect(car[1]).toBeLessThan(0.4946);
    // by 06:39 it has 18 + 0.9 x 1.978 x 6.65 h = 29.8 kWh, above the plan's 40% (24 kWh): the
    // plan never starts, and the month peak is the first quarter's 0.125 + 0.4985 kWh = 2.494 kW
    expect(r.months[0]!.peakKw).toBeGreaterThan(2.49);
    expect(r.months[0]!.peakKw).toBeLessThan(2.496);
    expect(r.tripsMissed).toBe(0);
  });
});

describe('ours with a charger that switches phases', () => {
  let solver: Solver;
  beforeAll(async () => { solver = await loadSolver(); });
  afterAll(() => solver.dispose());

  // Saturday 4 April 2026 (night rate all day), the car home from 50%, its next trip on Monday
  // beyond the plan's 48 h: nothing to charge for but the sun's 12 kWh of surplus
  const run = (phaseSwitching: boolean) => {
    const h = household(phaseSwitching, 50);
    return simulate(buildScenario(h, 1, '2026-04-04', 1), new Ours(solver, h), { inputs: inputs(true) });
  };

  it('stores a 2 kW solar surplus in the car on one phase instead of exporting it', () => {
    const r = run(true);
    // 2.0 kW is below three phases' 4.14 kW but above one phase's 1.38 kW: nearly all of the
    // 12 kWh goes into the car (the controller's steps and holds lose a little either way)
    expect(r.exportKwh).toBeLessThan(1.0);
    const carKwh = r.quarters.carKwh[0]!.reduce((a, b) => a + b, 0);
    expect(carKwh).toBeGreaterThan(11.0);
    expect(carKwh).toBeLessThan(12.6);
    // the sun's hours import no more than the house would without it: the car follows the surplus
    expect(r.months[0]!.peakKw).toBeLessThan(2.5);
  }, 60_000);

  it('exports that surplus when the charger cannot switch (6 A on three phases is 4.14 kW)', () => {
    const r = run(false);
    // 2.0 kW x 6 h = 12 kWh
    expect(r.exportKwh).toBeGreaterThan(11.9);
    expect(r.exportKwh).toBeLessThan(12.05);
    expect(r.quarters.carKwh[0]!.reduce((a, b) => a + b, 0)).toBeLessThan(0.01);
  }, 60_000);
});
