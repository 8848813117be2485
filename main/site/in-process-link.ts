/**
 * The in-process door: a role running beside the meter files its demands straight into the
 * site's demand book and gets its grants from the same tick, with no socket in between.
 */
import type { SiteDemandInput, SiteLink } from '../../shared/site/contract.js';
import type { DemandBook } from './demand-book.js';
import { GrantListeners } from './grant-listeners.js';

export interface ClosableSiteLink extends SiteLink {
  /** withdraw every demand filed through this link */
  close(): void;
}

export function inProcessLink(book: DemandBook, monoNow: () => number, name = 'local'): ClosableSiteLink {
  const listeners = new GrantListeners(monoNow);
  const door = book.openDoor(name, (grant) => listeners.deliver(grant));
  return {
    demand(demand: SiteDemandInput) {
      const outcome = door.file(demand);
      if (!outcome.ok) throw new Error(outcome.message);
    },
    withdraw: (device) => door.withdraw(device),
    onGrant: (device, listener) => listeners.add(device, listener),
    close: () => door.close(),
  };
}
