import { z } from 'zod';

/**
 * The site's contract (../shared/docs/site-control.md): what a flexible device asks of the
 * budget broker (a demand) and what it gets back each telegram (a grant). The same shapes
 * travel in-process and over the websocket (protocol 2), so the broker never knows which door
 * a device came through. Powers are signed kW: + draws from the site, - feeds into it (a
 * battery discharging).
 *
 * Ownership: the site issue owns this file (main/site/ implements the broker and the demand
 * book on it); EV and battery roles only use it. Over the websocket (protocol 2) a demand
 * travels as {type: "demand", id, demand: SiteDemand} and a grant as {type: "grant", grant:
 * SiteGrant} (shared/bus/protocol.ts).
 */

/** How long a grant may be acted on after it was received (site-control.md "Safety"). */
export const GRANT_VALID_MS = 2500;
/** With no telegram for this long there are no grants; every device is safe within it. */
export const METER_SILENT_MS = 3000;

/** A stable name from the configuration, e.g. "garage-nrgkick" or "battery". */
export const deviceIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,47}$/, 'lowercase letters, digits, - and _, at most 48');

export const deviceKindSchema = z.enum(['ev', 'battery', 'heatpump', 'boiler', 'test']);
export type DeviceKind = z.infer<typeof deviceKindSchema>;

/** A phase conductor of the connection: 1, 2 or 3 (site-control.md: fuse headroom per conductor). */
export const conductorSchema = z.union([z.literal(1), z.literal(2), z.literal(3)]);
export type Conductor = z.infer<typeof conductorSchema>;

/** The broker's classes, in allocation order (site-control.md "Allocation order"). */
export const demandClassSchema = z.enum(['emergency', 'deadline', 'plan', 'opportunistic', 'battery']);
export type DemandClass = z.infer<typeof demandClassSchema>;

const kw = z.number().min(-1000).max(1000);

export const siteDemandSchema = z.object({
  /** the device's stable id (config); one standing demand per device: a new one replaces it */
  device: deviceIdSchema,
  kind: deviceKindSchema,
  /** the conductors the device loads (a 1-phase load on 3 x 230 V sits between two) */
  conductors: z.array(conductorSchema).min(1).max(3),
  /** what the device draws now as it last measured it (signed) */
  measuredKw: kw,
  /**
   * what may be granted, signed: an EV {0, 11}, a battery {-5, 5}. The broker never grants
   * outside it; minKw > 0 asks for at least that much (an emergency charge).
   */
  band: z.object({ minKw: kw, maxKw: kw }).strict(),
  /**
   * the smallest power at which the device runs when it runs (an EV at 6 A): a grant between 0
   * and this is useless, so the broker grants 0 or at least this. 0 for a battery.
   */
  minRunKw: z.number().min(0).max(1000).default(0),
  class: demandClassSchema,
  /** 0-100, higher first within a class */
  priority: z.number().int().min(0).max(100),
  /** energy the device needs by a time (epoch ms UTC) */
  deadline: z.object({ time: z.number().int(), kwh: z.number().min(0).max(1000) }).strict().nullable().default(null),
  /**
   * energy the plan placed in the running quarter, kWh (class plan); signed like powers: a
   * battery's planned discharge is negative (the broker then grants the discharge)
   */
  plannedKwh: z.number().min(-1000).max(1000).nullable().default(null),
  /**
   * class plan, charging: the part of the quarter's planned energy the plan expects from the sun
   * rather than the grid, kWh (plannedKwh is then the bought part); the broker adds the surplus
   * that is really there up to this. Null: none (all of plannedKwh is bought)
   */
  plannedSunKwh: z.number().min(0).max(1000).nullable().default(null),
  /** false when a started run must not be stopped (a washing cycle); EVs and batteries are interruptible */
  interruptible: z.boolean().default(true),
}).strict().refine((d) => d.band.minKw <= d.band.maxKw, { message: 'band.minKw must not exceed band.maxKw', path: ['band', 'minKw'] });
export type SiteDemand = z.infer<typeof siteDemandSchema>;
export type SiteDemandInput = z.input<typeof siteDemandSchema>;

/** Why a grant is what it is: a code for programs, words for people. */
export const grantReasonSchema = z.object({
  code: z.enum([
    'emergency', 'deadline', 'plan', 'solar', 'budget', 'fuse', 'battery',
    'target-raised', 'no-budget', 'meter-silent', 'not-demanded', 'paused',
  ]),
  text: z.string().max(300),
  /** the figures in the words by name (e.g. an emergency's overKw and eur), for a dashboard that says it in another language */
  params: z.record(z.string(), z.number()).optional(),
}).strict();
export type GrantReason = z.infer<typeof grantReasonSchema>;

export const siteGrantSchema = z.object({
  device: deviceIdSchema,
  /** signed kW the device may draw (+) or feed (-) until the grant expires */
  kw: kw,
  /** act on it only this long after receiving it, counted on the receiver's monotonic clock */
  validForMs: z.number().int().positive().max(10_000),
  reason: grantReasonSchema,
  /** increases by one per tick; a receiver ignores a grant older than one it already acted on */
  seq: z.number().int().nonnegative(),
  /** epoch ms of the telegram that decided it (meter time) */
  time: z.number().int(),
}).strict();
export type SiteGrant = z.infer<typeof siteGrantSchema>;

/**
 * One door onto the broker's demand book, as a device role sees it. An in-process role gets an
 * adapter straight onto the book; a satellite gets one over the websocket. Both deliver grants
 * with the receiver's monotonic receipt time, from which validity is counted.
 */
export interface SiteLink {
  /** file or replace the device's standing demand */
  demand(demand: SiteDemandInput): void;
  /** withdraw the device's demand (it gets no more grants) */
  withdraw(device: string): void;
  /** grants for one device; returns an unsubscribe */
  onGrant(device: string, listener: (grant: SiteGrant, receivedAtMonoMs: number) => void): () => void;
}

/**
 * Whether a received grant may still be acted on: within its validity counted from receipt on
 * the receiver's own monotonic clock (site-control.md "Safety").
 */
export function grantIsFresh(receivedAtMonoMs: number, grant: Pick<SiteGrant, 'validForMs'>, nowMonoMs: number): boolean {
  return nowMonoMs - receivedAtMonoMs < grant.validForMs && nowMonoMs >= receivedAtMonoMs;
}
