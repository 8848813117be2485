import { z } from 'zod';
import { conductorSchema, demandClassSchema, deviceIdSchema } from '../../shared/site/contract.js';
import { fuseSchema } from '../site/fuse.js';

/**
 * A device that does what it is granted and reports it as its draw (kind "test"): for trying
 * the site and satellites without a car or a battery, and for the integration tests. It asks for
 * its band all the time in the class given.
 */
export const testDeviceSchema = z.object({
  id: deviceIdSchema,
  conductors: z.array(conductorSchema).min(1).max(3).default([1, 2, 3]),
  maxKw: z.number().positive().max(100),
  minRunKw: z.number().min(0).max(100).default(0),
  class: demandClassSchema.default('plan'),
  priority: z.number().int().min(0).max(100).default(50),
  /** energy asked for each quarter (class plan), kWh */
  plannedKwh: z.number().min(0).max(100).default(2.75),
}).strict();
export type TestDeviceConfig = z.infer<typeof testDeviceSchema>;

/**
 * `site.plan`: the plan service beside the meter (main/site/plan/): the next 48 h of every car's
 * and the battery's energy per quarter, made again every quarter and on changes.
 */
export const planConfigSchema = z.object({
  enabled: z.boolean().default(true),
  /** the month peak the plan never raises above on its own, kW (it says what a trip would need instead); null: none */
  ceilingKw: z.number().positive().max(1000).nullable().default(null),
  /** plan again when the running quarter's import strays this far from the plan's, kWh */
  driftKwh: z.number().positive().max(100).default(0.25),
  /** plan again when a state of charge moved this many points */
  socPoints: z.number().positive().max(100).default(5),
  /** an unplugged car is assumed back on its charger at this Brussels time */
  homeAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM').default('18:00'),
  /** battery wear, EUR per kWh out of it: arbitrage must beat it */
  batteryWearEurPerKwh: z.number().min(0).max(10).default(0),
}).strict();
export type PlanConfig = z.infer<typeof planConfigSchema>;
export const PLAN_DEFAULTS: PlanConfig = { enabled: true, ceilingKw: null, driftKwh: 0.25, socPoints: 5, homeAt: '18:00', batteryWearEurPerKwh: 0 };

/**
 * The `site` section: the connection's main fuse (required for control: the roles ev and
 * battery beside the meter, or satellites that file demands) and optional test devices.
 */
export const siteSchema = z.object({
  /** e.g. { "grid": "3x400", "phases": 3, "amps": 25 } */
  fuse: fuseSchema.optional(),
  testDevices: z.array(testDeviceSchema).max(16).default([]),
  /** absent: the defaults (PLAN_DEFAULTS) */
  plan: planConfigSchema.optional(),
}).strict();
export type SiteConfig = z.infer<typeof siteSchema>;
