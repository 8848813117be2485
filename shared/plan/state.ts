import { z } from 'zod';

/**
 * The plan's part of the bus state (`plan`, published by the meter's plan service,
 * main/site/plan/): per quarter for the next 48 h what the house, each car and the battery are
 * planned to draw, the price and the month peak the plan allows; per car the state of charge
 * expected at each departure; the next intentions per device and the trips the plan cannot meet
 * with what would fix them. Plain JSON: the dashboard, satellites (mirrored) and the MQTT bridge
 * read it unchanged. Devices are listed in arrays (never used as object keys); a quarter's
 * `carKwh` follows the order of `cars`.
 */

const epochMs = z.number().int();

export const planReasonSchema = z.enum(['start', 'quarter', 'trips', 'prices', 'plug', 'soc', 'drift']);
export type PlanReason = z.infer<typeof planReasonSchema>;

export const plannedQuarterSchema = z.object({
  start: epochMs,
  /** the net base load forecast (house minus solar), kWh; + import */
  baseKwh: z.number(),
  /** the house's part of it (kWh, >= 0) and the solar part (kWh, >= 0) */
  houseKwh: z.number(),
  solarKwh: z.number(),
  /** energy into each car this quarter (kWh at the connection), in the order of `cars` */
  carKwh: z.array(z.number()),
  /** energy into (+) or out of (-) the battery this quarter, kWh at the connection */
  batteryKwh: z.number(),
  importKwh: z.number(),
  exportKwh: z.number(),
  /** EUR per kWh imported */
  importPrice: z.number(),
  /** the month peak the plan allows in this quarter, kW */
  targetPeakKw: z.number(),
  /**
   * with a battery: what a kWh drawn from it at the meter beyond the plan's discharge costs the
   * plan's later quarters, EUR; the battery covers an import the forecast missed where the
   * import price is above it (absent from plans made before it existed)
   */
  batteryDrawCostEur: z.number().nullable().optional(),
});
export type PlannedQuarterState = z.infer<typeof plannedQuarterSchema>;

export const plannedDepartureSchema = z.object({
  time: epochMs,
  wantedPct: z.number(),
  /** the state of charge the plan reaches by then */
  expectedPct: z.number(),
  met: z.boolean(),
  /** kWh in the car that the plan lacks at departure (0 when met) */
  shortKwh: z.number(),
});
export type PlannedDeparture = z.infer<typeof plannedDepartureSchema>;

export const plannedCarSchema = z.object({
  /** the car's id (ev.cars) */
  id: z.string(),
  name: z.string(),
  /** the charger it is on, or null when unplugged */
  charger: z.string().nullable(),
  socPct: z.number().nullable(),
  plugged: z.boolean(),
  departures: z.array(plannedDepartureSchema),
});
export type PlannedCar = z.infer<typeof plannedCarSchema>;

/** What a device will do next: now (when `from` is the running quarter) or from `from` on. */
export const intentionSchema = z.object({
  device: z.string(),
  kind: z.enum(['car', 'battery']),
  action: z.enum(['charge', 'discharge', 'idle']),
  /** the block of quarters the action runs in; null for idle with nothing planned in the horizon */
  from: epochMs.nullable(),
  to: epochMs.nullable(),
  /** average power over the block, kW (positive) */
  kw: z.number(),
  /** average import price over the block, EUR/kWh */
  priceEur: z.number().nullable(),
});
export type Intention = z.infer<typeof intentionSchema>;

/** A trip the plan cannot meet, said ahead of time with what would make it feasible. */
export const planProblemSchema = z.object({
  car: z.string(),
  departure: epochMs,
  wantedPct: z.number(),
  expectedPct: z.number(),
  fixes: z.object({
    /** plugging in and charging from now on would meet it */
    startNow: z.boolean(),
    /** the least month peak that meets it (kW) and what that costs more (EUR), or null when no peak helps */
    peak: z.object({ kw: z.number(), extraEur: z.number() }).nullable(),
    /** the earliest departure (a quarter boundary) the plan meets it by, or null when none in the horizon */
    leaveAt: epochMs.nullable(),
  }),
});
export type PlanProblem = z.infer<typeof planProblemSchema>;

export const planStateSchema = z.object({
  /** meter time the plan was made */
  madeAt: epochMs,
  reason: planReasonSchema,
  /** start of the first quarter */
  start: epochMs,
  cars: z.array(plannedCarSchema),
  /** the battery planned, or null */
  battery: z.object({ device: z.string(), socPct: z.number(), capacityKwh: z.number() }).nullable(),
  quarters: z.array(plannedQuarterSchema),
  intentions: z.array(intentionSchema),
  problems: z.array(planProblemSchema),
  cost: z.object({ energyEur: z.number(), peakEur: z.number(), totalEur: z.number() }),
  /** the user's ceiling for the month peak, kW (null: none) */
  ceilingKw: z.number().nullable(),
  /** why no plan could be made (the previous quarters are then empty), or null */
  error: z.string().nullable(),
});
export type PlanState = z.infer<typeof planStateSchema>;
