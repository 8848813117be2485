/**
 * Devices follow the published plan: the EV's intent takes the plan's energy for the quarter (and
 * lets a trip the plan meets give way to it), the battery's strategy does what the plan says.
 */
import { describe, expect, it } from 'vitest';
import type { BatteryReading } from '../../main/battery/battery.js';
import { decide, DEFAULT_STRATEGY, type StrategyInput } from '../../main/battery/strategy.js';
import { withPlan } from '../../main/ev/plan-intent.js';
import { batteryDrawFor, plannedKwhFor, plannedSunKwhFor, planTargetKw } from '../../shared/plan/lookup.js';
import type { PlanState } from '../../shared/plan/state.js';

const Q = 15 * 60_000;
const T0 = Date.parse('2026-01-12T02:00:00Z');

function plan(over: Partial<PlanState> = {}): PlanState {
  return {
    madeAt: T0, reason: 'start', start: T0,
    cars: [{ id: 'car_1', name: 'Zoe', charger: 'garage', socPct: 50, plugged: true, departures: [{ time: T0 + 4 * Q, wantedPct: 80, expectedPct: 80, met: true, shortKwh: 0 }] }],
    battery: { device: 'battery', socPct: 50, capacityKwh: 10 },
    quarters: [0, 1, 2, 3].map((i) => ({
      start: T0 + i * Q, baseKwh: 0.2, houseKwh: 0.2, solarKwh: 0, carKwh: [[0, 1.5, 2, 2][i]!], batteryKwh: [0.5, 0, -0.75, 0][i]!,
      // the meter's balance: house + car + battery charge - discharge, no sun
      importKwh: [0.7, 1.7, 1.45, 2.2][i]!, exportKwh: 0, importPrice: 0.2, targetPeakKw: [4, 4, 5.2, 5.2][i]!,
    })),
    intentions: [], problems: [], cost: { energyEur: 0, peakEur: 0, totalEur: 0 }, ceilingKw: null, error: null,
    ...over,
  };
}

