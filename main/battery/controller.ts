/**
 * The battery role's control loop (pure apart from the Battery it drives; the monotonic clock is
 * passed in): on every telegram it reads what the meter says, decides (strategy.ts), files its
 * demand with the site broker, and commands only what a fresh grant allows. Without a fresh grant
 * or fresh meter data it goes to idle on its own; the device's revert timeout is the last line when
 * this process is gone. Commands are written on change, and repeated well within the revert
 * timeout while they hold, so a living controller never lets the device revert.
 */
import { grantIsFresh, METER_SILENT_MS, type SiteGrant, type SiteLink } from '../../shared/site/contract.js';
import type { BatteryState } from '../../shared/battery/state.js';
import { commandForKw, commandSetpointKw as commandSetpoint, type Battery, type BatteryCommand, type BatteryReading } from './battery.js';
import { DayAccount, type FlowPrices } from './day-account.js';
import { decide, type BatteryMode, type Decision, type PlanTarget, type StrategySettings } from './strategy.js';

export interface MeterSample {
  /** meter time, epoch ms */
  time: number;
  /** + import, - export, kW */
  gridKw: number;
  /** the quarter's allowed average for the rest (A) and its target (T), or null */
  allowedKw: number | null;
  targetKw: number | null;
  tariff: number | null;
}

export interface ControllerOptions {
  device: string;
  battery: Battery;
  link: SiteLink;
  settings: StrategySettings;
  mode: BatteryMode;
  /** the conductors the inverter loads */
  conductors: Array<1 | 2 | 3>;
  /** the device's revert timeout, s: commands are repeated at a third of it */
  revertS: number;
  /** prices now for the savings figure; null when unknown */
  prices?: (time: number, tariff: number | null) => FlowPrices | null;
  /** the plan's SoC target hook (the planner issue provides it) */
  plan?: (time: number) => PlanTarget | null;
  /**
   * the site plan's energy for the battery in the quarter holding a meter time (kWh, + charge),
   * or null; asked with null time where no meter data is at hand (a satellite): the hook then
   * uses the best time it has
   */
  plannedKwh?: (time: number | null) => number | null;
  /** the plan's import price and cost of a kWh drawn beyond its discharge, for the quarter holding a meter time; null when unknown */
  planDraw?: (time: number) => { drawCostEur: number; importPriceEur: number } | null;
  notices?: string[];
  onState?: (state: BatteryState) => void;
  onError?: (error: Error) => void;
}

/** a change of setpoint smaller than this is not written */
const WRITE_STEP_KW = 0.05;

export class BatteryController {
  private mode: BatteryMode;
  private meter: { sample: MeterSample; at: number } | null = null;
  private reading: BatteryReading | null = null;
  private grant: { grant: SiteGrant; at: number } | null = null;
  private decision: Decision = { kw: 0, fromGrid: false, code: 'no-meter', text: 'waiting for the meter' };
  private band = { minKw: 0, maxKw: 0 };
  /** between idle and the strategy's wish */
  private wish = { minKw: 0, maxKw: 0 };
  private written: { command: BatteryCommand; setpointKw: number | null; at: number } | null = null;
  private writing: Promise<void> | null = null;
  private pending: { command: BatteryCommand; now: number } | null = null;
  private reading$: Promise<void> | null = null;
  private readonly day = new DayAccount();
  private reason: { code: string; text: string } = { code: 'starting', text: 'starting' };
  private readonly unsubscribe: () => void;
  private stopped = false;

  constructor(private readonly o: ControllerOptions) {
    this.mode = o.mode;
    this.unsubscribe = o.link.onGrant(o.device, (grant, receivedAt) => this.onGrant(grant, receivedAt));
  }

  /**
   * A telegram (through the bus state) at monotonic time `now`. The battery is read first and the
   * decision made with that reading: the grid's power and the battery's must be of the same moment,
   * or the house's power B = P - m is off by the battery's last change and the wish oscillates.
   */
  onMeter(sample: MeterSample, now: number): void {
    if (this.stopped) return;
    this.meter = { sample, at: now };
    this.refreshReading(() => this.decideNow(sample, now));
    this.apply(now);
  }

