/**
 * The budget broker (site-control.md): on every telegram, the base load, the quarter headroom,
 * the solar surplus and the fuse headroom per conductor, then one grant per standing demand in
 * the allocation order: fuse, emergency, deadline (battery first, then a raised target), plan,
 * solar, battery. Pure: the caller passes the telegram's figures and a monotonic time; the
 * broker keeps only what stability needs (each device's last grant and when it changed, the base
 * load window, a target raised in this quarter).
 */
import {
  GRANT_VALID_MS, type DemandClass, type GrantReason, type SiteDemand, type SiteGrant,
} from '../../shared/site/contract.js';
import type { SiteDeviceState, SiteState, TargetRaise } from '../../shared/site/state.js';
import { brusselsParts } from '../../shared/time/brussels.js';
import { QUARTER_SECONDS, allowedKw } from '../peak/budget.js';
import { BaseLoadEstimator } from './base-load.js';
import { DeliveredEnergy } from './delivered-energy.js';
import { FuseRoom, baseCurrents, type Fuse, type PhaseNow } from './fuse.js';
import type { BookEntry } from './demand-book.js';

export interface BrokerOptions {
  fuse: Fuse;
  /** EUR per kW per year of the capacity tariff (rates.json); null: raises are not priced */
  eurPerKwYear?: () => number | null;
  /** an increase waits this long after the device's last change (default 10 s) */
  increaseHoldMs?: number;
  /** a decrease smaller than this is not commanded while the quarter has slack (default 0.1 kW) */
  deadbandKw?: number;
  /** with fewer seconds left than this, the quarter has no slack: B^ = B, no deadband (default 60) */
  lowSlackS?: number;
  /**
   * The month peak the site plan allows in the quarter holding a time (kW), or null without a
   * plan: the quarter's target is then at least that (a plan raises it only for a trip it needs)
   */
  planTargetKw?: (time: number) => number | null;
  /**
   * a device that runs below its smallest running power only in bursts starts one only when the
   * quarter's budget holds this many seconds of it (its minimum on-time; default 60 s)
   */
  burstMinS?: number;
}

/** The running quarter as the broker needs it (QuarterState carries it). */
export interface QuarterNow {
  start: number;
  elapsedS: number;
  energyKwh: number;
  targetKw: number;
  /**
   * E covers only part of the quarter (started mid-quarter without 1-0:1.4.0): the energy
   * before is unknown, so the budget is the target itself, as if the quarter had run at T so far
   */
  partial?: boolean;
}

export interface TickInput {
  /** monotonic ms when the telegram arrived */
  monoMs: number;
  /** the telegram's meter time, epoch ms */
  time: number;
  /**
   * P: net grid power, + import, - export; null when the telegram's power could not be read.
   * Unknown is the worst case, never 0: no quarter headroom and no solar surplus to share, the
   * base-load window is not fed, and batteries hold (an emergency still gets its minimum, within the fuse)
   */
  netKw: number | null;
  phases: readonly PhaseNow[];
  /** null before the quarter tracker has a usable telegram: no budget to share */
  quarter: QuarterNow | null;
  demands: readonly BookEntry[];
}

export interface TickResult {
  grants: SiteGrant[];
  state: SiteState;
}

interface DeviceMemory {
  kw: number;
  changedAt: number;
}

/** the share of the way to its self-consumption target a battery's grant moves per telegram */
const BATTERY_STEP = 0.5;

const CLASS_ORDER: readonly DemandClass[] = ['emergency', 'deadline', 'plan', 'opportunistic', 'battery'];
const EPS = 1e-9;

export class Broker {
  private readonly base: BaseLoadEstimator;
  private readonly memory = new Map<string, DeviceMemory>();
  private readonly delivered = new DeliveredEnergy();
  private raised: (TargetRaise & { quarterStart: number }) | null = null;
  private seq = 0;
  private readonly holdMs: number;
  private readonly deadbandKw: number;
  private readonly lowSlackS: number;
  private readonly burstMinS: number;
  /** per device with a deadline: its share of the running quarter, kWh (bursts deliver it) */
  private readonly deadlineShare = new Map<string, { quarterStart: number; kwh: number }>();

