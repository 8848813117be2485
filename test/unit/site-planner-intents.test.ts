/** From a plan to what the broker is told, and when to plan again. Expected values by hand. */
import { beforeAll, describe, expect, it } from 'vitest';
import { carIntent } from '../../main/site/planner/intents.js';
import { plan } from '../../main/site/planner/planner.js';
import { replanReason, type PlanBasis } from '../../main/site/planner/replan.js';
import { loadSolver, type LpSolver } from '../../main/site/planner/solver.js';

const Q = 15 * 60_000;
const T0 = Date.parse('2026-01-12T02:00:00Z');
let solver: LpSolver;
beforeAll(async () => {
  solver = await loadSolver();
});

describe('car intents for the broker', () => {
  it('gives the running quarter\'s energy and the energy planned before the next departure', () => {
    // 8 quarters, 0.30 for 4 then 0.10 for 4, peak 8 kW (2 kWh a quarter). The car needs 4 kWh
    // by the end, all of it in the cheap quarters 4-7 (how it is split among them is the
    // solver's choice). In quarter 0: 0 planned, and 4 kWh before the departure.
    const p = plan(solver, {
      start: T0, baseKwh: Array(8).fill(0), importPrice: [0.3, 0.3, 0.3, 0.3, 0.1, 0.1, 0.1, 0.1], exportPrice: Array(8).fill(0),
      connectionKw: 17, peak: { pricePerKwYear: 50, minimumKw: 2.5, soFarKw: 8 },
      cars: [{ id: 'car_1', capacityKwh: 40, socPercent: 50, maxKw: 11, chargeEfficiency: 1, plugged: [{ from: T0, to: T0 + 8 * Q }], trips: [{ departure: T0 + 8 * Q, socPercent: 60 }] }],
    });
    const now = T0 + 5 * 60_000;
    expect(carIntent(p, 'car_1', now)).toEqual({ plannedKwh: 0, plannedSunKwh: 0, deadline: { time: T0 + 8 * Q, kwh: 4 }, targetPeakKw: 8 });
    // in quarter 4 the rest of the plan still holds the 4 kWh
    const later = carIntent(p, 'car_1', T0 + 4 * Q);
    expect(later.deadline).toEqual({ time: T0 + 8 * Q, kwh: 4 });
    expect(carIntent(p, 'car_1', T0 + 9 * Q)).toEqual({ plannedKwh: null, plannedSunKwh: null, deadline: null, targetPeakKw: null });
    expect(carIntent(p, 'car_2', now).deadline).toBeNull();
  });
});

describe('the sun\'s part of a car\'s energy', () => {
  it('is all bought in the last hour before the car leaves', () => {
    // 8 quarters of 1 kWh surplus each (4 kW of sun), import 0.30, export 0: the car needs 4 kWh
    // by the end of quarter 7 and stores all 8 kWh of sun (worth 0.9 x 0.30 at the horizon's end
    // against 0 exported), 1 kWh a quarter, buying nothing. Quarters 0-3 are more than an hour
    // before it leaves: all of it from the sun. Quarters 4-7 start an hour or less before: all
    // of it bought, so that it comes though the sun may not.
    const p = plan(solver, {
      start: T0, baseKwh: Array(8).fill(-1), importPrice: Array(8).fill(0.3), exportPrice: Array(8).fill(0),
      connectionKw: 17, peak: { pricePerKwYear: 50, minimumKw: 2.5, soFarKw: 8 },
      cars: [{ id: 'car_1', capacityKwh: 40, socPercent: 50, maxKw: 11, chargeEfficiency: 1, plugged: [{ from: T0, to: T0 + 8 * Q }], trips: [{ departure: T0 + 8 * Q, socPercent: 60 }] }],
    });
    expect(p.quarters.map((q) => [q.carKwh.get('car_1'), q.importKwh])).toEqual(Array(8).fill([1, 0]));
    expect(carIntent(p, 'car_1', T0 + 3 * Q)).toMatchObject({ plannedKwh: 0, plannedSunKwh: 1 });
    expect(carIntent(p, 'car_1', T0 + 4 * Q)).toMatchObject({ plannedKwh: 1, plannedSunKwh: 0 });
    expect(carIntent(p, 'car_1', T0 + 7 * Q)).toMatchObject({ plannedKwh: 1, plannedSunKwh: 0 });
  });
});

describe('when to plan again', () => {
  const basis: PlanBasis = {
    madeAt: T0 + 60_000, trips: 't1', prices: 'p1',
    plugged: new Map([['car_1', true]]), socPercent: new Map([['car_1', 50], ['battery', 40]]),
  };
  const same = (over: Partial<PlanBasis> = {}): PlanBasis => ({ ...basis, madeAt: T0 + 5 * 60_000, ...over });

  it('keeps the plan when nothing changed within the quarter', () => {
    expect(replanReason(basis, same(), 0.5, 0.4)).toBeNull(); // 0.1 kWh off: within 0.25
  });

  it('names what changed', () => {
    expect(replanReason(basis, same({ madeAt: T0 + Q }), null, null)).toBe('quarter');
    expect(replanReason(basis, same({ trips: 't2' }), null, null)).toBe('trips');
    expect(replanReason(basis, same({ prices: 'p2' }), null, null)).toBe('prices');
    expect(replanReason(basis, same({ plugged: new Map([['car_1', false]]) }), null, null)).toBe('plug');
    expect(replanReason(basis, same({ socPercent: new Map([['car_1', 55], ['battery', 40]]) }), null, null)).toBe('soc');
    expect(replanReason(basis, same({ socPercent: new Map([['car_1', 54], ['battery', 40]]) }), null, null)).toBeNull();
    expect(replanReason(basis, same(), 0.7, 0.4)).toBe('drift'); // 0.3 kWh off
  });
});
