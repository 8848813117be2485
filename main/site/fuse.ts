/**
 * The main fuse as a hard limit per conductor (site-control.md "Fuse headroom per conductor").
 * Pure arithmetic: how many amps a device's kW put on each conductor it loads, and how much
 * current each conductor has left once the house (everything but the flexible devices) is
 * counted from the meter's instant per-phase currents.
 */
import { z } from 'zod';
import type { Conductor } from '../../shared/site/contract.js';

export const gridSchema = z.enum(['3x400', '3x230', '1x230']);
export type Grid = z.infer<typeof gridSchema>;

/** config `site.fuse`: the connection's main fuse, e.g. 3 x 25 A on 3 x 400 V */
export const fuseSchema = z.object({
  grid: gridSchema,
  phases: z.union([z.literal(1), z.literal(3)]),
  amps: z.number().positive().max(400),
}).strict().refine((f) => (f.grid === '1x230') === (f.phases === 1), {
  message: '1x230 has one phase, 3x400 and 3x230 have three', path: ['phases'],
});
export type Fuse = z.infer<typeof fuseSchema>;

const PHASE_VOLTS = 230;

/**
 * Amps per kW on each of a device's conductors. On 3 x 400 V every phase is 230 V to neutral,
 * so n conductors share the power: 1000 / (230 n). On 3 x 230 V (no neutral) a single-phase
 * load sits between two conductors and the whole current flows through both: 1000 / 230 on
 * each; a three-phase load draws 1000 / (sqrt(3) 230) per line. On 1 x 230 V: 1000 / 230.
 */
export function ampsPerKw(grid: Grid, conductors: readonly Conductor[]): number {
  const n = new Set(conductors).size;
  if (grid === '3x230') return n >= 3 ? 1000 / (Math.sqrt(3) * PHASE_VOLTS) : 1000 / PHASE_VOLTS;
  if (grid === '1x230') return 1000 / PHASE_VOLTS;
  return 1000 / (PHASE_VOLTS * n);
}

export interface PhaseNow {
  phase: Conductor;
  /** unsigned on Belgian meters; null when the meter did not send it or it could not be read */
  currentA: number | null;
  importKw: number | null;
  exportKw: number | null;
}

export interface DeviceOnConductors {
  conductors: readonly Conductor[];
  /** signed kW, + drawing */
  measuredKw: number;
}

/**
 * What the house alone puts on each conductor, signed (+ import): the meter's current with the
 * direction of the phase's power, minus the flexible devices' own current as they last measured
 * it. null: the current is unknown, so nothing may be added to that conductor (worst case).
 */
export function baseCurrents(fuse: Fuse, phases: readonly PhaseNow[], devices: readonly DeviceOnConductors[]): Map<Conductor, number | null> {
  const base = new Map<Conductor, number | null>();
  const used: Conductor[] = fuse.phases === 1 ? [1] : [1, 2, 3];
  const exports = (p: PhaseNow | undefined) => p !== undefined && (p.exportKw ?? 0) > (p.importKw ?? 0);
  for (const c of used) {
    const p = phases.find((x) => x.phase === c);
    if (!p || p.currentA === null || !Number.isFinite(p.currentA)) {
      base.set(c, null);
      continue;
    }
    let exporting = exports(p);
    if (fuse.grid === '3x230' && c === 2 && !hasPower(p)) {
      // a 3 x 230 V meter measures two elements referenced to L2 (p1-belgium.md: L2 reads 0 V
      // and no power); L2's current is the sum of the other two lines' and has no direction of
      // its own. It flows out only when both measured elements export; mixed or unknown counts
      // as import, the worst case for the fuse.
      exporting = exports(phases.find((x) => x.phase === 1)) && exports(phases.find((x) => x.phase === 3));
    }
    base.set(c, exporting ? -Math.abs(p.currentA) : Math.abs(p.currentA));
  }
  const drawn = new Map<Conductor, number>();
  for (const d of devices) {
    const perKw = ampsPerKw(fuse.grid, d.conductors);
    for (const c of new Set(d.conductors)) drawn.set(c, (drawn.get(c) ?? 0) + d.measuredKw * perKw);
  }
  for (const [c, deviceA] of drawn) {
    const b = base.get(c);
    if (b === null || b === undefined) continue;
    base.set(c, fuse.grid === '3x230' && b > 0 && deviceA > 0 ? houseBesideDevices(b, deviceA) : b - deviceA);
  }
  return base;
}

/**
 * On 3 x 230 V the currents on one line come from loads between different pairs of conductors,
 * whose currents are up to 60 degrees apart (30 degrees for a three-phase load against a pair):
 * the line's current is their vector sum, less than the plain sum. Subtracting the devices' amps
 * from the meter's would then understate the house, and a grant sized on that would put the
 * line over the fuse. The house's part at the widest angle is the largest it can be:
 * |I|^2 = h^2 + D^2 + 2 h D cos(60) gives h = -D/2 + sqrt(|I|^2 - 3/4 D^2).
 */
function houseBesideDevices(lineA: number, deviceA: number): number {
  return Math.max(0, -deviceA / 2 + Math.sqrt(Math.max(0, lineA * lineA - 0.75 * deviceA * deviceA)));
}

/** the meter sent a power for this phase, in either direction */
function hasPower(p: PhaseNow): boolean {
  return (p.importKw ?? 0) > 0 || (p.exportKw ?? 0) > 0;
}

/**
 * The conductors' remaining room as the tick hands out power: each grant takes its current off
 * every conductor it loads, so two devices on one phase share that phase's headroom.
 */
export class FuseRoom {
  /** signed amps already on each conductor (house + grants so far); null = unknown */
  private readonly load: Map<Conductor, number | null>;

  constructor(private readonly fuse: Fuse, base: Map<Conductor, number | null>) {
    this.load = new Map(base);
  }

  /** The conductors among these whose current is unknown. */
  unknown(conductors: readonly Conductor[]): Conductor[] {
    return [...new Set(conductors)].filter((c) => (this.load.get(c) ?? null) === null);
  }

  /**
   * The kW range this device may be granted on its conductors: [lowest, highest] with
   * |load_c + kw x perKw| <= fuse on each. An unknown conductor allows nothing ([0, 0]).
   * Also gives the conductor that binds the upper limit, for the reason text.
   */
  range(conductors: readonly Conductor[]): { minKw: number; maxKw: number; binding: Conductor | null } {
    const perKw = ampsPerKw(this.fuse.grid, conductors);
    let minKw = -Infinity;
    let maxKw = Infinity;
    let binding: Conductor | null = null;
    for (const c of new Set(conductors)) {
      const load = this.load.get(c) ?? null;
      if (load === null) return { minKw: 0, maxKw: 0, binding: c };
      const up = (this.fuse.amps - load) / perKw;
      const down = (-this.fuse.amps - load) / perKw;
      if (up < maxKw) { maxKw = up; binding = c; }
      if (down > minKw) minKw = down;
    }
    return { minKw, maxKw, binding };
  }

  take(conductors: readonly Conductor[], kw: number): void {
    const perKw = ampsPerKw(this.fuse.grid, conductors);
    for (const c of new Set(conductors)) {
      const load = this.load.get(c) ?? null;
      if (load !== null) this.load.set(c, load + kw * perKw);
    }
  }

  /** Signed amps on the conductor with the grants so far (null: unknown). */
  amps(c: Conductor): number | null {
    return this.load.get(c) ?? null;
  }
}
