import { describe, expect, it } from 'vitest';
import { InstantCap30s, PlugAndCharge } from '../../../main/backtest/baselines.js';
import { buildScenario } from '../../../main/backtest/scenario.js';
import { simulate } from '../../../main/backtest/simulate.js';
import { byHandHousehold } from './by-hand-household.js';

/**
 * A day checkable by hand: Wednesday 1 April 2026 (a weekday, no holiday), the house a flat
 * 0.5 kW, no sun, and the by-hand household (by-hand-household.ts): one car of 60 kWh at
 * 11.04 kW needing 18.6 kWh at its 07:30 departure, Day 0.40 / Night 0.30 EUR/kWh.
 */
const household = (startSocPercent: number) => byHandHousehold(startSocPercent);

const flat = (day: { start: number; end: number }) => {
  const seconds = (day.end - day.start) / 1000;
  return { baseKw: new Float32Array(seconds).fill(0.5), solarKw: new Float32Array(seconds) };
};

describe('the baselines on a day worked out by hand', () => {
  it('plugAndCharge charges at full power from the first second, and the peak shows it', () => {
    const scenario = buildScenario(household(50), 1, '2026-04-01', 1);
    const r = simulate(scenario, new PlugAndCharge(), { inputs: flat });
    // 00:00-00:15: the car at 11.04 kW after a 3.2 s ramp (16 A at 5 A/s: about 1.6 s of full
    // power lost, 0.005 kWh): 11.04 / 4 - 0.005 = 2.755 kWh
    expect(r.quarters.carKwh[0]![0]).toBeGreaterThan(2.75);
    expect(r.quarters.carKwh[0]![0]).toBeLessThan(2.761);
    // the month peak: 0.5 + 11.04 = 11.54 kW (the first whole quarter at full power)
    expect(r.months[0]!.peakKw).toBeGreaterThan(11.5);
    expect(r.months[0]!.peakKw).toBeLessThan(11.55);
    // capacity: 11.54 x 50 / 12 = 48.08 EUR
    expect(r.capacityEur).toBeCloseTo(48.08, 0);
    // the car fills from 30 to 60 kWh before it leaves (30 / 0.9 = 33.3 kWh at the plug, at night),
    // and after 18:00 takes back the 12.6 kWh of the trip (14.0 kWh, at the day rate)
    const carTotal = r.quarters.carKwh[0]!.reduce((a, b) => a + b, 0);
    expect(carTotal).toBeGreaterThan(47.0);
    expect(carTotal).toBeLessThan(47.4);
    // energy: night (0.5 x 7 h + 33.3) x 0.30 + day (0.5 x 15 h + 14.0) x 0.40 + night 22-24 0.5 x 2 x 0.30
    //       = 36.8 x 0.30 + 21.5 x 0.40 + 0.30 = 11.04 + 8.60 + 0.30 = 19.94 EUR
    expect(r.energyEur).toBeGreaterThan(19.8);
    expect(r.energyEur).toBeLessThan(20.0);
    expect(r.tripsMissed).toBe(0);
  });

  it('instantCap30s waits under its 2.5 kW cap, starts the weekday plan at full power at the latest start, then charges under the raised cap', () => {
    // from 30%: 18 kWh. The plan wants 40% (24 kWh) by 07:30: 6 / 0.9 = 6.67 kWh at 11.04 kW
    // = 36.2 minutes, plus a quarter of margin: from 06:38:48, i.e. the 30-s tick of 06:39:00.
    const scenario = buildScenario(household(30), 1, '2026-04-01', 1);
    const r = simulate(scenario, new InstantCap30s(), { inputs: flat });
    const car = r.quarters.carKwh[0]!;
    // before that, the cap of 2.5 kW leaves 2.0 kW: less than the car's 6 A minimum (4.14 kW)
    expect(car.slice(0, 26).reduce((a, b) => a + b, 0)).toBe(0);
    // 06:30-06:45: from 06:39:00, 6 minutes at 11.04 kW = 1.104 kWh, less the ramp's 0.005
    expect(car[26]).toBeGreaterThan(1.09);
    expect(car[26]).toBeLessThan(1.105);
    // 06:45-07:00 at full power: the month peak becomes 0.5 + 11.04 = 11.54 kW
    expect(car[27]).toBeGreaterThan(2.75);
    expect(r.months[0]!.peakKw).toBeGreaterThan(11.5);
    expect(r.months[0]!.peakKw).toBeLessThan(11.55);
    // back at 18:00 (quarter 72): the cap is now 11.54 kW, so 11.04 kW fit: charging within 30 s
    expect(car[72]).toBeGreaterThan(2.6);
    expect(r.tripsMissed).toBe(0);
  });

  it('instantCap30s leaves a car without a plan due uncharged below the cap', () => {
    // from 50% (30 kWh) the 40% plan is met already; the cap of 2.5 kW never lets the car start,
    // so the day is the house alone: 0.5 kW x 24 h = 12 kWh, peak 0.5 kW billed at the 2.5 kW
    // minimum: 2.5 x 50 / 12 = 10.42 EUR; energy 0.5 x 9 h x 0.30 + 0.5 x 15 h x 0.40 = 4.35 EUR
    const scenario = buildScenario(household(50), 1, '2026-04-01', 1);
    const r = simulate(scenario, new InstantCap30s(), { inputs: flat });
    expect(r.quarters.carKwh[0]!.reduce((a, b) => a + b, 0)).toBe(0);
    expect(r.importKwh).toBeCloseTo(12, 2);
    expect(r.capacityEur).toBeCloseTo(10.42, 2);
    expect(r.energyEur).toBeCloseTo(4.35, 2);
  });
});
