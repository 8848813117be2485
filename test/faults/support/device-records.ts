/**
 * What the devices received and what crossed the link, as the garage harness reports it (one
 * JSON line each, monotonic ms), read into the facts the fault tests check: when each device
 * was running or safe, which telegrams and grants each satellite got, and the time from the last
 * telegram a satellite saw to its device's safe command.
 */
import type { SiteGrant } from '../../../shared/site/contract.js';

export interface ChargerCommand { t: number; paused: boolean; currentA: number }
/** a write of the charger's energy limit alone (the EV driver's lease), Wh; 0: none */
export interface EnergyLimitWrite { t: number; limitWh: number; /** the session's energy when it arrived */ sessionWh: number }
/** what the car drew, as the charger simulator said it when it changed */
export interface CarPower { t: number; kw: number; warning: string; sessionWh: number; limitWh: number }
export interface BatteryCommand { t: number; kw: number | null }
export interface Delivered { t: number; conn: number }
export interface DeliveredGrant extends Delivered { grant: SiteGrant }

/** the simulated inverter's WChaMax: 5 kW (DEFAULT_BATTERY); rates are percent of it */
const BATTERY_W_CHA_MAX_KW = 5;

export class DeviceRecords {
  /** the commands that set the charger's current or pause (a lease renewal alone is not one) */
  readonly charger: ChargerCommand[] = [];
  readonly energyLimits: EnergyLimitWrite[] = [];
  readonly car: CarPower[] = [];
  readonly battery: BatteryCommand[] = [];
  readonly telegrams: Delivered[] = [];
  readonly grants: DeliveredGrant[] = [];
  readonly names = new Map<number, string>();
  readonly reverts: number[] = [];
  private chargerState = { paused: true, currentA: 6 };

  take(line: Record<string, unknown>): void {
    const t = line.t as number;
    switch (line.type) {
      case 'charger': {
        const q = line.query as Record<string, string>;
        if ('energy_limit' in q) this.energyLimits.push({ t, limitWh: Number(q.energy_limit), sessionWh: line.sessionWh as number });
        if (!('charge_pause' in q) && !('current_set' in q)) break;
        if ('charge_pause' in q) this.chargerState.paused = q.charge_pause === '1';
        if ('current_set' in q) this.chargerState.currentA = Number(q.current_set);
        this.charger.push({ t, ...this.chargerState });
        break;
      }
      case 'car': this.car.push({ t, kw: line.kw as number, warning: line.warning as string, sessionWh: line.sessionWh as number, limitWh: line.limitWh as number }); break;
      case 'battery': {
        const w = line.write as { storCtlMod: number; inWRte: number | null };
        // a window [x, x] holds x: InWRte is x in percent of WChaMax (negative: discharging)
        this.battery.push({ t, kw: w.storCtlMod === 0 ? null : ((w.inWRte ?? 0) / 100) * BATTERY_W_CHA_MAX_KW });
        break;
      }
      case 'battery-reverted': this.reverts.push(t); break;
      case 'hello': this.names.set(line.conn as number, String(line.name)); break;
      case 'telegram': this.telegrams.push({ t, conn: line.conn as number }); break;
      case 'grant': this.grants.push({ t, conn: line.conn as number, grant: line.grant as SiteGrant }); break;
    }
  }

  /** the connections a satellite (by its hello name) had */
  conns(name: string): Set<number> {
    return new Set([...this.names].filter(([, n]) => n === name).map(([c]) => c));
  }

  telegramsSeenBy(name: string): number[] {
    const conns = this.conns(name);
    return this.telegrams.filter((d) => conns.has(d.conn)).map((d) => d.t);
  }

  /** the car's power now, as last said, kW */
  carKw(): number {
    return this.car.at(-1)?.kw ?? 0;
  }

  /** the first moment after `after` the car stopped drawing, with the charger's word for it; null: still drawing */
  carStoppedAfter(after: number): CarPower | null {
    return this.car.find((c) => c.t > after && c.kw === 0) ?? null;
  }

  chargerRunning(): boolean {
    const last = this.charger.at(-1);
    return !!last && !last.paused;
  }

  batteryRunning(): boolean {
    const last = this.battery.at(-1);
    return !!last && last.kw !== null && Math.abs(last.kw) > 0.001;
  }