  constructor(private readonly o: BrokerOptions) {
    this.base = new BaseLoadEstimator();
    this.holdMs = o.increaseHoldMs ?? 10_000;
    this.deadbandKw = o.deadbandKw ?? 0.1;
    this.lowSlackS = o.lowSlackS ?? 60;
    this.burstMinS = o.burstMinS ?? 60;
  }

  get fuse(): Fuse {
    return this.o.fuse;
  }

  tick(input: TickInput): TickResult {
    const seq = ++this.seq;
    const demands = [...input.demands].sort(byAllocationOrder);
    const measured = demands.reduce((sum, e) => sum + e.demand.measuredKw, 0);
    // B = P - sum(m_i); with P unknown, B is taken as the last expected one (for texts only)
    const known = input.netKw !== null;
    const baseKw = known ? input.netKw! - measured : (this.base.median() ?? 0);
    if (known) this.base.add(input.monoMs, baseKw);
    const q = input.quarter;
    if (this.raised && (!q || this.raised.quarterStart !== q.start)) this.raised = null;
    this.delivered.count(input.monoMs, q, demands, known ? Math.max(0, -baseKw) : 0);
    const planTarget = q ? this.o.planTargetKw?.(input.time) ?? null : null;
    const targetKw = q ? Math.max(q.targetKw, planTarget ?? 0, this.raised?.toKw ?? 0) : null;
    const remainingS = q ? Math.max(QUARTER_SECONDS - q.elapsedS, 1) : 0;
    const lowSlack = !q || !known || remainingS < this.lowSlackS || q.energyKwh >= 0.9 * (targetKw! / 4);
    const expectedBaseKw = lowSlack ? baseKw : this.base.expected(baseKw);
    const averageBaseKw = this.base.average() ?? baseKw;
    // Q = A - B^ (nothing to share before the quarter is known)
    const allowed = (t: number) => (q ? (q.partial ? t : allowedKw(t, q.energyKwh, q.elapsedS)) : 0);
    let headroom = q && known ? allowed(targetKw!) - expectedBaseKw : 0;
    const solarSurplusKw = known ? Math.max(0, -baseKw) : 0;
    let solarLeft = solarSurplusKw;
    const room = new FuseRoom(this.o.fuse, baseCurrents(this.o.fuse, input.phases, demands.map((e) => e.demand)));
    const headroomAtStart = headroom;

    const grants = new Map<string, { kw: number; reason: GrantReason }>();
    // discharge a battery promised to a deadline before rule 6 runs (device -> kW, negative)
    const batteryHelp = new Map<string, number>();
    const batteries = demands.filter((e) => e.demand.class === 'battery');
    // a battery on the site takes a surplus the plan did not expect (rule 6, or its plan)
    const batteryOnSite = demands.some((e) => e.demand.kind === 'battery');
    let raise: (TargetRaise & { quarterStart: number }) | null = null;
    let currentTarget = targetKw;

    for (const entry of demands) {
      const d = entry.demand;
      if (d.class === 'battery') continue;
      const fuse = room.range(d.conductors);
      let want: number;
      let reason: GrantReason;
      const left = Math.max(0, headroom);
      // set when the device runs a burst: the average it takes from Q for the rest of the quarter
      let burstAvg: number | null = null;
      // class plan: the part of `want` the plan expects from the sun's surplus (kW)
      let sunKw = 0;
      const running = d.measuredKw >= 0.5 * d.minRunKw && d.minRunKw > EPS;
      const burst = (avg: number) => q !== null && burstFits(avg, left, d.minRunKw, remainingS, running, this.burstMinS);
      switch (d.class) {
        case 'emergency': {
          const atLeast = Math.max(d.minRunKw, d.band.minKw);
          want = Math.max(atLeast, Math.min(d.band.maxKw, left));
          // above the budget for the rest of the quarter, the quarter's average rises by over x R / 900
          const over = want - left;
          const price = this.o.eurPerKwYear?.() ?? null;
          const cost = q && price !== null && over > EPS ? ` (a peak up to ${fmt(over * remainingS / QUARTER_SECONDS)} kW higher: about ${(over * remainingS / QUARTER_SECONDS * price / 12).toFixed(2)} EUR)` : '';
          reason = {
            code: 'emergency',
            text: over > EPS
              ? `emergency charge at ${fmt(want)} kW, ${fmt(over)} kW above the quarter budget${cost}`
              : `emergency charge at ${fmt(want)} kW within the quarter budget`,
            params: over > EPS
              ? { overKw: round1(over), ...(cost ? { peakKw: round1(over * remainingS / QUARTER_SECONDS), eur: Math.round(over * remainingS / QUARTER_SECONDS * price! / 12 * 100) / 100 } : {}) }
              : { overKw: 0 },
          };
          break;
        }
        case 'deadline': {
          const need = deadlineNeedKw(d, input.time);
          if (d.deadline && d.deadline.time <= input.time) {
            // a deadline in the past cannot be met by raising anything: charge within the budget
            want = Math.min(d.band.maxKw, left);
            reason = { code: 'deadline', text: `the ${clock(d.deadline.time)} deadline has passed: ${fmt(want)} kW within the quarter budget` };
            break;
          }
          if (need <= left + EPS || !q || !d.deadline) {
            want = Math.min(need, left);
            reason = { code: need <= left + EPS ? 'deadline' : 'no-budget', text: `${deadlineWords(d, input.time)}: needs ${fmt(need)} kW on average, ${fmt(left)} kW left in the quarter budget` };
            if (q && want > EPS && want < d.minRunKw) {
              // less than the device's running power: its share of this quarter in a burst
              const avg = planRateKw(this.shareOf(d.device, q.start, need, remainingS), this.delivered.kwh(d.device, q.start), remainingS, true);
              if (burst(avg)) {
                want = d.minRunKw;
                burstAvg = avg;
                reason = { code: 'deadline', text: `${deadlineWords(d, input.time)}: needs ${fmt(need)} kW on average, run at ${fmt(d.minRunKw)} kW for part of the quarter` };
              }
            }
            break;
          }
          // Q is short: the batteries discharge to cover the difference first
          let short = need - left;
          for (const b of batteries) {
            if (short <= EPS) break;
            const bFuse = room.range(b.demand.conductors);
            const canDischarge = Math.max(0, -Math.max(b.demand.band.minKw, bFuse.minKw)) + Math.min(0, batteryHelp.get(b.demand.device) ?? 0);
            const help = Math.min(short, canDischarge);
            if (help <= EPS) continue;
            batteryHelp.set(b.demand.device, (batteryHelp.get(b.demand.device) ?? 0) - help);
            room.take(b.demand.conductors, -help);
            headroom += help;
            short -= help;
          }
          const leftNow = Math.max(0, headroom);
          const helped = headroom - left > EPS ? `, the battery discharging ${fmt(headroom - left)} kW` : '';
          // this device's share of the quarter at target t, and of every later quarter
          const base = currentTarget!;
          const reachable = (t: number) => deadlineReachableKwh(d, input.time, remainingS, headroom + allowed(t) - allowed(base), t - averageBaseKw);
          if (reachable(currentTarget!) + EPS >= d.deadline.kwh) {
            want = Math.min(need, leftNow);
            reason = { code: 'deadline', text: `${deadlineWords(d, input.time)}: ${fmt(want)} kW now${helped}; the rest fits later within the target` };
            break;
          }
          // still cannot be met: raise T by the least amount that meets it
          const from = currentTarget!;
          const to = leastTargetMeeting(from, d, reachable);
          const price = this.o.eurPerKwYear?.() ?? null;
          const eur = price === null ? null : Math.round(((to - from) * price / 12) * 100) / 100;
          headroom += allowed(to) - allowed(from);
          currentTarget = to;
          raise = { quarterStart: q.start, fromKw: from, toKw: to, eur, device: d.device, deadline: d.deadline.time };
          want = Math.min(d.band.maxKw, Math.max(0, headroom));
          reason = {
            code: 'target-raised',
            text: `target raised ${fmt(from)} -> ${fmt(to)} kW for the ${clock(d.deadline.time)} deadline of ${d.device}${eur === null ? '' : `: about ${eur.toFixed(2)} EUR`}`,
          };
          break;
        }
        case 'plan': {
          // what the plan still buys in this quarter, over the seconds left of it; on top, what
          // it still expects from the sun (shared/plan/grid-share.ts), as far as the surplus is
          // really there now. A surplus beyond the forecast is left to a battery (it stores it
          // for the evening); without one, a charging device takes it rather than export it
          const avg = planRateKw(d.plannedKwh ?? 0, q ? this.delivered.gridKwh(d.device, q.start) : 0, remainingS, q !== null);
          const charging = (d.plannedKwh ?? 0) > 0;
          const sunKwh = charging ? d.plannedSunKwh ?? 0 : 0;
          const sunDelivered = q ? this.delivered.kwh(d.device, q.start) - this.delivered.gridKwh(d.device, q.start) : 0;
          const sun = !charging ? 0 : !batteryOnSite ? solarLeft : sunKwh > 0 ? Math.min(solarLeft, planRateKw(sunKwh, sunDelivered, remainingS, q !== null)) : 0;
          sunKw = sun;
          let planned = avg > EPS || sun > EPS ? avg + sun : avg;
          // energy left below the device's smallest running power (a car at 6 A): run at that
          // power until the quarter's energy is in, rather than not at all; when Q is below that
          // power, in a burst that the quarter's energy budget holds
          if (planned > EPS && planned < d.minRunKw) {
            if (avg <= EPS) planned = 0; // the bought part is in: the sun alone, as for an opportunistic device
            else {
              planned = d.minRunKw;
              if (burst(avg)) burstAvg = avg;
            }
          }
          // a planned discharge (a battery) frees budget rather than taking it
          want = planned < 0 ? planned : burstAvg !== null ? planned : Math.min(planned, left);
          reason = planned < 0
            ? { code: 'plan', text: `plan: discharging ${fmt(-planned)} kW this quarter` }
            : burstAvg !== null
            ? { code: 'plan', text: `plan: ${fmt(planned)} kW for part of this quarter (${fmt(avg)} kW on average), ${fmt(left)} kW left in the quarter budget` }
            : { code: planned <= left + EPS ? 'plan' : 'no-budget', text: `plan: ${fmt(planned)} kW for the rest of this quarter, ${fmt(left)} kW left in the quarter budget` };
          break;
        }
        case 'opportunistic':
        default: {
          want = Math.min(solarLeft, left);
          reason = { code: 'solar', text: `solar surplus: ${fmt(solarLeft)} kW unused` };
          break;
        }
      }
      let kw = clamp(want, d.band.minKw, d.band.maxKw);
      // a grant between 0 and the smallest running power is useless: 0 or at least that
      if (kw > EPS && kw < d.minRunKw - EPS) kw = d.class === 'emergency' ? d.minRunKw : 0;
      if (d.class !== 'emergency') kw = this.stable(d, kw, input.monoMs, lowSlack, fuse.maxKw);
      // the fuse is never traded for anything
      if (kw > fuse.maxKw + EPS || kw < fuse.minKw - EPS) {
        // never outside the band; off (0) is always allowed as the safe fallback
        kw = clamp(clamp(kw, fuse.minKw, fuse.maxKw), Math.min(0, d.band.minKw), Math.max(0, d.band.maxKw));
        if (kw > EPS && kw < d.minRunKw - EPS) kw = 0;
        reason = fuseReason(fuse, room, this.o.fuse);
      } else if (d.class === 'plan' && kw <= EPS) {
        reason = { code: 'no-budget', text: budgetWords(headroom, expectedBaseKw, currentTarget) };
      } else if (d.class === 'opportunistic' && kw <= EPS) {
        reason = { code: 'solar', text: 'solar surplus: none to share now' };
      }
      if (d.class === 'opportunistic' || sunKw > 0) solarLeft = Math.max(0, solarLeft - Math.max(0, kw));
      // a burst takes its average from the quarter's budget, not its running power; the fuse
      // (below) takes what it draws now
      headroom -= burstAvg !== null && kw > EPS ? Math.min(kw, burstAvg) : kw;
      room.take(d.conductors, kw);
      grants.set(d.device, { kw, reason });
      this.remember(d.device, kw, input.monoMs);
      this.delivered.grantSun(d.device, Math.min(sunKw, Math.max(0, kw)));
    }

    // rule 6: batteries absorb export, cover import, hold the quarter inside T
    let netAfter = baseKw + [...grants.values()].reduce((s, g) => s + g.kw, 0) + [...batteryHelp.values()].reduce((s, h) => s + h, 0);
    for (const entry of batteries) {
      const d = entry.demand;
      const help = batteryHelp.get(d.device) ?? 0;
      // undo this battery's promised help while deciding, then take the stronger discharge
      room.take(d.conductors, -help);
      netAfter -= help;
      headroom += help;
      const fuse = room.range(d.conductors);
      // self-consumption: bring the net flow to zero
      // (grid power unknown: hold, rather than chase a flow nobody measured)
      let want = known ? -netAfter : 0;
      // half a step from the last grant toward it: the battery's own power reaches the broker a
      // telegram after the grid's, and a whole step each second against that lag swings between
      // charging and idle (exporting half the time); half a step settles within seconds
      const last = this.memory.get(d.device)?.kw;
      if (known && last !== undefined) want = last + BATTERY_STEP * (want - last);
      let reason: GrantReason = !known
        ? { code: 'battery', text: 'battery: grid power unknown (1-0:1.7.0 / 2.7.0 unreadable): holding' }
        : want >= 0
        ? { code: 'battery', text: `battery: absorbing ${fmt(want)} kW that would be exported` }
        : { code: 'battery', text: `battery: covering ${fmt(-want)} kW of import` };
      // recharge only inside the budget; discharge at least what keeps the quarter inside T
      if (want > Math.max(0, headroom)) {
        want = Math.max(0, headroom);
        reason = { code: 'budget', text: `battery: charging limited to the quarter budget (${fmt(want)} kW)` };
      }
      if (headroom < 0 && want > headroom) {
        want = headroom;
        reason = { code: 'battery', text: `battery: discharging ${fmt(-want)} kW to keep the quarter at ${fmt(currentTarget ?? 0)} kW` };
      }
      if (help < 0 && want > help) want = help;
      let kw = clamp(want, d.band.minKw, d.band.maxKw);
      if (help < 0 && kw <= help + EPS) {
        reason = { code: 'deadline', text: `battery: discharging ${fmt(-kw)} kW so a deadline is met without raising the target` };
      }
      if (Math.abs(kw) < d.minRunKw - EPS) kw = 0;
      if (kw > fuse.maxKw + EPS || kw < fuse.minKw - EPS) {
        kw = clamp(clamp(kw, fuse.minKw, fuse.maxKw), Math.min(0, d.band.minKw), Math.max(0, d.band.maxKw));
        reason = fuseReason(fuse, room, this.o.fuse);
      }
      headroom -= kw;
      netAfter += kw;
      room.take(d.conductors, kw);
      grants.set(d.device, { kw, reason });
      this.remember(d.device, kw, input.monoMs);
    }

    if (raise) this.raised = raise;
    for (const device of this.memory.keys()) if (!grants.has(device)) this.memory.delete(device);
    this.delivered.keep((device) => grants.has(device));
    for (const [device, share] of this.deadlineShare) if (!grants.has(device) || !q || share.quarterStart !== q.start) this.deadlineShare.delete(device);

    const out: SiteGrant[] = [];
    const devices: SiteDeviceState[] = [];
    for (const entry of demands) {
      const g = grants.get(entry.demand.device)!;
      const kw = round3(g.kw);
      out.push({ device: entry.demand.device, kw, validForMs: GRANT_VALID_MS, reason: g.reason, seq, time: input.time });
      devices.push({
        device: entry.demand.device, kind: entry.demand.kind, door: entry.door, class: entry.demand.class,
        measuredKw: entry.demand.measuredKw, grantedKw: kw, reason: g.reason,
      });
    }
    const conductors = (this.o.fuse.phases === 1 ? [1] : [1, 2, 3]) as Array<1 | 2 | 3>;
    return {
      grants: out,
      state: {
        time: input.time,
        meterSilent: false,
        paused: false,
        baseKw: known ? round3(baseKw) : null,
        expectedBaseKw: known ? round3(expectedBaseKw) : null,
        headroomKw: q && known ? round3(headroomAtStart) : null,
        solarSurplusKw: known ? round3(solarSurplusKw) : null,
        target: currentTarget === null ? null : {
          kw: round3(currentTarget),
          raised: this.raised ? { fromKw: this.raised.fromKw, toKw: this.raised.toKw, eur: this.raised.eur, device: this.raised.device, deadline: this.raised.deadline } : null,
        },
        fuse: { grid: this.o.fuse.grid, phases: this.o.fuse.phases, amps: this.o.fuse.amps },
        conductors: conductors.map((c) => ({ conductor: c, amps: nullableRound(room.amps(c)), limitA: this.o.fuse.amps })),
        devices,
      },
    };
  }

