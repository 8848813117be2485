import { z } from 'zod';
import { batteryStateSchema } from './battery/state.js';
import { evStateSchema } from './ev/state.js';
import { quarterStateSchema } from './peak/quarter-state.js';
import { tripsStateSchema } from './trips/state.js';
import { planStateSchema } from './plan/state.js';
import { satelliteStateSchema, siteStateSchema } from './site/state.js';

/**
 * The one state the core publishes (architecture principle 3): the renderer, satellites and the
 * MQTT bridge all read this same object, first as a snapshot, then as deltas. Every part is
 * plain JSON (numbers, strings, null, arrays, objects) so it serialises unchanged over IPC,
 * websocket and MQTT. Parts that later issues own (quarter tracker, ledger costs) are opaque
 * records for now; their owners narrow them here when they land. Keys may be added; never
 * rename one without bumping PROTOCOL_VERSION (shared/bus/protocol.ts).
 */

const nullableNumber = z.number().nullable();

export const registerPairSchema = z.object({ t1: nullableNumber, t2: nullableNumber });

export const phaseStateSchema = z.object({
  phase: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  voltageV: nullableNumber,
  currentA: nullableNumber,
  importKw: nullableNumber,
  exportKw: nullableNumber,
});

/** The meter's cumulative counters: the ledger's truth (architecture principle 5). */
export const meterCountersSchema = z.object({
  importKwh: registerPairSchema.nullable(),
  exportKwh: registerPairSchema.nullable(),
  /** the gas meter's index on M-Bus, m3, with the time the meter read it */
  gasM3: nullableNumber,
  gasTime: nullableNumber,
  waterM3: nullableNumber,
  waterTime: nullableNumber,
});

export const meterStateSchema = z.object({
  /** the meter's time of the last telegram, epoch ms UTC; a change of it means "a telegram arrived" */
  time: nullableNumber,
  powerKw: z.object({ import: nullableNumber, export: nullableNumber }).nullable(),
  phases: z.array(phaseStateSchema),
  /** active register: 1 day/normal, 2 night/low */
  tariff: nullableNumber,
  counters: meterCountersSchema,
});

export const sourceStatusSchema = z.object({
  /** 'ok' while data flows, 'silent' when none arrived for a while, 'error' when the source failed */
  status: z.enum(['starting', 'ok', 'silent', 'error', 'stopped']),
  /** a human-readable reason for anything but ok */
  message: z.string().nullable(),
  /** epoch ms of the last good data */
  lastDataAt: nullableNumber,
});

/** Opaque for now (the ledger's figures travel in `dashboard`): any JSON object. */
const opaqueRecord = z.record(z.string(), z.unknown());

export const busStateSchema = z.object({
  meter: meterStateSchema.nullable(),
  /** the running quarter hour and the budget (main/peak/) */
  quarter: quarterStateSchema.nullable(),
  costs: opaqueRecord.nullable(),
  /** one entry per data source by name, e.g. { p1: {...}, prices: {...} } */
  sources: z.record(z.string(), sourceStatusSchema),
  /** the dashboard's figures (shared/dashboard/state.ts); absent where no dashboard is composed */
  dashboard: opaqueRecord.nullable().optional(),
  /** the coming trips per car from the calendars and sudden trips (shared/trips/state.ts); absent without the EV role */
  trips: tripsStateSchema.nullable().optional(),
  /** the EV chargers, their cars and what the controller does (shared/ev/state.ts); absent without the EV role */
  ev: evStateSchema.nullable().optional(),
  /** the site's budget and grants (meter role with a fuse configured; main/site/) */
  site: siteStateSchema.nullable().optional(),
  /** a satellite's link to the meter and its devices' grants (satellite roles only) */
  satellite: satelliteStateSchema.nullable().optional(),
  /** the home battery (shared/battery/state.ts); absent where no battery role runs */
  battery: batteryStateSchema.nullable().optional(),
  /** the site plan for the next 48 h (shared/plan/state.ts); meter role, mirrored on satellites */
  plan: planStateSchema.nullable().optional(),
});

export type RegisterPairState = z.infer<typeof registerPairSchema>;
export type PhaseState = z.infer<typeof phaseStateSchema>;
export type MeterCounters = z.infer<typeof meterCountersSchema>;
export type MeterState = z.infer<typeof meterStateSchema>;
export type SourceStatus = z.infer<typeof sourceStatusSchema>;
export type BusState = z.infer<typeof busStateSchema>;
export type BusStateKey = keyof BusState;

/** The state before the first telegram: nothing known yet. */
export function emptyBusState(): BusState {
  return { meter: null, quarter: null, costs: null, sources: {} };
}
