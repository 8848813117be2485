import { describe, expect, it } from 'vitest';
import { ChangeThrottle } from '../../main/bus/mqtt/throttle.js';
import { METER_SENSORS, sensorValue } from '../../main/bus/mqtt/entities.js';
import { emptyBusState } from '../../shared/state.js';
import { quarterState } from '../support/quarter-state.js';

describe('ChangeThrottle (on change, at most every 10 s)', () => {
  it('sends the first value, skips repeats, holds changes within the interval and releases the latest', () => {
    const t = new ChangeThrottle<string>(10_000);
    expect(t.offer('p', '1.0', 0)).toBe(true);
    expect(t.offer('p', '1.0', 1000)).toBe(false);
    expect(t.nextDueIn(1000)).toBeNull();
    expect(t.offer('p', '1.1', 2000)).toBe(false);
    expect(t.offer('p', '1.2', 3000)).toBe(false);
    expect(t.nextDueIn(3000)).toBe(7000);
    expect(t.due(9999)).toEqual([]);
    expect(t.due(10_000)).toEqual([['p', '1.2']]);
    expect(t.offer('p', '1.3', 20_000)).toBe(true);
  });

  it('drops a change that is undone within the interval', () => {
    const t = new ChangeThrottle<string>(10_000);
    t.offer('p', 'a', 0);
    t.offer('p', 'b', 1000);
    t.offer('p', 'a', 2000);
    expect(t.due(10_000)).toEqual([]);
  });
});

describe('sensor values', () => {
  it('formats numbers with the entity precision and skips what the state lacks', () => {
    const state = { ...emptyBusState(), costs: { periods: { today: { totalEur: 1.005 } } }, quarter: quarterState({ gapKw: -0.25 }) };
    const byId = Object.fromEntries(METER_SENSORS.map((e) => [e.objectId, sensorValue(state, e)]));
    expect(byId.gap_kw).toBe('-0.250');
    expect(byId.cost_today_eur).toBe('1.00'); // 1.005 is 1.00499999... in binary
    expect(byId.import_t1_kwh).toBeNull();
  });
});
