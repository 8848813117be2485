import type { Telegram } from '../../shared/p1/telegram.js';
import { siteDemandSchema, type GrantReason, type SiteDemand, type SiteDemandInput, type SiteGrant, type SiteLink } from '../../shared/site/contract.js';
import { chargePowerKw, type GridType } from '../../main/ev/grid.js';
import { allowedKw } from '../../main/peak/budget.js';

/**
 * A small broker for EV scenario tests before the site broker (issue 15) lands: it follows
 * site-control.md closely enough to exercise the EV side (quarter budget with a base-load
 * estimate that a short spike barely moves, solar surplus, fuse headroom per conductor, one
 * grant per telegram), for one flexible device. It is test support, not the product's broker.
 */
export interface BudgetTestBrokerOptions {
  grid: GridType;
  fuseA: number;
  targetKw: number;
  /** kept below the target so rounding and the car's ramp do not end a quarter just above it */
  marginKw?: number;
  monoNow: () => number;
}

const WINDOW_S = 40;

export class BudgetTestBroker implements SiteLink {
  readonly demands = new Map<string, SiteDemand>();
  readonly grants: SiteGrant[] = [];
  private readonly listeners = new Map<string, Set<(grant: SiteGrant, receivedAtMonoMs: number) => void>>();
  private seq = 0;
  private quarterStart = -1;
  private quarterStartWh = 0;
  private readonly baseHistory: number[] = [];

  constructor(private readonly options: BudgetTestBrokerOptions) {}

  demand(demand: SiteDemandInput): void {
    const parsed = siteDemandSchema.parse(demand);
    this.demands.set(parsed.device, parsed);
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

  /** one telegram: decide and send every grant */
  tick(t: Telegram): void {
    const time = t.time!;
    const importWh = Math.round((t.importKwh!.t1! + t.importKwh!.t2!) * 1000);
    const quarterStart = Math.floor(time / 900_000) * 900_000;
    if (quarterStart !== this.quarterStart) {
      // the counters at the first telegram of a quarter hold the energy up to the second before it
      this.quarterStart = quarterStart;
      this.quarterStartWh = importWh;
    }
    const elapsedS = (time - quarterStart) / 1000;
    const energyKwh = (importWh - this.quarterStartWh) / 1000;
    const powerKw = t.powerKw!.import! - t.powerKw!.export!;
    const devicesKw = [...this.demands.values()].reduce((sum, d) => sum + d.measuredKw, 0);
    const base = powerKw - devicesKw;
    this.baseHistory.push(base);
    if (this.baseHistory.length > WINDOW_S) this.baseHistory.shift();
    const sorted = [...this.baseHistory].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    const slackLeft = 900 - elapsedS < 60;
    const baseEstimate = slackLeft ? base : Math.min(base, median);
    const allowed = allowedKw(this.options.targetKw - (this.options.marginKw ?? 0.1), energyKwh, elapsedS);
    const headroom = allowed - baseEstimate;
    const surplus = Math.max(0, -base);
    for (const demand of this.demands.values()) {
      const fuseKw = this.fuseLimitKw(t, demand);
      let kw: number;
      let reason: GrantReason;
      switch (demand.class) {
        case 'emergency':
          kw = demand.band.maxKw;
          reason = { code: 'emergency', text: 'emergency' };
          break;
        case 'opportunistic':
          kw = Math.min(demand.band.maxKw, surplus);
          reason = { code: 'solar', text: `solar surplus ${surplus.toFixed(1)} kW` };
          break;
        default:
          kw = Math.min(demand.band.maxKw, headroom);
          reason = kw < demand.band.maxKw
            ? { code: 'budget', text: `the quarter would end above ${this.options.targetKw.toFixed(1)} kW` }
            : { code: 'plan', text: 'within the quarter budget' };
      }
      if (demand.band.minKw > kw && (demand.class === 'emergency' || demand.band.minKw <= headroom)) kw = demand.band.minKw;
      if (kw > fuseKw) {
        kw = fuseKw;
        reason = { code: 'fuse', text: `the main fuse (${this.options.fuseA} A)` };
      }
      if (kw < demand.minRunKw) kw = 0;
      const grant: SiteGrant = { device: demand.device, kw: Math.max(0, Math.round(kw * 1000) / 1000), validForMs: 2500, reason, seq: this.seq++, time };
      this.grants.push(grant);
      for (const listener of this.listeners.get(demand.device) ?? []) listener(grant, this.options.monoNow());
    }
  }

  /** the most the device may draw within the main fuse, from the meter's per-phase currents */
  private fuseLimitKw(t: Telegram, demand: SiteDemand): number {
    const phases = demand.conductors.length === 3 ? 3 : 1;
    const perAmpKw = chargePowerKw(this.options.grid, phases, 1);
    const deviceA = perAmpKw > 0 ? Math.max(0, demand.measuredKw) / perAmpKw : 0;
    let headroomA = Infinity;
    for (const c of demand.conductors) {
      const reading = t.phases.find((p) => p.phase === c);
      // Belgian meters send currents unsigned: the phase's power says the direction (export lowers the load)
      // (on 3 x 230 V the meter measures power on two elements: L2 shows none, so the total says)
      const phaseKw = (reading?.importKw ?? 0) - (reading?.exportKw ?? 0);
      const exporting = phaseKw !== 0 ? phaseKw < 0 : (t.powerKw!.export ?? 0) > (t.powerKw!.import ?? 0);
      const lineA = reading?.currentA == null ? this.options.fuseA : exporting ? -reading.currentA : reading.currentA;
      headroomA = Math.min(headroomA, this.options.fuseA - (lineA - deviceA));
    }
    return Math.max(0, headroomA) * perAmpKw;
  }
}
