import type { BusRole, Demand } from '../../shared/bus/protocol.js';

/** One satellite's standing request for power, as the budget broker reads it. */
export interface DemandEntry {
  /** the connection it came from: grants go back there, and it ends with the connection */
  client: string;
  role: BusRole;
  id: string;
  minKw: number;
  maxKw: number;
  priority: number;
  deadline: number | null;
  receivedAt: number;
}

/**
 * The demands currently standing. The websocket server writes it (a demand replaces the same
 * client's earlier demand with that id; maxKw 0 withdraws it; a disconnect drops all of a
 * client's demands); the budget broker (EV and battery issues) reads `list()` each tick and
 * answers with grants through the server.
 */
export class DemandBook {
  private readonly entries = new Map<string, DemandEntry>();

  constructor(private readonly maxPerClient = 16) {}

  /** false when the client already holds maxPerClient demands and this is a new one */
  set(client: string, role: BusRole, demand: Demand, now: number): boolean {
    const key = `${client}\u0000${demand.id}`;
    if (demand.maxKw === 0) {
      this.entries.delete(key);
      return true;
    }
    if (!this.entries.has(key) && this.countFor(client) >= this.maxPerClient) return false;
    this.entries.set(key, {
      client, role, id: demand.id, minKw: demand.minKw, maxKw: demand.maxKw,
      priority: demand.priority, deadline: demand.deadline, receivedAt: now,
    });
    return true;
  }

  dropClient(client: string): void {
    for (const [key, entry] of this.entries) if (entry.client === client) this.entries.delete(key);
  }

  /** Highest priority first, then earliest deadline, then oldest. */
  list(): DemandEntry[] {
    return [...this.entries.values()].sort((a, b) =>
      b.priority - a.priority
      || (a.deadline ?? Infinity) - (b.deadline ?? Infinity)
      || a.receivedAt - b.receivedAt);
  }

  get size(): number {
    return this.entries.size;
  }

  private countFor(client: string): number {
    let n = 0;
    for (const entry of this.entries.values()) if (entry.client === client) n++;
    return n;
  }
}
