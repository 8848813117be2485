import { z } from 'zod';

/**
 * The battery role's part of the bus state (key `battery`): what the dashboard panel, Home
 * Assistant and satellites show. Plain JSON; powers signed kW, + charging.
 */
export const batteryModeSchema = z.enum(['auto', 'hold', 'charge', 'discharge', 'off']);

export const batteryStateSchema = z.object({
  device: z.string(),
  description: z.string(),
  /** the link to the battery: ok, connecting, or error with a message */
  link: z.object({ state: z.enum(['connecting', 'ok', 'error']), message: z.string().nullable() }),
  mode: batteryModeSchema,
  socPct: z.number().nullable(),
  powerKw: z.number().nullable(),
  capacityKwh: z.number().nullable(),
  /** what was last commanded (+ charge), null in its own mode */
  setpointKw: z.number().nullable(),
  /** whether the inverter follows us ('forced') or runs its own mode */
  control: z.enum(['forced', 'own']).nullable(),
  /** why it does what it does now */
  reason: z.object({ code: z.string(), text: z.string() }),
  today: z.object({
    /** Brussels date, YYYY-MM-DD */
    day: z.string(),
    chargedKwh: z.number(),
    dischargedKwh: z.number(),
    /** charged while the house would have exported */
    storedFromSolarKwh: z.number(),
    /** the energy bill today with the battery against the same flows with the battery idle, EUR */
    savedEur: z.number().nullable(),
  }),
  /** configuration notes for people: Belgian limits, the setup reminder */
  notices: z.array(z.string()),
  /** on the meter: the satellite this battery runs on (main/site/satellite-state.ts); absent: this process */
  satellite: z.string().optional(),
});
export type BatteryState = z.infer<typeof batteryStateSchema>;
export type BatteryModeName = z.infer<typeof batteryModeSchema>;
