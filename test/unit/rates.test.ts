import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRatesFile, RatesStore, activeRatesFile, writeFileAtomic } from '../../main/tariff/rates-load.js';
import { ConfigError } from '../../main/config/errors.js';
import { ratesSchema } from '../../main/tariff/rates-schema.js';
import { bandAt, electricityEur, gasEur, nextBandEdge, waterEur } from '../../main/tariff/pricing.js';

const repoRates = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'rates.json');
const Z = (iso: string) => Date.parse(iso);

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'rates-test-'));
}

/** Every extension at once, as documented in the README. */
const extended = {
  Gas: { '+': 0.09, cnv: ['kWh', 11.51], per: 'kWh', vat: 0.21 },
  Water: { '+': 6.1, vat: 0.06 },
  Electricity: {
    '+': { Peak: 0.35, OffPeak: 0.25 }, '-': { Peak: 0.05, OffPeak: 0.04 },
    registers: { 1: 'Day', 2: 'Night' },
    bands: { default: 'OffPeak', periods: [{ name: 'Peak', from: '07:00', to: '11:00' }, { name: 'Peak', from: '17:00', to: '22:00' }] },
    dynamic: { '+': { factor: 0.1039, base: 0.8702 }, '-': { factor: 0.1, base: -1.3135 }, unit: 'c/kWh' },
    vat: 0.06,
  },
  Capacity: { eurPerKwYear: 50, minimumKw: 2.5 },
  FixedFees: [{ name: 'data management', eurPerYear: 18.5, carrier: 'Electricity' }],
};

describe('rates.json', () => {
  it("loads the seed's file (the repository's rates.json) unchanged", () => {
    const rates = loadRatesFile(repoRates);
    expect(rates.Electricity['+']).toEqual({ Day: 0.4, Night: 0.3 });
    expect(rates.Gas).toEqual({ '+': 1.576, cnv: ['kWh', 11.51], per: 'm3' });
    expect(rates.Water).toEqual({ '+': 6.1 });
    expect(rates.Capacity).toBeUndefined();
  });

  it('loads every extension', () => {
    const rates = ratesSchema.parse(extended);
    expect(rates.Capacity).toEqual({ eurPerKwYear: 50, minimumKw: 2.5 });
    expect(rates.Electricity.dynamic?.unit).toBe('c/kWh');
  });

  it('refuses an invalid file naming the file, the field and what was expected', () => {
    const dir = tempDir();
    const file = join(dir, 'rates.json');
    writeFileSync(file, JSON.stringify({ Electricity: { '+': { Day: '0.4', Night: 0.3 } } }));
    expect(() => loadRatesFile(file)).toThrow(ConfigError);
    try { loadRatesFile(file); } catch (error) {
      expect((error as ConfigError).message).toBe(`${file}: Electricity.+.Day: Invalid input: expected number, received string`);
    }
  });

  it('refuses a band name without a price', () => {
    const dir = tempDir();
    const file = join(dir, 'rates.json');
    writeFileSync(file, JSON.stringify({ Electricity: { '+': { Day: 0.4 } } }));
    expect(() => loadRatesFile(file)).toThrow(`${file}: Electricity.+.Night: expected a price for "Night" (used by the register names)`);
  });

  it('keeps the last good rates in force when a reload finds a broken file; save is atomic', () => {
    const dir = tempDir();
    const file = join(dir, 'rates.json');
    writeFileSync(file, readFileSync(repoRates));
    const store = new RatesStore(file);
    writeFileSync(file, '{"Electricity": {"+": {"Day": 0.4, "Night": 0.3}},');
    expect(() => store.reload()).toThrow(/not valid JSON at line 1, column/);
    expect(store.current.Electricity['+'].Day).toBe(0.4);
    expect(() => store.save({ Electricity: { '+': { Day: -Infinity } } })).toThrow(ConfigError);
    expect(store.current.Electricity['+'].Day).toBe(0.4);
    const seen: number[] = [];
    store.onChange((r) => seen.push(r.Electricity['+'].Day!));
    store.save({ Electricity: { '+': { Day: 0.5, Night: 0.3 } } });
    expect(seen).toEqual([0.5]);
    expect(JSON.parse(readFileSync(file, 'utf8')).Electricity['+'].Day).toBe(0.5);
    expect(readdirSync(dir)).toEqual(['rates.json']); // no temporary file left behind
  });

  it('the active file: named by the config, else rates.json in the config directory, created from the bundled one', () => {
    const dir = tempDir();
    expect(activeRatesFile('my-rates.json', dir)).toBe(join(dir, 'my-rates.json'));
    const created = activeRatesFile(undefined, dir, repoRates);
    expect(created).toBe(join(dir, 'rates.json'));
    expect(readFileSync(created, 'utf8')).toBe(readFileSync(repoRates, 'utf8'));
    writeFileAtomic(created, '{"changed": true}');
    activeRatesFile(undefined, dir, repoRates); // an existing file is never overwritten
    expect(readFileSync(created, 'utf8')).toBe('{"changed": true}');
    expect(existsSync(join(dir, 'rates.json'))).toBe(true);
  });
});