describe('reading the plan', () => {
  it('gives each device its quarter\'s energy and the quarter\'s target peak', () => {
    expect(plannedKwhFor(plan(), 'car_1', T0 + Q + 60_000)).toBe(1.5);
    expect(plannedKwhFor(plan(), 'battery', T0 + 60_000)).toBe(0.5);
    // a plan made at T0 + 20 min is followed in its quarter 2 (T0 + 30 min on)
    expect(plannedKwhFor(plan({ madeAt: T0 + 20 * 60_000 }), 'battery', T0 + 2 * Q)).toBe(-0.75);
    expect(planTargetKw(plan({ madeAt: T0 + 20 * 60_000 }), T0 + 2 * Q)).toBe(5.2);
    expect(plannedKwhFor(plan(), 'car_2', T0)).toBeNull();
    expect(plannedKwhFor(plan(), 'car_1', T0 + 4 * Q)).toBeNull(); // past the plan's end
  });
  it('holds a car only to the part the plan buys: what it expects from the sun comes from a surplus that is there', () => {
    // the car leaves at T0 + 2 h: no quarter here is in the last hour before it
    const sunny = plan({ cars: [{ ...plan().cars[0]!, departures: [{ ...plan().cars[0]!.departures[0]!, time: T0 + 8 * Q }] }] });
    // quarter 1: the house 0.2 kWh, the sun 1.2 kWh (net -1.0), the car 1.5 kWh: the plan buys
    // 0.5 kWh, so the car is held to 0.5 kWh; the other 1.0 kWh it takes as surplus
    sunny.quarters[1] = { ...sunny.quarters[1]!, baseKwh: -1, solarKwh: 1.2, importKwh: 0.5 };
    expect(plannedKwhFor(sunny, 'car_1', T0 + Q)).toBeCloseTo(0.5, 9);
    // ...and told that 1.0 kWh of its energy is the sun's, which the broker adds where it is there
    expect(plannedSunKwhFor(sunny, 'car_1', T0 + Q)).toBeCloseTo(1.0, 9);
    expect(withPlan(undefined, sunny, 'car_1', T0 + Q)?.plannedSunKwh).toBeCloseTo(1.0, 9);
    // quarter 0: the battery takes 0.5 kWh and the car 1.0 kWh, all from the sun (import 0): nothing bought
    sunny.quarters[0] = { ...sunny.quarters[0]!, carKwh: [1], baseKwh: -1.5, solarKwh: 1.7, importKwh: 0 };
    expect(plannedKwhFor(sunny, 'car_1', T0)).toBe(0);
    expect(plannedSunKwhFor(sunny, 'car_1', T0)).toBe(1);
    // ...and the battery is held to none of its 0.5 kWh either: it stores the sun when it is there
    expect(plannedKwhFor(sunny, 'battery', T0)).toBe(0);
    // quarter 2 of the plan: a discharge is followed whole
    expect(plannedKwhFor({ ...sunny, madeAt: T0 + 20 * 60_000 }, 'battery', T0 + 2 * Q)).toBe(-0.75);
  });
  it('holds the battery to the part of a planned charge the plan buys', () => {
    // quarter 0: the house 0.2 kWh and the battery 0.5 kWh, no sun, import 0.7: all of it bought
    expect(plannedKwhFor(plan(), 'battery', T0)).toBe(0.5);
    // the sun gives 0.4 kWh of it (base -0.2, import 0.3): 0.3 of the 0.5 kWh bought
    const partly = plan();
    partly.quarters[0] = { ...partly.quarters[0]!, baseKwh: -0.2, solarKwh: 0.4, importKwh: 0.3 };
    expect(plannedKwhFor(partly, 'battery', T0)).toBeCloseTo(0.3, 9);
  });
  it('holds a car to all its planned energy in the last hour before it leaves: the sun may not come, and no later plan has time', () => {
    // quarter 1 as above (the plan buys 0.5 of the car's 1.5 kWh), but the car leaves at T0 + 1 h
    const sunny = plan();
    sunny.quarters[1] = { ...sunny.quarters[1]!, baseKwh: -1, solarKwh: 1.2, importKwh: 0.5 };
    expect(plannedKwhFor(sunny, 'car_1', T0 + Q)).toBe(1.5);
    expect(plannedSunKwhFor(sunny, 'car_1', T0 + Q)).toBe(0);
  });
  it('gives the battery the import price and what a kWh drawn beyond the plan costs later, where the plan says it', () => {
    const priced = plan();
    priced.quarters[1] = { ...priced.quarters[1]!, importPrice: 0.4, batteryDrawCostEur: 0.3 };
    expect(batteryDrawFor(priced, 'battery', T0 + Q + 60_000)).toEqual({ drawCostEur: 0.3, importPriceEur: 0.4 });
    // a plan made before the field existed, another device, a stale plan: nothing
    expect(batteryDrawFor(priced, 'battery', T0)).toBeNull();
    expect(batteryDrawFor(priced, 'car_1', T0 + Q)).toBeNull();
    expect(batteryDrawFor({ ...priced, madeAt: T0 - 2 * Q }, 'battery', T0 + Q)).toBeNull();
  });
  it('does not follow a plan older than two quarters, or one that failed', () => {
    // madeAt T0, asked at T0 + 30 min: stale (the service plans every quarter)
    expect(plannedKwhFor(plan({ quarters: plan().quarters.concat([{ ...plan().quarters[0]!, start: T0 + 4 * Q }]) }), 'car_1', T0 + 2 * Q)).toBeNull();
    expect(plannedKwhFor(plan({ error: 'boom' }), 'car_1', T0)).toBeNull();
  });
});

describe('the EV follows the plan', () => {
  it('takes the quarter\'s energy, and a trip the plan meets gives way to it', () => {
    const trip = { time: T0 + 4 * Q, kwh: 12 };
    // with the quarter after it that the plan charges in next (quarter 2, 2 kWh)
    expect(withPlan({ trip }, plan(), 'car_1', T0 + Q)).toEqual({ trip: null, plannedKwh: 1.5, plannedSunKwh: 0, planNextAt: T0 + 2 * Q });
    // the plan waits in the first quarter (0 kWh): the car waits too, until quarter 1 (03:15)
    expect(withPlan(undefined, plan(), 'car_1', T0)).toEqual({ trip: null, plannedKwh: 0, plannedSunKwh: 0, planNextAt: T0 + Q });
    // in the last quarter (of a plan made in quarter 2) nothing follows in the plan
    expect(withPlan(undefined, plan({ madeAt: T0 + 2 * Q }), 'car_1', T0 + 3 * Q)).toEqual({ trip: null, plannedKwh: 2, plannedSunKwh: 0, planNextAt: null });
  });
  it('keeps a trip\'s deadline when the plan does not meet it, and the intent as it was without a plan', () => {
    const trip = { time: T0 + 4 * Q, kwh: 12 };
    const unmet = plan({ cars: [{ ...plan().cars[0]!, departures: [{ time: T0 + 4 * Q, wantedPct: 80, expectedPct: 70, met: false, shortKwh: 4 }] }] });
    expect(withPlan({ trip }, unmet, 'car_1', T0 + Q)).toEqual({ trip, plannedKwh: 1.5, plannedSunKwh: 0, planNextAt: T0 + 2 * Q });
    expect(withPlan({ trip }, null, 'car_1', T0 + Q)).toEqual({ trip });
    expect(withPlan({ trip }, plan(), null, T0 + Q)).toEqual({ trip });
  });
});