  private decideNow(sample: MeterSample, now: number): void {
    if (this.stopped || this.meter?.sample !== sample) return;
    if (this.reading) {
      const prices = this.o.prices?.(sample.time, sample.tariff) ?? null;
      this.day.add(sample.time, sample.gridKw, this.reading.powerKw, prices);
    }
    const planned = this.mode === 'auto' ? this.o.plannedKwh?.(sample.time) ?? null : null;
    const draw = planned !== null ? this.o.planDraw?.(sample.time) ?? null : null;
    this.decision = decide({
      mode: this.mode, gridKw: sample.gridKw, allowedKw: sample.allowedKw, targetKw: sample.targetKw, tariff: sample.tariff,
      time: sample.time, battery: this.reading, plan: this.o.plan?.(sample.time) ?? null, plannedKw: planned === null ? null : planned * 4,
      drawCostEur: draw?.drawCostEur ?? null, importPriceEur: draw?.importPriceEur ?? null,
    }, this.o.settings);
    if (this.decision.kw === null) {
      this.o.link.withdraw(this.o.device);
    } else if (planned !== null && this.reading && this.decision.fromGrid) {
      // a planned charge from the grid: the broker places the plan's energy in the quarter;
      // otherwise the strategy's wish (the plan with what the house does beyond its forecast)
      this.filePlan(planned, this.reading);
    } else {
      // the band offered: up to the wish, and in auto mode down to what the battery can discharge
      // above its reserve, so the broker may ask it to carry a car's deadline (site rule 3)
      const w = this.decision.kw;
      const help = this.mode === 'auto' && this.reading ? -this.dischargeableKw(this.reading) : 0;
      this.wish = { minKw: Math.min(w, 0), maxKw: Math.max(w, 0) };
      this.band = { minKw: Math.min(w, help), maxKw: Math.max(w, 0) };
      this.o.link.demand({
        device: this.o.device, kind: 'battery', conductors: this.o.conductors, measuredKw: this.reading?.powerKw ?? 0,
        band: this.band, class: 'battery', priority: 50, interruptible: true,
      });
    }
    this.apply(now);
  }

  /**
   * Called every second by the role. Without meter data here (a satellite: the meter is on
   * another machine), the battery offers the band it can run and follows the broker's grants,
   * which carry the site's rule 6 (self-consumption, the quarter) decided where the meter is.
   */
  tick(now: number): void {
    if (this.stopped) return;
    if (!this.meter || now - this.meter.at >= METER_SILENT_MS) {
      this.meter = null;
      this.refreshReading(() => this.offerBand(now));
    }
    this.apply(now);
  }

  /**
   * Follow the site plan: class plan with the quarter's signed energy; the broker counts what the
   * battery already moved in the quarter, so the band is the whole side the plan is on.
   */
  private filePlan(plannedKwh: number, r: BatteryReading): void {
    const band = plannedKwh >= 0 ? { minKw: 0, maxKw: r.socPct < 100 ? r.maxChargeKw : 0 } : { minKw: -this.dischargeableKw(r), maxKw: 0 };
    this.band = band;
    this.wish = band;
    // a planned charge is from the grid when the plan says so (it placed it in a cheap quarter)
    if (this.decision.kw !== null) this.decision = { ...this.decision, fromGrid: plannedKwh > 0 };
    this.o.link.demand({
      device: this.o.device, kind: 'battery', conductors: this.o.conductors, measuredKw: r.powerKw,
      band, class: 'plan', priority: 60, interruptible: true, plannedKwh: Math.round(plannedKwh * 1000) / 1000,
    });
  }

  private offerBand(now: number): void {
    if (this.stopped || this.meter) return;
    const r = this.reading;
    const planned = this.mode === 'auto' && r ? this.o.plannedKwh?.(null) ?? null : null;
    if (planned !== null && r) {
      this.decision = { kw: 0, fromGrid: planned > 0, code: 'plan', text: 'following the site plan' };
      this.filePlan(planned, r);
      this.apply(now);
      return;
    }
    if (this.mode === 'off') {
      this.decision = { kw: null, fromGrid: false, code: 'off', text: 'off: the inverter runs its own mode' };
      this.o.link.withdraw(this.o.device);
      this.apply(now);
      return;
    }
    const dis = r ? this.dischargeableKw(r) : 0;
    const cha = r && r.socPct < 100 ? r.maxChargeKw : 0;
    const manual = this.o.settings.manualKw;
    const band = this.mode === 'hold' || !r ? { minKw: 0, maxKw: 0 }
      : this.mode === 'charge' ? { minKw: manual ?? cha, maxKw: manual ?? cha }
        : this.mode === 'discharge' ? { minKw: -(manual ?? dis), maxKw: -(manual ?? dis) }
          : { minKw: -dis, maxKw: cha };
    this.band = band;
    this.wish = band;
    this.decision = { kw: 0, fromGrid: this.mode === 'charge', code: 'idle', text: 'following the site broker' };
    this.o.link.demand({
      device: this.o.device, kind: 'battery', conductors: this.o.conductors, measuredKw: r?.powerKw ?? 0,
      band, class: 'battery', priority: 50, interruptible: true,
    });
    this.apply(now);
  }

