import { describe, expect, it } from 'vitest';
import type { BatteryReading } from '../../../main/battery/battery.js';
import { decide, DEFAULT_STRATEGY, type StrategyInput } from '../../../main/battery/strategy.js';

const battery = (over: Partial<BatteryReading> = {}): BatteryReading =>
  ({ socPct: 50, powerKw: 0, capacityKwh: 10, maxChargeKw: 5, maxDischargeKw: 5, reservePct: 5, control: 'own', ...over });
const input = (over: Partial<StrategyInput> = {}): StrategyInput =>
  ({ mode: 'auto', gridKw: 0, allowedKw: 10, targetKw: 4, tariff: 1, time: Date.UTC(2026, 5, 1, 12), battery: battery(), plan: null, ...over });

describe('battery strategy', () => {
  it('stores what the house would export, counting the battery\'s own measured power once', () => {
    // grid -1.2 kW while the battery already charges 2 kW: the house alone exports 3.2 kW
    expect(decide(input({ gridKw: -1.2, battery: battery({ powerKw: 2 }) }), DEFAULT_STRATEGY)).toMatchObject({ kw: 3.2, fromGrid: false, code: 'absorb-export' });
  });

  it('covers the house\'s import, but never below the reserve (the larger of its own and the device\'s)', () => {
    expect(decide(input({ gridKw: 1.5 }), DEFAULT_STRATEGY)).toMatchObject({ kw: -1.5, code: 'cover-import' });
    expect(decide(input({ gridKw: 1.5, battery: battery({ socPct: 10 }) }), DEFAULT_STRATEGY)).toMatchObject({ kw: 0, code: 'reserve' });
    expect(decide(input({ gridKw: 1.5, battery: battery({ socPct: 12, reservePct: 15 }) }), DEFAULT_STRATEGY)).toMatchObject({ kw: 0, code: 'reserve' });
  });

  it('discharges while the quarter\'s gap is negative, even on the night register', () => {
    // house 7.5 kW, A = 4: the battery must give 3.5 kW
    const night = { ...DEFAULT_STRATEGY, nightChargeToPct: 90 };
    expect(decide(input({ gridKw: 7.5, allowedKw: 4, tariff: 2 }), night)).toMatchObject({ kw: -3.5, code: 'peak-shave' });
    // without the quarter's pressure, the night keeps the charge
    expect(decide(input({ gridKw: 2, allowedKw: 4, tariff: 2, battery: battery({ socPct: 95 }) }), night)).toMatchObject({ kw: 0, code: 'idle' });
  });

  it('charges from the grid on the night register only inside the quarter budget', () => {
    const night = { ...DEFAULT_STRATEGY, nightChargeToPct: 90, gridChargeKw: 3 };
    expect(decide(input({ gridKw: 0.5, allowedKw: 4, tariff: 2 }), night)).toMatchObject({ kw: 3, fromGrid: true, code: 'grid-charge' });
    // A = 2.5 and the house draws 0.5: 2 kW left for the battery
    expect(decide(input({ gridKw: 0.5, allowedKw: 2.5, tariff: 2 }), night)).toMatchObject({ kw: 2, code: 'budget' });
    expect(decide(input({ gridKw: 0.5, allowedKw: 4, tariff: 1 }), night)).toMatchObject({ kw: -0.5, code: 'cover-import' });
  });

  it('follows a plan\'s SoC target: 3 kWh missing over 2 hours is 1.5 kW', () => {
    const plan = { socPct: 80, byTime: Date.UTC(2026, 5, 1, 14) };
    expect(decide(input({ battery: battery({ socPct: 50 }), plan }), DEFAULT_STRATEGY)).toMatchObject({ kw: 1.5, fromGrid: true, code: 'plan-target' });
  });

  it('modes: hold is 0, off is no control at all, charge and discharge use the device\'s limits within the budget', () => {
    expect(decide(input({ mode: 'hold', gridKw: -3 }), DEFAULT_STRATEGY)).toMatchObject({ kw: 0, code: 'hold' });
    expect(decide(input({ mode: 'off' }), DEFAULT_STRATEGY)).toMatchObject({ kw: null, code: 'off' });
    expect(decide(input({ mode: 'charge', gridKw: 1, allowedKw: 4 }), DEFAULT_STRATEGY)).toMatchObject({ kw: 3, code: 'budget' });
    expect(decide(input({ mode: 'discharge' }), DEFAULT_STRATEGY)).toMatchObject({ kw: -5, code: 'manual-discharge' });
    expect(decide(input({ gridKw: null }), DEFAULT_STRATEGY)).toMatchObject({ kw: 0, code: 'no-meter' });
  });

  describe('with a plan that discharges 1 kW this quarter, the house drawing 3 kW more than the battery gives', () => {
    // grid 2 kW while the battery discharges 1 kW: the house alone draws 3 kW
    const planned = (over: Partial<StrategyInput> = {}) => input({ gridKw: 2, battery: battery({ powerKw: -1 }), plannedKw: -1, ...over });

    it('covers only the plan\'s 1 kW when it says nothing of what a kWh drawn costs later', () => {
      expect(decide(planned(), DEFAULT_STRATEGY)).toMatchObject({ kw: -1, code: 'plan' });
    });

    it('covers all 3 kW where the import now (0.40 EUR) is dearer than what a kWh drawn costs the plan later (0.30)', () => {
      expect(decide(planned({ importPriceEur: 0.4, drawCostEur: 0.3 }), DEFAULT_STRATEGY)).toMatchObject({ kw: -3, code: 'plan' });
    });

    it('keeps to the plan\'s 1 kW where the charge is worth more later (0.45 against 0.40), or as much (0.40)', () => {
      expect(decide(planned({ importPriceEur: 0.4, drawCostEur: 0.45 }), DEFAULT_STRATEGY)).toMatchObject({ kw: -1, code: 'plan' });
      expect(decide(planned({ importPriceEur: 0.4, drawCostEur: 0.4 }), DEFAULT_STRATEGY)).toMatchObject({ kw: -1, code: 'plan' });
    });

    it('never below its reserve', () => {
      expect(decide(planned({ importPriceEur: 0.4, drawCostEur: 0, battery: battery({ powerKw: -1, socPct: 5 }) }), DEFAULT_STRATEGY)).toMatchObject({ kw: 0, code: 'reserve' });
    });
  });

  it('does not charge when full nor chase noise', () => {
    expect(decide(input({ gridKw: -2, battery: battery({ socPct: 100 }) }), DEFAULT_STRATEGY)).toMatchObject({ kw: 0, code: 'full' });
    expect(decide(input({ gridKw: 0.03 }), DEFAULT_STRATEGY)).toMatchObject({ kw: 0, code: 'idle' });
  });
});
