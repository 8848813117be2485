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
 * The `site` section: the connection's main fuse (required for control: the roles ev and
 * battery beside the meter, or satellites that file demands) and optional test devices.
 */
export const siteSchema = z.object({
  /** e.g. { "grid": "3x400", "phases": 3, "amps": 25 } */
  fuse: fuseSchema.optional(),
  testDevices: z.array(testDeviceSchema).max(16).default([]),
}).strict();
export type SiteConfig = z.infer<typeof siteSchema>;