  /**
   * Decrease fast, increase slow: a small cut (within the deadband, while the quarter has
   * slack) keeps the grant as it was; an increase waits until the device's last change is
   * holdMs old. A cut that the fuse needs is made whatever this says (the caller clamps).
   */
  private stable(d: SiteDemand, kw: number, monoMs: number, lowSlack: boolean, fuseMax: number): number {
    const before = this.memory.get(d.device);
    if (!before) return kw;
    if (kw < before.kw) {
      const small = before.kw - kw <= this.deadbandKw + EPS;
      if (small && !lowSlack && before.kw <= d.band.maxKw && before.kw >= d.band.minKw && before.kw <= fuseMax) return before.kw;
      return kw;
    }
    if (kw > before.kw) {
      // an increase waits for holdMs after the last change and is worth a command only beyond the deadband
      if (monoMs - before.changedAt < this.holdMs) return before.kw;
      if (!lowSlack && before.kw > EPS && kw - before.kw <= this.deadbandKw + EPS) return before.kw;
    }
    return kw;
  }

  /**
   * A deadline's share of the running quarter (kWh, counted like a plan's from the quarter's
   * start): its average need over the part of the quarter left when first seen in it, plus what
   * it had drawn by then. Fixed for the quarter, so a burst ends when the share is in.
   */
  private shareOf(device: string, quarterStart: number, needKw: number, remainingS: number): number {
    const known = this.deadlineShare.get(device);
    if (known && known.quarterStart === quarterStart) return known.kwh;
    const kwh = this.delivered.kwh(device, quarterStart) + (needKw * remainingS) / 3600;
    this.deadlineShare.set(device, { quarterStart, kwh });
    return kwh;
  }

