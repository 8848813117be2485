/**
 * The backtest's household file (`--household FILE`, resources/households/*.json): the
 * connection, the rates (the rates.json schema, with its capacity tariff), the load and solar to
 * generate, the cars with their trips and the battery. Every object may carry a `note` for
 * people: the shipped files explain themselves with it. Ids become Map keys only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { ratesSchema } from '../../shared/tariff/rates-schema.js';
import { deviceIdSchema } from '../../shared/site/contract.js';
import { fuseSchema } from '../site/fuse.js';

const note = z.string().max(2000).optional();
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time "HH:MM"');
const weekdays = z.array(z.number().int().min(1).max(7)).min(1).max(7);

/** A trip every listed weekday: out at `leave`, back at `back`, `km` driven. */
const commuteSchema = z.object({
  note,
  kind: z.literal('commute'),
  km: z.number().min(1).max(1000),
  weekdays,
  leave: hhmm,
  back: hhmm,
}).strict();

/** Trips from the calendar: about `perWeek` of them, at times and distances drawn by the seed. */
const calendarSchema = z.object({
  note,
  kind: z.literal('calendar'),
  perWeek: z.number().min(0).max(7),
  kmMin: z.number().min(1).max(1000),
  kmMax: z.number().min(1).max(1000),
  /** earliest and latest departure, local time */
  leaveFrom: hhmm,
  leaveTo: hhmm,
  /** hours away */
  hoursMin: z.number().min(0.5).max(20),
  hoursMax: z.number().min(0.5).max(20),
}).strict().refine((c) => c.kmMin <= c.kmMax && c.hoursMin <= c.hoursMax, { message: 'min above max' });

export const carSchema = z.object({
  note,
  id: deviceIdSchema,
  /** the name in the calendar's @car_<name>@ */
  name: z.string().min(1).max(48),
  batteryKwh: z.number().min(5).max(300),
  maxPhases: z.union([z.literal(1), z.literal(3)]),
  maxCurrentA: z.number().min(6).max(32),
  /** the charger's own maximum current */
  chargerMaxCurrentA: z.number().min(6).max(32),
  /**
   * the charger may switch a three-phase car to one phase for low power (NRGkick: phase
   * switching enabled in its app): 6 A on one phase instead of on three, so a smaller solar
   * surplus can be stored in the car
   */
  phaseSwitching: z.boolean().default(false),
  efficiency: z.number().min(0.5).max(1).default(0.9),
  consumptionKwhPer100km: z.number().min(5).max(60),
  minSocPercent: z.number().min(0).max(100),
  startSocPercent: z.number().min(0).max(100),
  /** a trip needs its energy plus this share of the battery at departure (capped at full) */
  reservePercent: z.number().min(0).max(100),
  trips: z.discriminatedUnion('kind', [commuteSchema, calendarSchema]),
  /** the departure plan a 30-s controller (evcc) would be given: every listed weekday, this level by this time */
  repeatingPlan: z.object({ note, weekdays, time: hhmm, socPercent: z.number().min(1).max(100) }).strict(),
}).strict();

export const householdSchema = z.object({
  note,
  name: z.string().min(1).max(60),
  fuse: fuseSchema,
  rates: ratesSchema,
  /** a generated day-ahead series drives the dynamic contract (Electricity.dynamic) */
  dayAhead: z.boolean(),
  baseLoad: z.object({
    note,
    kwhPerYear: z.number().min(100).max(50_000),
    appliances: z.array(z.enum(['cooking', 'washing-machine', 'dishwasher', 'kettle', 'oven'])).max(5),
  }).strict(),
  pv: z.object({
    note,
    kwp: z.number().min(0).max(50),
    orientation: z.enum(['south', 'east-west']),
  }).strict(),
  cars: z.array(carSchema).max(4),
  battery: z.object({
    note,
    capacityKwh: z.number().min(0.5).max(200),
    maxChargeKw: z.number().min(0.1).max(50),
    maxDischargeKw: z.number().min(0.1).max(50),
    roundTrip: z.number().min(0.5).max(1),
    reservePercent: z.number().min(0).max(100),
    startSocPercent: z.number().min(0).max(100),
  }).strict().nullable(),
}).strict().superRefine((h, ctx) => {
  const ids = new Set<string>();
  h.cars.forEach((c, i) => {
    if (ids.has(c.id)) ctx.addIssue({ code: 'custom', path: ['cars', i, 'id'], message: `car id ${c.id} appears twice` });
    ids.add(c.id);
  });
  if (!h.rates.Capacity) ctx.addIssue({ code: 'custom', path: ['rates', 'Capacity'], message: 'the backtest bills a capacity tariff: rates.Capacity is needed' });
  if (h.dayAhead && !h.rates.Electricity.dynamic) ctx.addIssue({ code: 'custom', path: ['rates', 'Electricity', 'dynamic'], message: 'dayAhead needs a dynamic contract' });
});

export type Household = z.infer<typeof householdSchema>;
export type HouseholdCar = Household['cars'][number];

/** Parse a household from JSON text; errors name the file and the path inside it. */
export function parseHousehold(text: string, where: string): Household {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where}: not JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = householdSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join('.') : '(top)'}: ${i.message}`);
    throw new Error(`${where}: not a household: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** The shipped households, by name. */
export const BUILTIN_HOUSEHOLDS = ['flanders-register', 'flanders-dynamic-230'] as const;

export function builtinHouseholdPath(name: string): URL {
  // from dist/main/backtest/ the repository is three folders up, from main/backtest/ two
  const candidates = [`../../../resources/households/${name}.json`, `../../resources/households/${name}.json`].map((p) => new URL(p, import.meta.url));
  return candidates.find((u) => existsSync(u)) ?? candidates[0]!;
}

export function loadHousehold(nameOrFile: string): Household {
  const builtin = (BUILTIN_HOUSEHOLDS as readonly string[]).includes(nameOrFile);
  const path = builtin ? builtinHouseholdPath(nameOrFile) : nameOrFile;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`household ${nameOrFile}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  return parseHousehold(text, builtin ? `resources/households/${nameOrFile}.json` : nameOrFile);
}

/** The connection's capacity in kW: what the main fuse lets through on all phases together. */
export function connectionKw(h: Household): number {
  const f = h.fuse;
  if (f.grid === '1x230') return (230 * f.amps) / 1000;
  if (f.grid === '3x230') return (Math.sqrt(3) * 230 * f.amps) / 1000;
  return (3 * 230 * f.amps) / 1000;
}