  /** the device's commands as running or not, in time order */
  commands(kind: 'charger' | 'battery'): Array<{ t: number; running: boolean }> {
    return kind === 'charger'
      ? this.charger.map((c) => ({ t: c.t, running: !c.paused }))
      : this.battery.map((b) => ({ t: b.t, running: b.kw !== null && Math.abs(b.kw) > 0.001 }));
  }

  /**
   * Every gap of more than `boundMs` in the telegrams a satellite saw, the gap starting within
   * [from, to], with when its device was made safe: `safeAfterMs` from the last telegram to the
   * first safe command in the gap, 0 when it was safe already, null when it was not made safe
   * before the telegrams came back (or `until`). The product's promise is safeAfterMs < 3000.
   */
  gaps(kind: 'charger' | 'battery', satellite: string, from: number, to: number, boundMs: number, until: number): Array<{ lastTelegram: number; nextTelegram: number | null; safeAfterMs: number | null }> {
    const seen = this.telegramsSeenBy(satellite);
    const commands = this.commands(kind);
    const out: Array<{ lastTelegram: number; nextTelegram: number | null; safeAfterMs: number | null }> = [];
    for (let i = 0; i < seen.length; i++) {
      const last = seen[i]!;
      const next = seen[i + 1] ?? null;
      if (last < from || last > to) continue;
      if ((next ?? until) - last <= boundMs) continue;
      const before = commands.filter((c) => c.t <= last).at(-1);
      if (!before || !before.running) { out.push({ lastTelegram: last, nextTelegram: next, safeAfterMs: 0 }); continue; }
      const safe = commands.find((c) => c.t > last && c.t < (next ?? until) && !c.running);
      out.push({ lastTelegram: last, nextTelegram: next, safeAfterMs: safe ? safe.t - last : null });
    }
    return out;
  }

  /** the first command after `after` that lets the device run */
  firstRunning(kind: 'charger' | 'battery', after: number): number | null {
    return this.commands(kind).find((c) => c.t > after && c.running)?.t ?? null;
  }

  /**
   * Every command that let a device run, checked against the grants its satellite received:
   * a grant for that device delivered at most `withinMs` before it (its 2.5 s validity plus the
   * command's own way to the device), which allowed at least what was commanded (+ `slackKw`).
   * Returns the violations in words.
   */
  runningWithoutGrant(satellite: string, kind: 'charger' | 'battery', withinMs: number, slackKw: number, kwOf: (c: ChargerCommand) => number): string[] {
    const conns = this.conns(satellite);
    const grants = this.grants.filter((g) => conns.has(g.conn));
    const wrong: string[] = [];
    const commands = kind === 'charger'
      ? this.charger.filter((c) => !c.paused).map((c) => ({ t: c.t, kw: kwOf(c) }))
      : this.battery.filter((b) => b.kw !== null && Math.abs(b.kw) > 0.001).map((b) => ({ t: b.t, kw: b.kw! }));
    for (const c of commands) {
      const grant = grants.filter((g) => g.t <= c.t && c.t - g.t < withinMs).at(-1);
      if (!grant) { wrong.push(`${kind} ran at ${c.kw.toFixed(2)} kW with no grant received in the ${withinMs} ms before`); continue; }
      const allowed = grant.grant.kw;
      const beyond = c.kw >= 0 ? c.kw > Math.max(0, allowed) + slackKw : c.kw < Math.min(0, allowed) - slackKw;
      if (beyond) wrong.push(`${kind} ran at ${c.kw.toFixed(2)} kW on a grant of ${allowed.toFixed(2)} kW`);
    }
    return wrong;
  }

  /** grants delivered twice on one connection (the same device and seq) */
  duplicateGrants(): string[] {
    const seen = new Set<string>();
    const twice: string[] = [];
    for (const g of this.grants) {
      const key = `${g.conn}/${g.grant.device}/${g.grant.seq}`;
      if (seen.has(key)) twice.push(key);
      seen.add(key);
    }
    return twice;
  }
}

/** a gap's time to safe in words: seconds, or "already safe" when it was safe at the last telegram */
export function safeWords(safeAfterMs: number | null): string {
  if (safeAfterMs === null) return 'NOT made safe';
  return safeAfterMs === 0 ? 'already safe at the last telegram' : `safe ${(safeAfterMs / 1000).toFixed(2)} s after the last telegram`;
}