describe('pricing', () => {
  const rates = ratesSchema.parse(extended);

  it('Wallonia clock bands: peak 07-11 and 17-22 Brussels time, off-peak otherwise', () => {
    expect(bandAt(rates.Electricity.bands!, Z('2026-01-15T05:59:00Z'))).toBe('OffPeak'); // 06:59 local
    expect(bandAt(rates.Electricity.bands!, Z('2026-01-15T06:00:00Z'))).toBe('Peak'); // 07:00 local
    expect(bandAt(rates.Electricity.bands!, Z('2026-07-15T15:00:00Z'))).toBe('Peak'); // 17:00 summer time
    expect(bandAt(rates.Electricity.bands!, Z('2026-07-15T20:00:00Z'))).toBe('OffPeak'); // 22:00 summer time
    expect(nextBandEdge(rates, Z('2026-01-15T12:00:00Z'))).toBe(Z('2026-01-15T16:00:00Z')); // 17:00 local
  });

  it('bands price total import by clock time, with VAT', () => {
    // 1 kWh in the peak band at 0.35, VAT 6%: 0.371
    const m = electricityEur(rates, Z('2026-01-15T08:00:00Z'), [600, 400], [0, 0]);
    expect(m.importEur).toBeCloseTo(0.371, 12);
  });

  it('the dynamic formula: Engie 0.1039 x spot + 0.8702 c/kWh; register or band rates without a spot price', () => {
    // spot 100 EUR/MWh: 11.2602 c/kWh = 0.112602 EUR/kWh, x 1.06 VAT
    const m = electricityEur(rates, Z('2026-01-15T03:00:00Z'), [1000, 0], [1000, 0], () => 100);
    expect(m.importEur).toBeCloseTo(0.112602 * 1.06, 12);
    // injection: (0.1 x 100 - 1.3135) c/kWh = 0.086865 EUR/kWh, no VAT on what a household injects
    expect(m.exportEur).toBeCloseTo(0.086865, 12);
    const fallback = electricityEur(rates, Z('2026-01-15T03:00:00Z'), [1000, 0], [0, 0], () => null);
    expect(fallback.importEur).toBeCloseTo(0.25 * 1.06, 12);
  });

  it('gas per kWh after cnv, water per m3, each with its VAT', () => {
    // 2 m3 x 11.51 kWh/m3 x 0.09 EUR/kWh x 1.21
    expect(gasEur(rates, 2000)).toBeCloseTo(2 * 11.51 * 0.09 * 1.21, 12);
    expect(waterEur(rates, 1000)).toBeCloseTo(6.1 * 1.06, 12);
  });
});