describe('the EV says what the plan does while it waits', () => {
  it('names the quarter the plan charges from, not the register, on a dynamic contract too', async () => {
    const { carSchema, evControlSchema } = await import('../../main/config/ev-schema.js');
    const { EvController } = await import('../../main/ev/controller.js');
    const c = new EvController({
      device: 'garage', grid: '3x400', car: carSchema.parse({ id: 'car_1', name: 'Zoe', batteryKwh: 40, maxPhases: 3, maxCurrentA: 16 }),
      chargerMaxCurrentA: 16, chargerMinCurrentA: 6, phaseSwitching: false, phaseSwitchGuardMs: 120_000, firstPhase: 1, safeCurrentA: 0, control: evControlSchema.parse({}),
    });
    const decide = (intent: ReturnType<typeof withPlan>, tariff: number) => c.decide({
      nowMono: 0, mode: 'smart', health: { ok: true, problem: null, message: null, sinceMonoMs: 0 }, tariff, meterAgeMs: 0, intent,
      reading: { state: 'connected', chargerWords: 'CONNECTED', powerKw: 0, phases: [], sessionKwh: 0, currentSetA: 6, paused: true, phaseCount: 3, atMonoMs: 0 },
      soc: { percent: 50, source: 'user', basedOn: 'user', readAtMonoMs: 0 },
      grant: { grant: { device: 'garage', kw: 0, validForMs: 2500, reason: { code: 'not-demanded', text: 'no surplus' }, seq: 1, time: 0 }, receivedAtMonoMs: 0 },
    });
    // 03:00 Brussels, the plan's 0 kWh now and 1.5 kWh from 03:15; register 1 (day) and register 2 (night) alike
    for (const tariff of [1, 2]) {
      const waiting = decide(withPlan(undefined, plan(), 'car_1', T0 + 60_000), tariff);
      expect(waiting.command.currentA).toBe(0);
      expect(waiting.reason).toEqual({ code: 'waiting-plan', text: 'plan: charging from 03:15 (cheapest quarters)', params: { at: '03:15' } });
    }
    // a plan with nothing more for the car says so
    const done = plan({ quarters: plan().quarters.map((q) => ({ ...q, carKwh: [0] })) });
    expect(decide(withPlan(undefined, done, 'car_1', T0 + 60_000), 1).reason).toEqual({ code: 'waiting-plan', text: 'plan: no charge needed in the next 48 h' });
    // without a plan: the register's words, as before
    expect(decide(undefined, 1).reason.code).toBe('waiting-cheap');
  });
});

