import { z } from 'zod';

/**
 * The `prices` section: where day-ahead prices come from. The ENTSO-E token is not here: it is a
 * secret (`digital-meter secret set entsoe-token`), kept in the data directory. Base URLs are
 * configurable for a proxy or mirror (and for the tests' local servers).
 */
export const pricesSchema = z.object({
  /** false: never fetch (register rates, or prices already cached) */
  enabled: z.boolean().default(true),
  /** tried in this order; ENTSO-E is skipped while no entsoe-token is set */
  sources: z.array(z.enum(['entsoe', 'energy-charts'])).min(1).default(['entsoe', 'energy-charts']),
  entsoeUrl: z.url({ protocol: /^https?$/ }).default('https://web-api.tp.entsoe.eu/api'),
  energyChartsUrl: z.url({ protocol: /^https?$/ }).default('https://api.energy-charts.info'),
  /** per request */
  timeoutSeconds: z.number().positive().max(300).default(20),
}).strict();

export const PRICES_DEFAULTS = {
  enabled: true,
  sources: ['entsoe', 'energy-charts'],
  entsoeUrl: 'https://web-api.tp.entsoe.eu/api',
  energyChartsUrl: 'https://api.energy-charts.info',
  timeoutSeconds: 20,
} satisfies z.input<typeof pricesSchema>;

export type PricesConfig = z.infer<typeof pricesSchema>;
