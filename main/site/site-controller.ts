/**
 * The meter role's site: on every telegram it runs the broker over the demand book, sends each
 * grant back through its door and publishes `site` in the bus state. With no telegram for
 * METER_SILENT_MS it says so (no grant is sent without a telegram, so every device's last grant
 * has expired by then and it is in its safe state on its own).
 */
import type { Logger } from 'pino';
import type { Telegram } from '../../shared/p1/telegram.js';
import type { QuarterState } from '../../shared/peak/quarter-state.js';
import { METER_SILENT_MS } from '../../shared/site/contract.js';
import { emptySiteState, type SiteState } from '../../shared/site/state.js';
import type { StateHub } from '../bus/state-hub.js';
import { BaseEnergy, type BaseQuarter } from './base-energy.js';
import { Broker } from './broker.js';
import type { DemandBook } from './demand-book.js';
import type { Fuse } from './fuse.js';

export interface SiteControllerOptions {
  fuse: Fuse;
  book: DemandBook;
  hub: StateHub;
  monoNow: () => number;
  log: Logger;
  eurPerKwYear?: () => number | null;
  /** the month peak the site plan allows in the quarter holding a time (kW), or null */
  planTargetKw?: (time: number) => number | null;
  /** a quarter of base-load energy ended: the store keeps it */
  onBaseQuarter?: (quarter: BaseQuarter) => void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class SiteController {
  readonly broker: Broker;
  private readonly energy = new BaseEnergy();
  private silenceTimer: unknown = null;
  private lastState: SiteState = emptySiteState();
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private paused = false;

  constructor(private readonly o: SiteControllerOptions) {
    this.broker = new Broker({ fuse: o.fuse, eurPerKwYear: o.eurPerKwYear, planTargetKw: o.planTargetKw });
    this.setTimer = o.setTimer ?? ((fn, ms) => { const t = setTimeout(fn, ms); t.unref(); return t; });
    this.clearTimer = o.clearTimer ?? ((t) => clearTimeout(t as NodeJS.Timeout));
    this.lastState = { ...emptySiteState(), fuse: { ...o.fuse } };
    o.hub.update({ site: this.lastState });
    // a device whose door closed leaves the page at once, not at the next telegram
    o.book.onChange(() => this.dropGone());
  }

  /**
   * Pause control (command site.pause): telegrams and the state flow on, but no grant is sent,
   * so every device reaches its safe state as its last grant expires. resume() undoes it.
   */
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.o.log.warn('site: control paused; no grants until resumed (devices go to their safe state)');
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.o.log.info('site: control resumed');
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** One telegram, after the pipeline has updated the quarter. */
  telegram(telegram: Telegram, quarter: QuarterState | null): void {
    if (telegram.time === null) return;
    const power = telegram.powerKw;
    // an unreadable power line is unknown (the broker's worst case), never 0
    const netKw = power && power.import !== null && power.export !== null ? power.import - power.export : null;
    const { grants, state } = this.broker.tick({
      monoMs: this.o.monoNow(),
      time: telegram.time,
      netKw,
      phases: telegram.phases,
      quarter: quarter && quarter.time === telegram.time
        ? {
          start: quarter.quarterStart, elapsedS: quarter.elapsedS, energyKwh: quarter.energySoFarKwh, targetKw: quarter.targetKw,
          partial: quarter.energySource === 'counters-partial',
        }
        : null,
      demands: this.o.book.list(),
    });
    if (this.paused) {
      state.paused = true;
      state.devices = state.devices.map((d) => ({ ...d, grantedKw: 0, reason: { code: 'paused', text: 'control paused (site.pause): safe state' } }));
    } else {
      this.o.book.deliver(grants);
    }
    this.lastState = state;
    this.o.hub.update({ site: state });
    const closed = state.baseKw === null ? null : this.energy.add(telegram.time, state.baseKw);
    if (closed) this.o.onBaseQuarter?.(closed);
    this.armSilence();
  }

  stop(): void {
    if (this.silenceTimer !== null) this.clearTimer(this.silenceTimer);
    this.silenceTimer = null;
  }

  private dropGone(): void {
    const devices = this.lastState.devices.filter((d) => this.o.book.get(d.device)?.door === d.door);
    if (devices.length === this.lastState.devices.length) return;
    this.lastState = { ...this.lastState, devices };
    this.o.hub.update({ site: this.lastState });
  }

  private armSilence(): void {
    if (this.silenceTimer !== null) this.clearTimer(this.silenceTimer);
    this.silenceTimer = this.setTimer(() => {
      this.silenceTimer = null;
      this.o.log.warn('site: no telegram for 3 s; no grants until the meter speaks again (devices go to their safe state)');
      this.lastState = {
        ...this.lastState, meterSilent: true,
        devices: this.lastState.devices.map((d) => ({ ...d, grantedKw: 0, reason: { code: 'meter-silent', text: 'no telegram for 3 s: safe state' } })),
      };
      this.o.hub.update({ site: this.lastState });
    }, METER_SILENT_MS);
  }
}
