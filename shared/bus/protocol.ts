import { z } from 'zod';
import { batteryStateSchema } from '../battery/state.js';
import { evChargerStateSchema, evStateSchema } from '../ev/state.js';
import { busStateSchema } from '../state.js';
import { deviceIdSchema, siteDemandSchema, siteGrantSchema } from '../site/contract.js';

/**
 * The bus protocol, spoken over the websocket (JSON text frames) and, for commands, over MQTT.
 * Defined once here so the server, satellites and the browser validate with the same schemas.
 * Bump PROTOCOL_VERSION on any incompatible change; a client with another version is refused
 * with an error naming both versions.
 *
 * Protocol 2 (site-control.md "Messages"): demands carry the site contract's SiteDemand (a
 * device's signed band, class, deadline), grants the SiteGrant (signed kW, valid for 2.5 s, a
 * reason); a satellite is known by the name in its hello. Protocol 1's demand {minKw, maxKw}
 * and grant {kw} are gone.
 */
export const PROTOCOL_VERSION = 2;

/** Largest incoming websocket message the meter accepts (ws maxPayload). */
export const MAX_MESSAGE_BYTES = 64 * 1024;

export const roleSchema = z.enum(['meter', 'ev', 'battery', 'viewer']);
export type BusRole = z.infer<typeof roleSchema>;

/** An id chosen by the sender to pair a command with its result, or a demand with its grant. */
const idSchema = z.string().min(1).max(64);

/** client -> server, the first message of every JSON connection. */
export const helloSchema = z.object({
  type: z.literal('hello'),
  protocol: z.number().int(),
  role: roleSchema,
  token: z.string().min(1).max(256),
  /** shown in the server's log, e.g. "garage-ev" */
  name: z.string().max(64).optional(),
}).strict();

/** server -> client: the whole state; sent after hello, and again on request. */
export const snapshotSchema = z.object({
  type: z.literal('snapshot'),
  protocol: z.literal(PROTOCOL_VERSION),
  /** sequence number of the last delta folded into this state; the next delta has seq + 1 */
  seq: z.number().int().nonnegative(),
  state: busStateSchema,
}).strict();

/**
 * server -> client: what changed. `set` maps a top-level key ("costs") or a second-level dotted
 * path ("meter.powerKw") to its new value; `unset` lists paths that disappeared.
 */
export const deltaSchema = z.object({
  type: z.literal('delta'),
  seq: z.number().int().positive(),
  set: z.record(z.string(), z.unknown()),
  unset: z.array(z.string()).optional(),
}).strict();

/** Command names: lowercase words joined by dots, e.g. "get", "ev.setMode". */
export const commandNameSchema = z.string().regex(/^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)*$/).max(64);

export const commandSchema = z.object({
  type: z.literal('command'),
  id: idSchema,
  name: commandNameSchema,
  args: z.unknown().optional(),
}).strict();

export const errorCodeSchema = z.enum([
  'unauthorized', 'protocol', 'bad-json', 'bad-message', 'unknown-command', 'bad-arguments',
  'forbidden', 'rate-limited', 'too-large', 'slow-consumer', 'internal',
]);
export type BusErrorCode = z.infer<typeof errorCodeSchema>;

export const resultSchema = z.discriminatedUnion('ok', [
  z.object({ type: z.literal('result'), id: idSchema, ok: z.literal(true), value: z.unknown() }).strict(),
  z.object({
    type: z.literal('result'), id: idSchema, ok: z.literal(false),
    error: z.object({ code: errorCodeSchema, message: z.string() }).strict(),
  }).strict(),
]);

/**
 * satellite -> meter: file or replace the standing demand of one of its devices (the same
 * SiteDemand an in-process role files). `id` pairs an error with the message.
 */
export const demandSchema = z.object({
  type: z.literal('demand'),
  id: idSchema,
  demand: siteDemandSchema,
}).strict();

/** satellite -> meter: withdraw a device's demand (it gets no more grants). */
export const withdrawSchema = z.object({
  type: z.literal('withdraw'),
  id: idSchema,
  device: deviceIdSchema,
}).strict();

/**
 * meter -> satellite, each telegram: one device's grant. A satellite acts on it only within
 * validForMs of receiving it, counted on its own monotonic clock.
 */
export const grantSchema = z.object({
  type: z.literal('grant'),
  grant: siteGrantSchema,
}).strict();

/**
 * satellite -> meter: the state of its roles' devices (its `ev` chargers and cars, its `battery`),
 * as its own bus state holds them. Sent right after connecting, on change at most once a second,
 * and every few seconds without change (the meter marks a satellite's devices offline after 10 s
 * without one). Only a satellite token may send it, and only for devices no other satellite or
 * the meter itself holds. The meter shows them beside its own and plans their cars and battery.
 */
export const deviceStateSchema = z.object({
  type: z.literal('device-state'),
  // as many chargers as a satellite may file demands for (the demand book's 16 per door)
  ev: evStateSchema.extend({ chargers: z.array(evChargerStateSchema).max(16) }).nullable().optional(),
  battery: batteryStateSchema.nullable().optional(),
}).strict();

/** server -> client: a message was refused; `id` when it is about one command. */
export const errorSchema = z.object({
  type: z.literal('error'),
  code: errorCodeSchema,
  message: z.string(),
  id: z.string().optional(),
}).strict();

export const clientMessageSchema = z.union([helloSchema, commandSchema, demandSchema, withdrawSchema, deviceStateSchema]);
export const serverMessageSchema = z.union([snapshotSchema, deltaSchema, resultSchema, grantSchema, errorSchema]);

export type Hello = z.infer<typeof helloSchema>;
export type Snapshot = z.infer<typeof snapshotSchema>;
export type Delta = z.infer<typeof deltaSchema>;
export type Command = z.infer<typeof commandSchema>;
export type CommandResult = z.infer<typeof resultSchema>;
export type Demand = z.infer<typeof demandSchema>;
export type Grant = z.infer<typeof grantSchema>;
export type Withdraw = z.infer<typeof withdrawSchema>;
export type DeviceState = z.infer<typeof deviceStateSchema>;
export type BusError = z.infer<typeof errorSchema>;
export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** Close codes (4000-4999 are the application's). */
export const CLOSE = {
  unauthorized: 4401,
  protocol: 4400,
  tokenRotated: 4403,
  slowConsumer: 4408,
  rateLimited: 4429,
  shutdown: 1001,
} as const;
