/**
 * How createApp composes a role: each role (ev, battery, and the test devices) is a module that
 * gets the same context and registers what it owns. It files demands and follows grants only
 * through `site` (in-process beside the meter, or over the websocket on a satellite: the module
 * cannot tell), puts its state under its own key of the bus state, registers its commands, and
 * registers how it reaches its safe state on the shutdown registry's `roles` phase.
 *
 *   export const startEvRole: RoleFactory = (ctx) => {
 *     const chargers = ...ctx.config...;
 *     ctx.shutdown.add('roles', 'ev: chargers paused', () => chargers.pause());
 *     return { devices: chargers.ids, start: () => chargers.start() };
 *   };
 */
import type { Logger } from 'pino';
import type { SiteLink } from '../../shared/site/contract.js';
import type { CommandRegistry } from '../bus/commands.js';
import type { StateHub } from '../bus/state-hub.js';
import type { LoadedConfig } from '../config/load.js';
import type { RestartGate } from '../lifecycle/restart-veto.js';
import type { ShutdownRegistry } from '../lifecycle/shutdown.js';

export interface RoleClock {
  /** epoch ms, for what people read (deadlines, logs) */
  now(): number;
  /** monotonic ms, for control timing (grant validity, hold times) */
  monoNow(): number;
}

export interface RoleContext {
  loaded: LoadedConfig;
  dataDir: string;
  hub: StateHub;
  commands: CommandRegistry;
  clock: RoleClock;
  log: Logger;
  /** the site's demand book: in-process beside the meter, over the websocket on a satellite */
  site: SiteLink;
  /** add the role's stop (safe state first) to the `roles` phase */
  shutdown: ShutdownRegistry;
  /** a role that must not be interrupted by an update's restart (a promised charge) adds its veto here */
  restartGate: RestartGate;
}

export interface RoleModule {
  /** the devices it controls (config ids): with any, the meter needs its main fuse (site.fuse) */
  devices: string[];
  /** begin controlling, after the meter (or the link to it) is running */
  start?(): void;
}

export type RoleFactory = (ctx: RoleContext) => RoleModule | Promise<RoleModule>;
