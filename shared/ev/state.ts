import { z } from 'zod';

/**
 * The EV role's part of the bus state (`ev`): one entry per charger, plain JSON, read by the
 * dashboard's EV panel, the MQTT bridge and satellites alike. Owned by main/ev/role.ts.
 */
export const chargeModeSchema = z.enum(['smart', 'now', 'solar', 'off']);
export type ChargeModeName = z.infer<typeof chargeModeSchema>;

export const evChargerStateSchema = z.object({
  id: z.string(),
  description: z.string(),
  car: z.object({ id: z.string(), name: z.string(), minSocPercent: z.number() }).nullable(),
  /** every car that may be put on this charger (the dashboard's choice at plug-in) */
  cars: z.array(z.object({ id: z.string(), name: z.string() })),
  plugged: z.boolean(),
  /** unplugged, connected, charging, error; unknown before the first reading */
  state: z.enum(['unplugged', 'connected', 'charging', 'error', 'unknown']),
  chargerWords: z.string().nullable(),
  /** where the value comes from; an estimate says what it rests on (basedOn) and how a vehicle reading came (via) */
  soc: z.object({
    percent: z.number(), source: z.enum(['user', 'vehicle', 'estimate']), basedOn: z.enum(['user', 'vehicle']),
    via: z.enum(['http', 'mqtt']).nullable().optional(),
  }).nullable(),
  /** the car is plugged and no SoC is known: the dashboard asks for one */
  socPrompt: z.boolean(),
  powerKw: z.number().nullable(),
  phases: z.array(z.object({ phase: z.number(), currentA: z.number(), powerKw: z.number() })),
  sessionKwh: z.number().nullable(),
  /** the session's energy at the import price of the hours it was charged (EUR); partial: some energy had no price */
  sessionEur: z.object({ eur: z.number(), partial: z.boolean() }).nullable().optional(),
  mode: chargeModeSchema,
  /** the current commanded (0 = paused) and on how many phases */
  commandA: z.number(),
  commandPhases: z.number(),
  grantedKw: z.number().nullable(),
  /** what it does now and why: a code, the English words (logs, MQTT), the figures for the dashboard's own words */
  reason: z.object({ code: z.string(), text: z.string(), params: z.record(z.string(), z.union([z.number(), z.string()])).optional() }),
  safe: z.boolean(),
  /** the charger link's problem in words, null while it answers */
  problem: z.string().nullable(),
  /** the trip the controller charges for (main/ev/trips/charger-trips.ts), null: none */
  trip: z.object({
    id: z.string(),
    label: z.string(),
    /** epoch ms the car must be ready */
    departure: z.number(),
    /** a sudden trip: charged at once, beyond the peak if it must */
    urgent: z.boolean(),
    /** kWh still to draw from the grid for it */
    kwh: z.number(),
    /** what the broker says this charge costs above the quarter's target, EUR; null: nothing said */
    costEur: z.number().nullable(),
  }).nullable().optional(),
  /** the controller's verdict on each coming trip of the car: met, or short by how many kWh */
  tripVerdicts: z.array(z.object({ tripId: z.string(), met: z.boolean(), shortKwh: z.number().nullable() })).optional(),
  /** on the meter: the satellite this charger runs on (main/site/satellite-state.ts); absent: this process */
  satellite: z.string().optional(),
});

export const evStateSchema = z.object({
  chargers: z.array(evChargerStateSchema),
});

export type EvChargerState = z.infer<typeof evChargerStateSchema>;
export type EvState = z.infer<typeof evStateSchema>;
