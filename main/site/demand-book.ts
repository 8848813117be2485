/**
 * The site's one book of standing demands, keyed by the device's configured id. Devices reach it
 * through doors: an in-process role opens one, each satellite opens one under its configured
 * name. Doors are owned by name, so a satellite that reconnects takes over its earlier door (its
 * old demands go, the new ones come: never both), and a device id filed through one door cannot
 * be taken by another. The broker reads `list()` each tick and hands its grants to `deliver`,
 * which sends each one back through the door its demand came in by.
 */
import { siteDemandSchema, type SiteDemand, type SiteDemandInput, type SiteGrant } from '../../shared/site/contract.js';

export interface BookEntry {
  demand: SiteDemand;
  door: string;
  /** monotonic ms the device first filed a demand (kept across replacements): "waited longest" */
  since: number;
  /** monotonic ms of the latest demand */
  updated: number;
}

export type FileOutcome = { ok: true } | { ok: false; message: string };

export interface Door {
  readonly name: string;
  file(demand: SiteDemandInput): FileOutcome;
  withdraw(device: string): void;
  /** drop every demand filed through it and stop delivering to it */
  close(): void;
  readonly open: boolean;
}

interface OpenDoor {
  door: Door;
  sink: (grant: SiteGrant) => void;
}

export class DemandBook {
  private readonly entries = new Map<string, BookEntry>();
  private readonly doors = new Map<string, OpenDoor>();
  private readonly changeListeners = new Set<() => void>();

  constructor(private readonly now: () => number, private readonly maxPerDoor = 16) {}

  /**
   * Open the door called `name`; grants for its devices go to `sink`. A door of that name that
   * is still open (a satellite reconnecting before its old socket timed out) is closed first.
   */
  openDoor(name: string, sink: (grant: SiteGrant) => void): Door {
    // the old door's demands go now; the new door files its own (a reconnect never duplicates)
    this.doors.get(name)?.door.close();
    let open = true;
    const door: Door = {
      name,
      get open() { return open; },
      file: (input) => (open ? this.file(name, input) : { ok: false, message: `door ${name} is closed` }),
      withdraw: (device) => { if (open) this.withdraw(name, device); },
      close: () => {
        if (!open) return;
        open = false;
        // a door already taken over by a reconnect leaves the new door's demands alone
        if (this.doors.get(name)?.door !== door) return;
        this.doors.delete(name);
        this.dropDoor(name);
      },
    };
    this.doors.set(name, { door, sink });
    return door;
  }

  list(): BookEntry[] {
    return [...this.entries.values()];
  }

  get(device: string): BookEntry | undefined {
    return this.entries.get(device);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Send each grant back through the door its device's demand came in by. */
  deliver(grants: readonly SiteGrant[]): void {
    for (const grant of grants) {
      const entry = this.entries.get(grant.device);
      if (!entry) continue;
      this.doors.get(entry.door)?.sink(grant);
    }
  }

  /** called after any change of the book (the site state shows who asks) */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private file(door: string, input: SiteDemandInput): FileOutcome {
    const parsed = siteDemandSchema.safeParse(input);
    if (!parsed.success) {
      const problems = parsed.error.issues.slice(0, 3).map((i) => `${i.path.length ? i.path.join('.') : 'demand'}: ${i.message}`);
      return { ok: false, message: `not a demand: ${problems.join('; ')}` };
    }
    const demand = parsed.data;
    const existing = this.entries.get(demand.device);
    if (existing && existing.door !== door) {
      return { ok: false, message: `device ${demand.device} is already filed by ${existing.door}` };
    }
    if (!existing && this.countFor(door) >= this.maxPerDoor) {
      return { ok: false, message: `at most ${this.maxPerDoor} devices per door` };
    }
    const now = this.now();
    this.entries.set(demand.device, { demand, door, since: existing?.since ?? now, updated: now });
    this.changed();
    return { ok: true };
  }

  private withdraw(door: string, device: string): void {
    if (this.entries.get(device)?.door !== door) return;
    this.entries.delete(device);
    this.changed();
  }

  private dropDoor(door: string): void {
    let dropped = false;
    for (const [device, entry] of this.entries) {
      if (entry.door === door) {
        this.entries.delete(device);
        dropped = true;
      }
    }
    if (dropped) this.changed();
  }

  private countFor(door: string): number {
    let n = 0;
    for (const entry of this.entries.values()) if (entry.door === door) n++;
    return n;
  }

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }
}
