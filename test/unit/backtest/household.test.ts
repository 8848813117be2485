import { describe, expect, it } from 'vitest';
import { connectionKw, loadHousehold, parseHousehold } from '../../../main/backtest/household.js';

describe('backtest households', () => {
  it('ships the two households of issue 21', () => {
    const register = loadHousehold('flanders-register');
    // 3 x 25 A on 3 x 400 V: 3 x 230 V x 25 A = 17.25 kW
    expect(connectionKw(register)).toBeCloseTo(17.25, 6);
    expect(register.cars.map((c) => [c.id, c.batteryKwh])).toEqual([['car_1', 60], ['car_2', 40]]);
    expect(register.battery).toMatchObject({ capacityKwh: 10, maxChargeKw: 5, roundTrip: 0.9, reservePercent: 10 });
    const dynamic = loadHousehold('flanders-dynamic-230');
    // 3 x 40 A on 3 x 230 V: sqrt(3) x 230 V x 40 A = 15.93 kW
    expect(connectionKw(dynamic)).toBeCloseTo(15.935, 2);
    expect(dynamic.rates.Electricity.dynamic?.['+']).toEqual({ factor: 0.1039, base: 0.8702 });
    expect(dynamic.battery).toBeNull();
  });

  it('names the file and the place of what is wrong', () => {
    expect(() => parseHousehold('{', 'x.json')).toThrow(/^x\.json: not JSON/);
    const text = JSON.stringify({ name: 'h', fuse: { grid: '3x400', phases: 3, amps: 25 } });
    expect(() => parseHousehold(text, 'h.json')).toThrow(/h\.json: not a household: rates: /);
    expect(() => loadHousehold('/nonexistent/h.json')).toThrow(/cannot read it \(ENOENT\)/);
  });

  it('refuses a car id that would become an object key', () => {
    const h = JSON.parse(JSON.stringify(loadHousehold('flanders-register'))) as { cars: Array<{ id: string }> };
    h.cars[0]!.id = '__proto__';
    expect(() => parseHousehold(JSON.stringify(h), 'h.json')).toThrow(/cars\.0\.id/);
  });
});
