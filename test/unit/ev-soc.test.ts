import { describe, expect, it } from 'vitest';
import { evSchema } from '../../main/config/ev-schema.js';
import { socAtPath, SocTracker } from '../../main/ev/soc.js';
import { socFromPayload } from '../../main/ev/soc-mqtt.js';

describe('state of charge', () => {
  it('is the user\'s value at plug-in, then an estimate from the charged energy, marked as such', () => {
    const soc = new SocTracker(60, 0.9);
    expect(soc.value()).toBeNull();
    soc.report(15, 'user', 1000);
    expect(soc.value()).toEqual({ percent: 15, source: 'user', basedOn: 'user', readAtMonoMs: 1000, via: null });
    // 10 kWh drawn x 0.9 = 9 kWh stored = 15% of 60 kWh: 15% + 15% = 30%
    soc.session(10);
    expect(soc.value()!.source).toBe('estimate');
    expect(soc.value()!.percent).toBeCloseTo(30, 6);
    // a vehicle reading replaces the estimate; further charge counts from it: 2 kWh x 0.9 / 60 = 3%
    soc.report(28, 'vehicle', 5000);
    expect(soc.value()).toMatchObject({ percent: 28, source: 'vehicle' });
    soc.session(12);
    expect(soc.value()).toMatchObject({ source: 'estimate', basedOn: 'vehicle' });
    expect(soc.value()!.percent).toBeCloseTo(31, 6);
    soc.unplugged();
    expect(soc.value()).toBeNull();
  });

  it('refuses a value that is not a percentage', () => {
    const soc = new SocTracker(60, 0.9);
    expect(() => soc.report(120, 'user', 0)).toThrow(/state of charge 120: expected a percentage from 0 to 100/);
  });

  it('reads a vehicle source\'s JSON by path without trusting inherited keys', () => {
    expect(socAtPath({ battery: { soc: 55 } }, 'battery.soc')).toBe(55);
    expect(socAtPath({ battery: { soc: '61.5' } }, 'battery.soc')).toBe(61.5);
    expect(socAtPath({}, 'constructor')).toBeNull();
    expect(socAtPath({ battery: { soc: 140 } }, 'battery.soc')).toBeNull();
  });
});

describe('state of charge from an MQTT payload', () => {
  it('takes a plain number, or JSON at the configured path, and says why anything else is not one', () => {
    expect(socFromPayload(' 62.5\n', undefined)).toBe(62.5);
    expect(socFromPayload('{"battery":{"soc":48}}', 'battery.soc')).toBe(48);
    expect(socFromPayload('unavailable', undefined)).toBe('"unavailable" is not a percentage from 0 to 100');
    expect(socFromPayload('140', undefined)).toBe('"140" is not a percentage from 0 to 100');
    expect(socFromPayload('62', 'battery.soc')).toBe('no percentage at "battery.soc" in the payload');
    expect(socFromPayload('{"soc":', 'soc')).toBe('the payload is not JSON (path "soc" was configured)');
  });

  it('is configured with a broker URL and one topic, never a wildcard', () => {
    const car = { id: 'car_1', name: 'Zoe', batteryKwh: 52 };
    const ok = evSchema.parse({ cars: [{ ...car, socSource: { type: 'mqtt', url: 'mqtt://127.0.0.1:1883', topic: 'car/soc' } }] });
    expect(ok.cars[0]!.socSource).toEqual({ type: 'mqtt', url: 'mqtt://127.0.0.1:1883', topic: 'car/soc' });
    const wild = evSchema.safeParse({ cars: [{ ...car, socSource: { type: 'mqtt', url: 'mqtt://127.0.0.1:1883', topic: 'car/#' } }] });
    expect(wild.error!.issues[0]).toMatchObject({ path: ['cars', 0, 'socSource', 'topic'], message: 'one topic, without the wildcards # or +' });
  });
});

describe('ev config section', () => {
  it('defaults a car\'s minimum SoC to 20% and names the bad field', () => {
    const ok = evSchema.parse({ cars: [{ id: 'car_1', name: 'Zoe', batteryKwh: 52 }], chargers: [{ id: 'garage', type: 'nrgkick', url: 'http://127.0.0.1:8090', car: 'car_1' }] });
    expect(ok.cars[0].minSocPercent).toBe(20);
    expect(ok.chargers[0]).toMatchObject({ mode: 'smart', safeCurrentA: 0, maxCurrentA: 16 });
    const bad = evSchema.safeParse({ cars: [], chargers: [{ id: 'garage', type: 'nrgkick', url: 'http://x', car: '__proto__' }] });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error!.issues)).toMatch(/chargers.*car|lowercase letters/);
    const twice = evSchema.safeParse({ cars: [{ id: 'a', name: 'A', batteryKwh: 40 }, { id: 'a', name: 'B', batteryKwh: 40 }] });
    expect(twice.error!.issues[0]).toMatchObject({ path: ['cars', 1, 'id'], message: 'car id "a" is used twice' });
  });
});
