/**
 * The websocket door onto the site's demand book: each satellite files its devices' demands
 * under its configured name (the name in its hello), so a reconnect takes over its earlier door
 * (old demands gone, new ones in: never twice) and its identity survives a new connection.
 */
import type { SiteGrant } from '../../shared/site/contract.js';
import type { DemandBook, Door } from './demand-book.js';
import type { ReportOutcome, SatelliteSection } from './satellite-state.js';

export interface SatelliteDoors {
  /** the door for satellite `name`, or why demands are not taken */
  open(name: string, send: (grant: SiteGrant) => void): Door | { refused: string };
  /**
   * satellite `name`'s devices' state (protocol 2 `device-state`) from `connection`; absent where
   * the meter does not show satellites' devices (then refused, saying so)
   */
  reportState?(name: string, connection: object, section: SatelliteSection): ReportOutcome;
  /** that connection ended: its devices go offline */
  stateEnded?(name: string, connection: object): void;
}

/** The parts of SatelliteStates (main/site/satellite-state.ts) the bus sessions feed. */
export interface SatelliteStateSink {
  report(name: string, connection: object, section: SatelliteSection): ReportOutcome;
  ended(name: string, connection: object): void;
}

/** Add the satellites' device state to doors (with or without control). */
export function withDeviceStates(doors: SatelliteDoors, states: SatelliteStateSink): SatelliteDoors {
  return {
    open: (name, send) => doors.open(name, send),
    reportState: (name, connection, section) => states.report(name, connection, section),
    stateEnded: (name, connection) => states.ended(name, connection),
  };
}

export const SATELLITE_DOOR_PREFIX = 'satellite:';

export function satelliteDoors(book: DemandBook): SatelliteDoors {
  return { open: (name, send) => book.openDoor(`${SATELLITE_DOOR_PREFIX}${name}`, send) };
}

/** A meter without a main fuse in its configuration controls nothing: it says so to satellites. */
export const CONTROL_OFF: SatelliteDoors = {
  open: () => ({ refused: 'control is off at the meter: its configuration has no site.fuse (the main fuse is required to share power)' }),
};