  private remember(device: string, kw: number, monoMs: number): void {
    const before = this.memory.get(device);
    if (!before || Math.abs(before.kw - kw) > EPS) this.memory.set(device, { kw, changedAt: monoMs });
  }
}

function byAllocationOrder(a: BookEntry, b: BookEntry): number {
  return CLASS_ORDER.indexOf(a.demand.class) - CLASS_ORDER.indexOf(b.demand.class)
    || (a.demand.deadline?.time ?? Infinity) - (b.demand.deadline?.time ?? Infinity)
    || b.demand.priority - a.demand.priority
    || a.since - b.since
    || (a.demand.device < b.demand.device ? -1 : 1);
}

/**
 * The power that delivers what the plan still places in this quarter (its kWh minus what the
 * device already drew in it) over the seconds left; signed like the plan (a battery's planned
 * discharge is negative) and never past zero: energy delivered beyond the plan is not given back.
 * Without a running quarter, the plan's average power.
 */
export function planRateKw(plannedKwh: number, deliveredKwh: number, remainingS: number, inQuarter: boolean): number {
  if (!inQuarter) return plannedKwh * 4;
  const rest = ((plannedKwh - deliveredKwh) * 3600) / Math.max(remainingS, 1);
  return plannedKwh >= 0 ? Math.max(0, rest) : Math.min(0, rest);
}

