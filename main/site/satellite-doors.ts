/**
 * The websocket door onto the site's demand book: each satellite files its devices' demands
 * under its configured name (the name in its hello), so a reconnect takes over its earlier door
 * (old demands gone, new ones in: never twice) and its identity survives a new connection.
 */
import type { SiteGrant } from '../../shared/site/contract.js';
import type { DemandBook, Door } from './demand-book.js';

export interface SatelliteDoors {
  /** the door for satellite `name`, or why demands are not taken */
  open(name: string, send: (grant: SiteGrant) => void): Door | { refused: string };
}

export const SATELLITE_DOOR_PREFIX = 'satellite:';

export function satelliteDoors(book: DemandBook): SatelliteDoors {
  return { open: (name, send) => book.openDoor(`${SATELLITE_DOOR_PREFIX}${name}`, send) };
}

/** A meter without a main fuse in its configuration controls nothing: it says so to satellites. */
export const CONTROL_OFF: SatelliteDoors = {
  open: () => ({ refused: 'control is off at the meter: its configuration has no site.fuse (the main fuse is required to share power)' }),
};
