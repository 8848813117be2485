/**
 * `site` in the bus state: who gets what and why, each telegram (main/site/broker.ts).
 * Plain JSON for the dashboard's Site panel, satellites and the MQTT bridge.
 */
import { z } from 'zod';
import { demandClassSchema, deviceKindSchema, grantReasonSchema } from './contract.js';

const kw = z.number();

export const siteDeviceStateSchema = z.object({
  device: z.string(),
  kind: deviceKindSchema,
  /** where its demand came in: "local" or "satellite:<name>" */
  door: z.string(),
  class: demandClassSchema,
  measuredKw: kw,
  grantedKw: kw,
  reason: grantReasonSchema,
});
export type SiteDeviceState = z.infer<typeof siteDeviceStateSchema>;

export const targetRaiseSchema = z.object({
  fromKw: kw,
  toKw: kw,
  /** what the higher month peak adds to the year's bill (null without a capacity price) */
  eur: z.number().nullable(),
  device: z.string(),
  /** the deadline it was raised for, epoch ms */
  deadline: z.number(),
});
export type TargetRaise = z.infer<typeof targetRaiseSchema>;

export const siteStateSchema = z.object({
  /** meter time of the telegram the grants were decided on; null before the first */
  time: z.number().nullable(),
  /** no telegram for 3 s: no grants, every device in its safe state */
  meterSilent: z.boolean(),
  /** control paused by a person (command site.pause): no grants, every device safe */
  paused: z.boolean(),
  /** B: the house without the flexible devices (negative: solar export) */
  baseKw: kw.nullable(),
  /** B^: what the broker expects the base load to be for the rest of the quarter */
  expectedBaseKw: kw.nullable(),
  /** Q: what the flexible devices may draw together, on average, for the rest of the quarter */
  headroomKw: kw.nullable(),
  /** S: export with every flexible device off */
  solarSurplusKw: kw.nullable(),
  target: z.object({ kw: kw, raised: targetRaiseSchema.nullable() }).nullable(),
  fuse: z.object({ grid: z.string(), phases: z.number().int(), amps: z.number() }).nullable(),
  /** per conductor: amps now (signed, + import) and with the grants; null = unknown */
  conductors: z.array(z.object({ conductor: z.number().int(), amps: z.number().nullable(), limitA: z.number() })),
  devices: z.array(siteDeviceStateSchema),
});
export type SiteState = z.infer<typeof siteStateSchema>;

export function emptySiteState(): SiteState {
  return {
    time: null, meterSilent: true, paused: false, baseKw: null, expectedBaseKw: null, headroomKw: null, solarSurplusKw: null,
    target: null, fuse: null, conductors: [], devices: [],
  };
}

/** A satellite's own view (its page and bus): the link to the meter and each device's grant. */
export const satelliteStateSchema = z.object({
  /** the satellite's configured name: its identity at the meter */
  name: z.string(),
  meterUrl: z.string(),
  /** connecting: no link yet; connected: telegrams flow; stale: linked but no telegram for 3 s */
  link: z.enum(['connecting', 'connected', 'stale']),
  message: z.string().nullable(),
  devices: z.array(z.object({
    device: z.string(),
    kind: deviceKindSchema,
    /** the last grant received; null: none yet */
    grantKw: kw.nullable(),
    reason: grantReasonSchema.nullable(),
    /** no fresh grant: the device is in its safe state */
    safe: z.boolean(),
    /** what it draws now (signed) */
    drawKw: kw,
    /** grants received, and how many repeated one already received (a duplicate door would show here) */
    grants: z.number().int(),
    duplicateGrants: z.number().int(),
  })),
});
export type SatelliteState = z.infer<typeof satelliteStateSchema>;
