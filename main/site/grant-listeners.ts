import type { SiteGrant } from '../../shared/site/contract.js';

export type GrantListener = (grant: SiteGrant, receivedAtMonoMs: number) => void;

/**
 * Grant listeners per device, stamped with the receiver's monotonic receipt time: shared by the
 * in-process link and the satellite's remote link, so both deliver grants the same way.
 */
export class GrantListeners {
  private readonly byDevice = new Map<string, Set<GrantListener>>();
  /** the newest seq delivered per device: an older grant is never acted on after a newer one */
  private readonly lastSeq = new Map<string, number>();

  constructor(private readonly monoNow: () => number) {}

  add(device: string, listener: GrantListener): () => void {
    let set = this.byDevice.get(device);
    if (!set) this.byDevice.set(device, (set = new Set()));
    set.add(listener);
    return () => { set.delete(listener); };
  }

  /** A new connection (perhaps to a restarted meter, counting from 1 again): forget the seqs seen. */
  reset(): void {
    this.lastSeq.clear();
  }

  deliver(grant: SiteGrant): void {
    const last = this.lastSeq.get(grant.device);
    if (last !== undefined && grant.seq <= last) return;
    this.lastSeq.set(grant.device, grant.seq);
    const at = this.monoNow();
    for (const listener of this.byDevice.get(grant.device) ?? []) listener(grant, at);
  }
}
