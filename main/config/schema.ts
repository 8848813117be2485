import { z } from 'zod';
import { batterySchema } from './battery-schema.js';
import { BUS_DEFAULTS, busSchema } from './bus-schema.js';
import { evSchema } from './ev-schema.js';
import { PRICES_DEFAULTS, pricesSchema } from './prices-schema.js';
import { TRIPS_DEFAULTS, tripsSchema } from './trips-schema.js';
import { siteSchema } from './site-schema.js';

/**
 * The one configuration file. Sections for later capabilities are added beside these; every
 * field has a default so an empty file (or none: the demo) is a valid configuration.
 */
export const p1SourceSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('serial'),
    port: z.string().min(1).describe('serial device, e.g. /dev/ttyUSB0'),
    baudRate: z.number().int().positive().default(115200),
    /** an open port that sends nothing this long is reported (P1 port closed by the operator?) */
    silenceSeconds: z.number().positive().default(10),
  }).strict(),
  z.object({
    type: z.literal('tcp'),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    silenceSeconds: z.number().positive().default(10),
  }).strict(),
  z.object({
    type: z.literal('replay'),
    file: z.string().min(1),
    speed: z.union([z.number().positive(), z.literal('max')]).default(1),
    loop: z.boolean().default(false),
  }).strict(),
  z.object({
    type: z.literal('simulator'),
    seed: z.number().int().default(1),
    start: z.string().optional(),
    speed: z.union([z.number().positive(), z.literal('max')]).default(1),
    grid: z.enum(['1x230', '3x230', '3x400']).default('3x400'),
  }).strict(),
]);

export const logSchema = z.object({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** also write a rotating log file in the data directory */
  file: z.boolean().default(true),
}).strict();

/**
 * The connection's limits for the ledger: a counter rising faster than this for the time elapsed
 * is refused as a corrupted frame (3 x 230 V x 63 A is about 43.5 kW).
 */
export const ledgerLimitsSchema = z.object({
  maxKw: z.number().positive().default(43.5),
  gasM3PerHour: z.number().positive().default(16),
  waterM3PerHour: z.number().positive().default(10),
}).strict();

export const configSchema = z.object({
  /** database, history exports, logs and secrets; default: the platform's data directory */
  dataDir: z.string().min(1).optional(),
  /** the active rates file; default: rates.json in the configuration directory */
  rates: z.string().min(1).optional(),
  roles: z.array(z.enum(['meter', 'ev', 'battery'])).min(1).default(['meter', 'ev', 'battery']),
  p1: p1SourceSchema.default({ type: 'simulator', seed: 1, speed: 1, grid: '3x400' }),
  log: logSchema.default({ level: 'info', file: true }),
  bus: busSchema.default({ ...BUS_DEFAULTS }),
  prices: pricesSchema.default({ ...PRICES_DEFAULTS, sources: [...PRICES_DEFAULTS.sources] }),
  ledger: ledgerLimitsSchema.default({ maxKw: 43.5, gasM3PerHour: 16, waterM3PerHour: 10 }),
  /** trips from the calendar for the EV role (main/ev/trips/) */
  trips: tripsSchema.default({ ...TRIPS_DEFAULTS, calendars: [] }),
  /** cars, chargers and the EV controller (main/ev/) */
  ev: evSchema.optional(),
  /** the main fuse and the site's devices (main/site/) */
  site: siteSchema.default({ testDevices: [] }),
  /** the home battery (main/battery/); none by default */
  battery: batterySchema.optional(),
}).strict();

export type Config = z.infer<typeof configSchema>;
export type P1SourceConfig = z.infer<typeof p1SourceSchema>;
