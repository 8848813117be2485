/**
 * Who a connection is, decided by the token it proved and never by what its hello claims.
 *
 *   dashboard  the data directory's bus token (people: the dashboard, the terminal, the Electron
 *              window): reads everything, changes rates, modes and settings
 *   viewer     a viewer token (a wall display, a guest): reads everything, changes nothing
 *   satellite  one token per satellite: reads, and files demands for its own devices only, under
 *              the satellite name the token was made for
 */
export type Access = 'dashboard' | 'viewer' | 'satellite';

export interface Identity {
  access: Access;
  /** the token's name: 'dashboard', the viewer's or the satellite's name */
  name: string;
}

/** Who did something, for the log: "satellite garage", "viewer hall", "dashboard". */
export function describeIdentity(identity: Identity): string {
  return identity.access === 'dashboard' ? 'dashboard' : `${identity.access} ${identity.name}`;
}

export const DASHBOARD: Identity = { access: 'dashboard', name: 'dashboard' };