describe('the battery follows the plan', () => {
  const battery = (over: Partial<BatteryReading> = {}): BatteryReading =>
    ({ socPct: 50, powerKw: 0, capacityKwh: 10, maxChargeKw: 5, maxDischargeKw: 5, reservePct: 5, control: 'own', ...over });
  const input = (over: Partial<StrategyInput> = {}): StrategyInput =>
    ({ mode: 'auto', gridKw: 1, allowedKw: 10, targetKw: 4, tariff: 1, time: T0, battery: battery(), plan: null, ...over });
  it('charges from the grid, discharges or keeps its charge as planned instead of covering the house, and stores a surplus the plan did not expect', () => {
    // the house imports 1 kW; without a plan the battery would cover it (-1 kW)
    expect(decide(input(), DEFAULT_STRATEGY)).toMatchObject({ kw: -1, code: 'cover-import' });
    expect(decide(input({ plannedKw: 2 }), DEFAULT_STRATEGY)).toMatchObject({ kw: 2, fromGrid: true, code: 'plan' });
    // a planned discharge of 3 kW with the house importing 3 kW: 3 kW, as planned
    expect(decide(input({ plannedKw: -3, gridKw: 3 }), DEFAULT_STRATEGY)).toMatchObject({ kw: -3, code: 'plan' });
    // the house imports 1 kW where the plan expected 3: 1 kW covers it; 3 kW would export 2 kW
    // of stored energy at the export price, which the plan never meant
    expect(decide(input({ plannedKw: -3 }), DEFAULT_STRATEGY)).toMatchObject({ kw: -1, code: 'plan' });
    // the house imports 4 kW: no more than the planned 3 kW (the rest is kept for later quarters)
    expect(decide(input({ plannedKw: -3, gridKw: 4 }), DEFAULT_STRATEGY)).toMatchObject({ kw: -3, code: 'plan' });
    expect(decide(input({ plannedKw: 0 }), DEFAULT_STRATEGY)).toMatchObject({ kw: 0, code: 'plan' });
    // the house exports 2 kW the plan did not expect (it planned to keep the charge, or to
    // discharge): the battery stores them rather than export them
    expect(decide(input({ plannedKw: 0, gridKw: -2 }), DEFAULT_STRATEGY)).toMatchObject({ kw: 2, code: 'absorb-export' });
    expect(decide(input({ plannedKw: -1, gridKw: -2 }), DEFAULT_STRATEGY)).toMatchObject({ kw: 2, code: 'absorb-export' });
    // a planned charge of 1 kW with 2.5 kW of surplus: all 2.5 kW stored; with 0.5 kW of
    // surplus: the plan's 1 kW, the rest from the grid
    expect(decide(input({ plannedKw: 1, gridKw: -2.5 }), DEFAULT_STRATEGY)).toMatchObject({ kw: 2.5, fromGrid: false, code: 'absorb-export' });
    expect(decide(input({ plannedKw: 1, gridKw: -0.5 }), DEFAULT_STRATEGY)).toMatchObject({ kw: 1, fromGrid: true, code: 'plan' });
    // the quarter's budget still holds: A = 2.5 kW with the house at 1 kW leaves 1.5 kW to charge
    expect(decide(input({ plannedKw: 2, allowedKw: 2.5 }), DEFAULT_STRATEGY)).toMatchObject({ kw: 1.5, code: 'budget' });
  });
});

describe('Home Assistant entities for the plan', () => {
  it('publish the target peak, the next intentions, the unmet trips and each car\'s SoC at departure', async () => {
    const { planEntities } = await import('../../main/site/plan/ha-entities.js');
    const { sensorValue } = await import('../../main/bus/mqtt/entities.js');
    const { emptyBusState } = await import('../../shared/state.js');
    const p = plan({
      intentions: [{ device: 'car_1', kind: 'car', action: 'charge', from: T0 + Q, to: T0 + 3 * Q, kw: 7, priceEur: 0.1 }],
      problems: [{ car: 'car_1', departure: T0 + 4 * Q, wantedPct: 80, expectedPct: 64, fixes: { startNow: false, peak: { kw: 5.6, extraEur: 3.4 }, leaveAt: null } }],
    });
    const state = { ...emptyBusState(), plan: p, meter: { time: T0 + 60_000, powerKw: null, phases: [], tariff: null, counters: { importKwh: null, exportKwh: null, gasM3: null, gasTime: null, waterM3: null, waterTime: null } } };
    const byId = new Map(planEntities([{ id: 'car_1', name: 'Zoe' }]).map((e) => [e.objectId, e] as const));
    expect(sensorValue(state, byId.get('plan_target_peak_kw')!)).toBe('4.00');
    expect(sensorValue(state, byId.get('plan_next')!)).toBe('Zoe waits, then charges at 7.0 kW from 03:15 to 03:45 (0.10 EUR/kWh)');
    expect(sensorValue(state, byId.get('plan_problems')!)).toBe('Zoe will reach 64% by 04:00, not 80%: allow a peak of 5.6 kW (about 3.40 EUR more)');
    expect(sensorValue(state, byId.get('plan_car_1_soc_at_departure')!)).toBe('80');
    expect(sensorValue(state, byId.get('plan_car_1_departure')!)).toBe('2026-01-12T03:00:00.000Z');
  });
});