/**
 * Whether a device that cannot run below `minRunKw` may run at it in a burst while it wants less
 * than that on average (`avgKw`, for the rest of the quarter) and the budget Q (`leftKw`) is below
 * it: yes when the energy it wants fits in the energy Q leaves in the quarter (Q x the seconds
 * left), so the quarter still ends at or below the target, and, for a device not yet running, the
 * budget also holds its minimum on-time at that power (a started car runs that long).
 */
export function burstFits(avgKw: number, leftKw: number, minRunKw: number, remainingS: number, running: boolean, minOnS: number): boolean {
  if (avgKw <= EPS || avgKw >= minRunKw) return false;
  if (avgKw > leftKw + EPS) return false;
  return running || leftKw * remainingS >= minRunKw * minOnS - EPS;
}

/** The average power that delivers the deadline's energy by its time, within the band. */
export function deadlineNeedKw(d: SiteDemand, time: number): number {
  if (!d.deadline) return 0;
  const seconds = (d.deadline.time - time) / 1000;
  if (seconds <= 0) return d.band.maxKw;
  return Math.min(d.band.maxKw, (d.deadline.kwh * 3600) / seconds);
}

/**
 * Energy the device can get by its deadline: `nowKw` (its share of this quarter's headroom)
 * for the rest of the quarter, then `laterKw` (the target minus the base load's recent average)
 * every later quarter, both within its band.
 */
