import { z } from 'zod';

/**
 * rates.json: the seed's format, extended compatibly. The seed file
 *   {"Gas": {"+": 1.576, "cnv": ["kWh", 11.51]}, "Water": {"+": 6.1},
 *    "Electricity": {"+": {"Day": 0.4, "Night": 0.3}, "-": {"Day": 0.1, "Night": 0.1}}}
 * loads unchanged; every extension is an optional key whose absence means "not used".
 * Prices are EUR per kWh or per m3; when a carrier has `vat`, its prices are read as excluding
 * VAT and costs are multiplied by (1 + vat) (not the export compensation: a household does not
 * charge VAT on what it injects); without it the prices are used as written.
 */

/**
 * Prices are bounded so no sum of a year's figures can overflow to Infinity: 1,000 EUR per kWh
 * or m3 is far beyond any real contract, yet 1e308 would make every cost Infinity (then NaN).
 */
export const MAX_PRICE = 1000;
const price = z.number().min(-MAX_PRICE).max(MAX_PRICE).describe('a price in EUR');
const fraction = z.number().min(0).max(1).describe('a fraction such as 0.06 for 6%');

/** Band and register names are short labels: the dashboard shows them, and they become keys. */
export const MAX_NAME_LENGTH = 64;
/**
 * A band or register name. Names become keys of price tables, so `__proto__` (which a plain
 * object cannot hold as its own key) is refused; every other name, `constructor` included, is
 * looked up with own-property checks only (see hasPrice).
 */
const bandName = z.string().min(1).max(MAX_NAME_LENGTH)
  .refine((name) => name !== '__proto__', 'the name "__proto__" cannot be used; choose another name');

/** A price per named band: register names (Day/Night) or clock bands (Peak/OffPeak). */
const namedPrices = z.record(bandName, price);

/** The price of a band in a table, only when the table itself holds it (never an inherited `constructor`). */
export function hasPrice(table: Readonly<Record<string, number>> | undefined, name: string): boolean {
  return table !== undefined && Object.prototype.hasOwnProperty.call(table, name) && typeof table[name] === 'number';
}

/** price = factor x spot + base, spot in EUR/MWh; the result's unit says how to read it. */
export const spotFormulaSchema = z.object({
  factor: z.number().min(-MAX_PRICE).max(MAX_PRICE),
  base: z.number().min(-100 * MAX_PRICE).max(100 * MAX_PRICE),
}).strict();

export const dynamicSchema = z.object({
  '+': spotFormulaSchema.describe('import price formula'),
  '-': spotFormulaSchema.optional().describe('export compensation formula'),
  /** unit of factor x spot + base; tariff cards write c/kWh */
  unit: z.enum(['c/kWh', 'EUR/kWh', 'EUR/MWh']).default('c/kWh'),
  /** spot prices are EUR/MWh (ENTSO-E, Belpex) */
  spotUnit: z.literal('EUR/MWh').default('EUR/MWh'),
}).strict();

const clockTime = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'expected a time "HH:MM" (00:00 to 24:00)');

/** A clock-time band (Brussels civil time), e.g. Wallonia 2026 peak 07:00-11:00 and 17:00-22:00. */
export const bandSchema = z.object({
  name: bandName,
  from: clockTime,
  to: clockTime,
  /** ISO weekdays (1 = Monday ... 7 = Sunday); default every day */
  days: z.array(z.number().int().min(1).max(7)).min(1).optional(),
}).strict();

export const bandsSchema = z.object({
  /** the band name outside every listed period */
  default: bandName,
  periods: z.array(bandSchema).max(100),
}).strict();

export const electricitySchema = z.object({
  '+': namedPrices.describe('import price per band name, EUR/kWh'),
  '-': namedPrices.optional().describe('export compensation per band name, EUR/kWh'),
  /** meter register number -> band name; Belgium: 1 = Day, 2 = Night */
  registers: z.record(z.enum(['1', '2']), bandName).optional(),
  /** clock-based bands: when present, prices are chosen by clock time instead of register */
  bands: bandsSchema.optional(),
  dynamic: dynamicSchema.optional(),
  vat: fraction.optional(),
}).strict();

export const gasSchema = z.object({
  '+': price.describe('price per m3 (or per kWh when "per" is "kWh")'),
  /** m3 -> kWh conversion for display (and pricing when per = kWh) */
  cnv: z.tuple([z.literal('kWh'), z.number().positive().max(1000)]).optional(),
  per: z.enum(['m3', 'kWh']).default('m3'),
  vat: fraction.optional(),
}).strict();

export const waterSchema = z.object({
  '+': price.describe('price per m3'),
  vat: fraction.optional(),
}).strict();

export const capacitySchema = z.object({
  eurPerKwYear: z.number().min(0).max(100 * MAX_PRICE),
  /** each month counts as at least this much (Flanders: 2.5 kW) */
  minimumKw: z.number().min(0).max(1000).default(2.5),
  vat: fraction.optional(),
}).strict();

export const fixedFeeSchema = z.object({
  name: z.string().min(1).max(MAX_NAME_LENGTH),
  eurPerYear: z.number().min(-1000 * MAX_PRICE).max(1000 * MAX_PRICE),
  carrier: z.enum(['Electricity', 'Gas', 'Water']).optional(),
  vat: fraction.optional(),
}).strict();

export const ratesSchema = z.object({
  Electricity: electricitySchema,
  Gas: gasSchema.optional(),
  Water: waterSchema.optional(),
  /** Flemish capacity tariff; absent = no measured-peak charge (Wallonia, Brussels) */
  Capacity: capacitySchema.optional(),
  FixedFees: z.array(fixedFeeSchema).max(100).optional(),
}).strict().superRefine((rates, ctx) => {
  // every band name a delta can be given must have a price, or cost would silently be 0
  const e = rates.Electricity;
  const names = e.bands
    ? [e.bands.default, ...e.bands.periods.map((p) => p.name)]
    : Object.values({ ...DEFAULT_REGISTER_NAMES, ...e.registers });
  for (const side of ['+', '-'] as const) {
    const table = e[side];
    if (!table) continue;
    for (const name of new Set(names)) {
      // own keys only: `name in table` would find `constructor` or `toString` on every object
      if (!hasPrice(table, name)) {
        ctx.addIssue({ code: 'custom', path: ['Electricity', side, name], message: `expected a price for "${name}" (used by ${e.bands ? 'Electricity.bands' : 'the register names'})` });
      }
    }
  }
});

/** Belgium: register 1 is the day (normal) tariff, register 2 the night (low) tariff. */
export const DEFAULT_REGISTER_NAMES: Readonly<Record<'1' | '2', string>> = { 1: 'Day', 2: 'Night' };

export type Rates = z.infer<typeof ratesSchema>;
export type Bands = z.infer<typeof bandsSchema>;
export type Dynamic = z.infer<typeof dynamicSchema>;