  /** on grants and ticks: goes safe on its own when grants or meter data stop */
  apply(now: number): void {
    if (this.stopped) return;
    let command: BatteryCommand;
    if (this.mode === 'off') {
      command = { kind: 'own' };
      this.reason = { code: 'off', text: 'off: the inverter runs its own mode' };
    } else if (!this.grant || !grantIsFresh(this.grant.at, this.grant.grant, now)) {
      command = { kind: 'idle' };
      this.reason = { code: 'no-grant', text: this.grant ? 'the broker\'s grant expired: idle' : 'waiting for the broker: idle' };
    } else {
      // never beyond what we offered, whatever the grant says; beyond the wish only to carry a
      // deadline (the broker's rule 6 would otherwise spend the charge the strategy keeps)
      const range = this.grant.grant.reason.code === 'deadline' ? this.band : this.wish;
      const kw = Math.min(range.maxKw, Math.max(range.minKw, this.grant.grant.kw));
      command = commandForKw(kw, this.decision.fromGrid || (!this.meter && kw > 0));
      this.reason = this.meter && Math.abs(kw - (this.decision.kw ?? 0)) < WRITE_STEP_KW
        ? { code: this.decision.code, text: this.decision.text }
        : { code: this.grant.grant.reason.code, text: this.grant.grant.reason.text };
    }
    if (this.needsWrite(command, now)) this.write(command, now);
    this.publish();
  }

  setMode(mode: BatteryMode, now: number): void {
    this.mode = mode;
    if (this.meter) this.decideNow(this.meter.sample, now);
    else this.apply(now);
  }

  state(): BatteryState {
    const r = this.reading;
    const health = this.o.battery.health();
    const today = this.day.current();
    return {
      device: this.o.device, description: this.o.battery.description,
      link: { state: health.state, message: health.message },
      mode: this.mode, socPct: r?.socPct ?? null, powerKw: r?.powerKw ?? null, capacityKwh: r?.capacityKwh ?? null,
      setpointKw: this.written?.setpointKw ?? null, control: r?.control ?? null, reason: this.reason,
      today: today ?? { day: '', chargedKwh: 0, dischargedKwh: 0, storedFromSolarKwh: 0, savedEur: null },
      notices: this.o.notices ?? [],
    };
  }

  /** the last reading (tests and the benchmark) */
  lastReading(): BatteryReading | null {
    return this.reading;
  }

  /** wait for the reads and writes in flight (tests) */
  async settle(): Promise<void> {
    while (this.writing || this.reading$) await Promise.all([this.writing, this.reading$]);
  }

  /** stop acting; the device keeps our last command until its revert timeout, or `handBack` returns it now */
  async stop(handBack: boolean): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    this.o.link.withdraw(this.o.device);
    await this.settle();
    if (handBack) await this.o.battery.command({ kind: 'own' }).catch(() => undefined);
  }

  private dischargeableKw(r: BatteryReading): number {
    const reserve = Math.max(this.o.settings.reservePct, r.reservePct ?? 0);
    return r.socPct > reserve ? r.maxDischargeKw : 0;
  }

  /** in the order the link delivers them (it drops an older one; a restarted meter counts from 1 again) */
  private onGrant(grant: SiteGrant, receivedAt: number): void {
    this.grant = { grant, at: receivedAt };
    this.apply(receivedAt);
  }

  private needsWrite(command: BatteryCommand, now: number): boolean {
    const w = this.written;
    if (!w) return true;
    const kw = commandSetpoint(command);
    if (command.kind === 'own') return w.command.kind !== 'own';
    if (w.setpointKw === null || Math.abs(kw! - w.setpointKw) >= WRITE_STEP_KW) return true;
    if (command.kind === 'charge' && w.command.kind === 'charge' && command.fromGrid !== w.command.fromGrid) return true;
    return now - w.at >= (this.o.revertS * 1000) / 3;
  }

  private write(command: BatteryCommand, now: number): void {
    if (this.writing) {
      this.pending = { command, now };
      return;
    }
    this.writing = this.o.battery.command(command).then(
      (echo) => { this.written = { command, setpointKw: echo.setpointKw, at: now }; },
      (error: Error) => { this.written = null; this.o.onError?.(error); },
    ).finally(() => {
      this.writing = null;
      const next = this.pending;
      this.pending = null;
      if (next && !this.stopped && this.needsWrite(next.command, next.now)) this.write(next.command, next.now);
      this.publish();
    });
  }

  /** read the battery (one read at a time), then run `then` with what is known */
  private refreshReading(then: () => void): void {
    if (this.reading$) {
      void this.reading$.then(then);
      return;
    }
    this.reading$ = this.o.battery.read().then(
      (reading) => { this.reading = reading; },
      () => { this.reading = null; },
    ).finally(() => { this.reading$ = null; });
    void this.reading$.then(then);
  }

  private publish(): void {
    this.o.onState?.(this.state());
  }
}