function deadlineReachableKwh(d: SiteDemand, time: number, remainingS: number, nowKw: number, laterKw: number): number {
  const seconds = Math.max(0, (d.deadline!.time - time) / 1000);
  const nowS = Math.min(remainingS, seconds);
  const laterS = Math.max(0, seconds - remainingS);
  return (clamp(nowKw, 0, d.band.maxKw) * nowS + clamp(laterKw, 0, d.band.maxKw) * laterS) / 3600;
}

/**
 * The least target (to 0.01 kW) at which the deadline is reachable; when even the device's full
 * power now and later is not enough, the least target that gives it that full power (raising
 * further would buy nothing).
 */
function leastTargetMeeting(from: number, d: SiteDemand, reachable: (t: number) => number): number {
  // reachable() is capped by the device's band: far above, it gives the most that can be had
  const most = reachable(from + 10_000);
  const goal = Math.min(d.deadline!.kwh, most) - 1e-9;
  let lo = from;
  let hi = from + 10_000;
  while (hi - lo > 0.005) {
    const mid = (lo + hi) / 2;
    if (reachable(mid) >= goal) hi = mid;
    else lo = mid;
  }
  // the least whole hundredth of a kW that meets it
  let t = Math.floor(lo * 100) / 100;
  while (reachable(t) < goal) t = Math.round(t * 100 + 1) / 100;
  return t;
}

