import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../main/config/errors.js';
import { loadConfig } from '../../main/config/load.js';
import { tripCar } from '../../main/ev/trips/trip-car.js';

/**
 * One list of cars: the calendar's @car_<id>@ names a car of ev.cars. A file from before, with
 * the calendar's cars in trips.cars, still loads (the cars moved into ev.cars, a notice says what
 * to change); what cannot be moved is refused naming the path as written.
 */
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function load(config: unknown) {
  const dir = mkdtempSync(join(tmpdir(), 'dm-trip-cars-'));
  dirs.push(dir);
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(config));
  return loadConfig(file, {});
}

function problemsOf(config: unknown): readonly string[] {
  try {
    load(config);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('it loaded');
}

describe('the calendar\'s cars are ev.cars', () => {
  it('a car of ev.cars as the trips see it: its id, its consumption, its tripNeed or else its defaultTripKm', () => {
    const { config } = load({ ev: { cars: [
      { id: 'tesla', name: 'Tesla Model 3', batteryKwh: 75, consumptionKwhPer100km: 16, efficiency: 0.92, tripNeed: '80%' },
      { id: 'zoe', name: 'Renault Zoe', batteryKwh: 52 },
    ] } });
    expect(config.ev!.cars.map(tripCar)).toEqual([
      { name: 'tesla', label: 'Tesla Model 3', batteryKwh: 75, consumptionKwhPer100Km: 16, defaultNeed: '80%', chargeEfficiency: 0.92 },
      // the defaults of ev.cars: 18 kWh/100 km, 0.9, a 50 km trip
      { name: 'zoe', label: 'Renault Zoe', batteryKwh: 52, consumptionKwhPer100Km: 18, defaultNeed: '50km', chargeEfficiency: 0.9 },
    ]);
    expect(problemsOf({ ev: { cars: [{ id: 'zoe', name: 'Zoe', batteryKwh: 52, tripNeed: '80' }] } })).toEqual(['ev.cars.0.tripNeed: a level such as "80%" or a range such as "120km"']);
  });

  it('an older file\'s trips.cars loads: moved into ev.cars, with a notice saying what to change', () => {
    const loaded = load({
      ev: { cars: [{ id: 'zoe', name: 'Renault Zoe', batteryKwh: 52 }] },
      trips: { cars: [
        { name: 'Tesla', batteryKwh: 75, consumptionKwhPer100Km: 16, defaultNeed: '70%', chargeEfficiency: 0.92 },
        { name: 'zoe', batteryKwh: 40 },
      ], marginMinutes: 20 },
    });
    expect(loaded.config.ev!.cars.map((c) => [c.id, c.name, c.batteryKwh, c.consumptionKwhPer100km, c.efficiency, c.tripNeed ?? null])).toEqual([
      // ev.cars' own zoe wins over trips.cars' zoe (52 kWh, not 40)
      ['zoe', 'Renault Zoe', 52, 18, 0.9, null],
      ['tesla', 'Tesla', 75, 16, 0.92, '70%'],
    ]);
    expect(loaded.config.trips.marginMinutes).toBe(20);
    expect(loaded.notices).toEqual([
      'trips.cars is no longer read: the calendar\'s @car_<id>@ names a car of ev.cars (one list for the chargers and the calendar). '
      + 'Moved for now: \'Tesla\' -> ev.cars id "tesla". Ignored: \'zoe\' (ev.cars already has "zoe"). '
      + 'Put the cars in ev.cars (id, name, batteryKwh, consumptionKwhPer100km, efficiency, tripNeed) and remove trips.cars from the file.',
    ]);
    // the trips.cars default need was 80%: kept
    expect(load({ trips: { cars: [{ name: 'golf', batteryKwh: 36 }] } }).config.ev!.cars[0]!.tripNeed).toBe('80%');
  });

  it('an older car that cannot be moved is refused naming its path as written', () => {
    expect(problemsOf({ trips: { cars: [{ name: 'tesla', batteryKwh: 'big' }] } })).toEqual(['trips.cars.0.batteryKwh: Invalid input: expected number, received string']);
    // ev.cars asks at least 0.5 for the efficiency and at most 300 kWh
    expect(problemsOf({ trips: { cars: [{ name: 'tesla', batteryKwh: 75 }, { name: 'bus', batteryKwh: 400, chargeEfficiency: 0.3 }] } })).toEqual([
      'trips.cars.1.batteryKwh: Too big: expected number to be <=300 (the cars are now ev.cars; move this car there)',
      'trips.cars.1.chargeEfficiency: Too small: expected number to be >=0.5 (the cars are now ev.cars; move this car there)',
    ]);
    // a name that is no device id in lowercase
    expect(problemsOf({ trips: { cars: [{ name: '_tesla', batteryKwh: 75 }] } })).toEqual([
      'trips.cars.0.name: lowercase letters, digits, - and _, at most 48 (the cars are now ev.cars; move this car there)',
    ]);
  });

  it('the README\'s trips example loads as written', () => {
    const readme = readFileSync(resolve(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Trips from the calendar'));
    const json = /```json\n([\s\S]*?)\n```/.exec(section)![1]!;
    const loaded = load(JSON.parse(json));
    expect(loaded.notices).toEqual([]);
    expect(loaded.config.ev!.cars.map(tripCar).map((c) => [c.name, c.defaultNeed])).toEqual([['tesla', '80%'], ['zoe', '60%']]);
    expect(loaded.config.trips.calendars.map((c) => c.name)).toEqual(['gezin', 'work']);
  });
});
