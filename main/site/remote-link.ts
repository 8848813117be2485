/**
 * The satellite's door: the same SiteLink an in-process role gets, over the meter's websocket
 * with the existing bus client (it files again after every reconnect). Grants are stamped with
 * this machine's monotonic receipt time, from which their validity is counted.
 */
import { siteDemandSchema, type SiteDemandInput, type SiteGrant, type SiteLink } from '../../shared/site/contract.js';
import type { BusClient } from '../bus/client.js';
import { GrantListeners } from './grant-listeners.js';

export interface LinkedDevice {
  device: string;
  demand: SiteDemandInput;
  grant: SiteGrant | null;
  receivedAt: number | null;
  /** grants received for it, and how many repeated a seq already received (should stay 0) */
  grants: number;
  duplicates: number;
}

export class RemoteSiteLink implements SiteLink {
  private readonly listeners: GrantListeners;
  private readonly devices = new Map<string, LinkedDevice>();
  private readonly changeListeners = new Set<() => void>();

  constructor(private readonly client: BusClient, private readonly monoNow: () => number) {
    this.listeners = new GrantListeners(monoNow);
    // the meter behind a new connection may have restarted: its seqs start again
    client.on('connected', () => this.listeners.reset());
    client.on('grant', (grant) => {
      const linked = this.devices.get(grant.device);
      if (!linked) return;
      linked.grants++;
      if (linked.grant && grant.seq === linked.grant.seq) linked.duplicates++;
      linked.grant = grant;
      linked.receivedAt = monoNow();
      this.listeners.deliver(grant);
    });
  }

  demand(demand: SiteDemandInput): void {
    // checked here too, so a role's mistake is reported where it is made
    const parsed = siteDemandSchema.safeParse(demand);
    if (!parsed.success) throw new Error(`not a demand: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const linked = this.devices.get(demand.device);
    this.devices.set(demand.device, {
      device: demand.device, demand, grant: linked?.grant ?? null, receivedAt: linked?.receivedAt ?? null,
      grants: linked?.grants ?? 0, duplicates: linked?.duplicates ?? 0,
    });
    this.client.demand(demand);
    if (linked?.demand.measuredKw !== demand.measuredKw) this.changed();
  }

  withdraw(device: string): void {
    this.devices.delete(device);
    this.client.withdraw(device);
    this.changed();
  }

  /** a device's demand changed what it reports (its draw), or it was withdrawn */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }

  onGrant(device: string, listener: (grant: SiteGrant, receivedAtMonoMs: number) => void): () => void {
    return this.listeners.add(device, listener);
  }

  /** each device's demand and last grant, for the satellite's own page */
  list(): LinkedDevice[] {
    return [...this.devices.values()];
  }
}