function fuseReason(fuse: { maxKw: number; binding: 1 | 2 | 3 | null }, room: FuseRoom, config: Fuse): GrantReason {
  const c = fuse.binding;
  if (c === null) return { code: 'fuse', text: `main fuse ${config.phases} x ${config.amps} A` };
  const amps = room.amps(c);
  if (amps === null) return { code: 'fuse', text: `main fuse: the current on L${c} is unknown, nothing more on it` };
  return { code: 'fuse', text: `main fuse: L${c} at ${fmt(Math.abs(amps))} of ${config.amps} A` };
}

function budgetWords(left: number, baseKw: number, targetKw: number | null): string {
  if (targetKw === null) return 'quarter budget: not known yet (waiting for the quarter)';
  return `quarter budget: house ${fmt(baseKw)} kW, target ${fmt(targetKw)} kW, ${fmt(Math.max(0, left))} kW left`;
}

function deadlineWords(d: SiteDemand, time: number): string {
  if (!d.deadline) return 'deadline';
  const hours = (d.deadline.time - time) / 3_600_000;
  return `${fmt(d.deadline.kwh)} kWh by ${clock(d.deadline.time)} (${fmt(Math.max(0, hours))} h)`;
}

function clock(epochMs: number): string {
  const p = brusselsParts(epochMs);
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function fmt(x: number): string {
  return (Math.round(x * 10) / 10).toFixed(1);
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function nullableRound(x: number | null): number | null {
  return x === null ? null : Math.round(x * 10) / 10;
}
