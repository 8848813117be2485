/**
 * Band and register names come from a file (rates.json, or rates.save from any token holder)
 * and become keys of price tables. Names every JS object inherits (`constructor`, `toString`,
 * `__proto__`...) once passed the `name in table` check, priced energy at NaN and crashed the
 * next commit. Here: every name is either refused with a message naming it, or priced with
 * exactly the price written for it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ratesSummary } from '../../main/dashboard/figures.js';
import { electricityEur, electricityPrice } from '../../main/tariff/pricing.js';
import { parseRates } from '../../main/tariff/rates-load.js';
import { ratesSchema } from '../../main/tariff/rates-schema.js';

const ODD_NAMES = [
  'constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf',
  'propertyIsEnumerable', 'toLocaleString', '__defineGetter__', '__lookupSetter__', 'prototype',
];

/** As a file gives it: JSON.parse makes `__proto__` an own key, as a hand-written rates.json would. */
function fromFile(text: string): unknown {
  return JSON.parse(text);
}

const name = fc.oneof(fc.constantFrom(...ODD_NAMES), fc.string({ minLength: 1, maxLength: 64 }));
// whole cents, so the expected cost of 1 kWh is the price itself, exactly
const price = fc.integer({ min: -100_000, max: 100_000 }).map((c) => c / 100);
const noon = Date.UTC(2026, 5, 15, 10, 0); // 12:00 Brussels summer time

describe('rates with names every object inherits', () => {
  it('a register name without its own price is refused, naming it; with one, 1 kWh costs exactly that price', () => {
    fc.assert(fc.property(name, price, fc.boolean(), (register, p, priced) => {
      fc.pre(register !== 'Night');
      const plus = priced ? { [register]: p, Night: 0.3 } : { Night: 0.3 };
      const text = `{"Electricity":{"registers":{"1":${JSON.stringify(register)},"2":"Night"},"+":${JSON.stringify(plus)}}}`;
      const parsed = ratesSchema.safeParse(fromFile(text));
      if (!priced || register === '__proto__') {
        expect(parsed.success).toBe(false);
        const messages = parsed.success ? '' : parsed.error.issues.map((i) => i.message).join('; ');
        expect(messages).toContain(register === '__proto__' ? '"__proto__" cannot be used' : `expected a price for "${register}"`);
        return;
      }
      expect(parsed.success).toBe(true);
      const rates = parsed.data!;
      // 1000 Wh on register 1 at p EUR/kWh, no VAT: p EUR; register 2 at 0.3: 0.3 EUR
      expect(electricityEur(rates, noon, [1000, 0], [0, 0]).importEur).toBe(p);
      expect(electricityEur(rates, noon, [0, 1000], [0, 0]).importEur).toBe(0.3);
      // no export table: an export is worth nothing, never NaN
      expect(electricityEur(rates, noon, [0, 0], [1000, 0]).exportEur).toBe(0);
    }), { numRuns: 300 });
  });

  it('a clock band named like an inherited property is priced by its own entry only', () => {
    fc.assert(fc.property(name, price, (band, p) => {
      fc.pre(band !== 'Off' && band !== '__proto__');
      const text = `{"Electricity":{"bands":{"default":"Off","periods":[{"name":${JSON.stringify(band)},"from":"00:00","to":"24:00"}]},`
        + `"+":{"Off":0.2,${JSON.stringify(band)}:${p}},"-":{"Off":0.05,${JSON.stringify(band)}:0.01}}}`;
      const rates = ratesSchema.parse(fromFile(text));
      expect(electricityPrice(rates, '+', band, noon)).toBe(p);
      expect(electricityPrice(rates, '-', band, noon)).toBe(0.01);
      // a band the tables do not hold costs 0, whatever Object.prototype has under that name
      for (const other of ODD_NAMES) if (other !== band) expect(electricityPrice(rates, '+', other, noon)).toBe(0);
      const summary = ratesSummary(rates, noon);
      expect(summary.bandNow).toBe(band);
      expect(Object.keys(summary.importEur).sort()).toEqual(['Off', band].sort());
    }), { numRuns: 300 });
  });

  it('__proto__ as a band or default name is refused with a message naming it', () => {
    const text = '{"Electricity":{"bands":{"default":"__proto__","periods":[]},"+":{"__proto__":0.2}}}';
    expect(() => parseRates('/x/rates.json', fromFile(text))).toThrow(/Electricity\.bands\.default: the name "__proto__" cannot be used/);
  });
});

describe('rates that would overflow or never match', () => {
  const base = (electricity: string) => fromFile(`{"Electricity":${electricity}}`);

  it('refuses 24:59, prices of 1e308 and 63 KB band names, naming the field', () => {
    const long = 'x'.repeat(63 * 1024);
    const cases: Array<[string, RegExp]> = [
      ['{"+":{"Day":0.4,"Night":0.3},"bands":{"default":"Day","periods":[{"name":"Night","from":"24:59","to":"07:00"}]}}', /Electricity\.bands\.periods\.0\.from: expected a time "HH:MM" \(00:00 to 24:00\)/],
      ['{"+":{"Day":1e308,"Night":0.3}}', /Electricity\.\+\.Day: .*1000/],
      [`{"+":{"Day":0.4,"Night":0.3},"registers":{"1":"${long}"}}`, /Electricity\.registers\.1: .*64/],
    ];
    for (const [electricity, message] of cases) {
      expect(() => parseRates('/x/rates.json', base(electricity))).toThrow(message);
    }
    // 24:00 stays the end of a day
    expect(ratesSchema.safeParse(base('{"+":{"Day":0.4,"Night":0.3},"bands":{"default":"Day","periods":[{"name":"Night","from":"22:00","to":"24:00"}]}}')).success).toBe(true);
  });
});
