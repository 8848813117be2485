import { siteDemandSchema, type GrantReason, type SiteDemand, type SiteDemandInput, type SiteGrant, type SiteLink } from '../../shared/site/contract.js';

/**
 * A SiteLink for tests of a device role before (or without) the broker: it keeps the filed
 * demands (validated by the contract's schema, so a malformed demand fails the test) and lets
 * the test send grants, stamped with the receiver's monotonic time.
 */
export class ScriptedSiteLink implements SiteLink {
  readonly demands = new Map<string, SiteDemand>();
  readonly filed: SiteDemand[] = [];
  private readonly listeners = new Map<string, Set<(grant: SiteGrant, receivedAtMonoMs: number) => void>>();
  private seq = 0;

  constructor(private readonly monoNow: () => number) {}

  demand(demand: SiteDemandInput): void {
    const parsed = siteDemandSchema.parse(demand);
    this.demands.set(parsed.device, parsed);
    this.filed.push(parsed);
  }

  withdraw(device: string): void {
    this.demands.delete(device);
  }

  onGrant(device: string, listener: (grant: SiteGrant, receivedAtMonoMs: number) => void): () => void {
    let set = this.listeners.get(device);
    if (!set) this.listeners.set(device, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /**
   * The meter restarted: its grants are numbered from 1 again. The real links pass them on (a
   * new connection forgets the numbers seen: GrantListeners.reset), so a device must follow them.
   */
  restartMeter(): void {
    this.seq = 1;
  }

  grant(device: string, kw: number, reason: GrantReason = { code: 'budget', text: 'within the quarter budget' }, time = 0): SiteGrant {
    const grant: SiteGrant = { device, kw, validForMs: 2500, reason, seq: this.seq++, time };
    for (const listener of this.listeners.get(device) ?? []) listener(grant, this.monoNow());
    return grant;
  }
}
