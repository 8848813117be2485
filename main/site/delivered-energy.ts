/**
 * Each demanding device's energy in the running quarter, integrated from its measured power
 * between telegrams, and the part of it the grid supplied: what the device drew beyond the sun's
 * share the broker granted it, as far as the sun's surplus was there. The broker's plan and
 * deadline rules read it; the broker's tick is its one owner.
 */
import type { SiteDemand } from '../../shared/site/contract.js';
import { QUARTER_SECONDS } from '../peak/budget.js';

/** a gap between telegrams longer than this is not integrated (nothing was seen in it) */
const MAX_STEP_MS = 10_000;

interface DeviceEnergy {
  quarterStart: number;
  kwh: number;
  /** the part of it bought from the grid */
  gridKwh: number;
  lastMono: number;
  lastKw: number;
  /** the sun's surplus there for it at the last telegram (kW); what of it counts as the sun's is its sun grant */
  lastSunKw: number;
}

export class DeliveredEnergy {
  private readonly devices = new Map<string, DeviceEnergy>();
  /** per device, the sun's share of its last grant (kW) */
  private readonly sunGranted = new Map<string, number>();

  /**
   * One telegram: the power each device held since the last one is added to its quarter, and
   * the sun's surplus `surplusKw` (the house's export without the devices) is shared among
   * the demands in allocation order up to each one's sun grant
   */
  count(monoMs: number, quarter: { start: number; elapsedS: number } | null, entries: ReadonlyArray<{ demand: SiteDemand }>, surplusKw: number): void {
    let sunLeft = surplusKw;
    for (const { demand: d } of entries) {
      const sunThere = Math.min(Math.max(0, d.measuredKw), sunLeft);
      sunLeft -= Math.min(sunThere, this.sunOf(d.device));
      const before = this.devices.get(d.device);
      if (!quarter) {
        this.devices.delete(d.device);
        continue;
      }
      if (!before) {
        // a device first seen mid-quarter: what it drew before is unknown; taken as the plan's
        // share of the time gone, so it is neither pushed to catch up nor held back
        const kwh = d.plannedKwh !== null ? (d.plannedKwh * Math.min(quarter.elapsedS, QUARTER_SECONDS)) / QUARTER_SECONDS : 0;
        this.devices.set(d.device, { quarterStart: quarter.start, kwh, gridKwh: kwh, lastMono: monoMs, lastKw: d.measuredKw, lastSunKw: sunThere });
        continue;
      }
      if (before.quarterStart !== quarter.start) {
        // a new quarter: the power measured at the last telegram held from the boundary on
        const hours = Math.max(0, Math.min(quarter.elapsedS * 1000, monoMs - before.lastMono, MAX_STEP_MS)) / 3_600_000;
        this.devices.set(d.device, {
          quarterStart: quarter.start, kwh: before.lastKw * hours, gridKwh: this.gridKwSince(d.device, before) * hours,
          lastMono: monoMs, lastKw: d.measuredKw, lastSunKw: sunThere,
        });
        continue;
      }
      const step = monoMs - before.lastMono;
      // the power measured at the last telegram held until this one (a long gap is not filled in)
      if (step > 0 && step <= MAX_STEP_MS) {
        before.kwh += (before.lastKw * step) / 3_600_000;
        before.gridKwh += (this.gridKwSince(d.device, before) * step) / 3_600_000;
      }
      before.lastMono = monoMs;
      before.lastKw = d.measuredKw;
      before.lastSunKw = sunThere;
    }
  }

  /** the device's energy so far in the quarter starting at `quarterStart`, kWh */
  kwh(device: string, quarterStart: number): number {
    const m = this.devices.get(device);
    return m && m.quarterStart === quarterStart ? m.kwh : 0;
  }

  /** the part of kwh() the grid supplied */
  gridKwh(device: string, quarterStart: number): number {
    const m = this.devices.get(device);
    return m && m.quarterStart === quarterStart ? m.gridKwh : 0;
  }

  /** the sun's share of the device's new grant (kW; 0: none), for the time until the next telegram */
  grantSun(device: string, kw: number): void {
    if (kw > 0) this.sunGranted.set(device, kw);
    else this.sunGranted.delete(device);
  }

  /** forget the devices no longer granted anything */
  keep(granted: (device: string) => boolean): void {
    for (const device of this.devices.keys()) if (!granted(device)) this.devices.delete(device);
    for (const device of this.sunGranted.keys()) if (!granted(device)) this.sunGranted.delete(device);
  }

  private sunOf(device: string): number {
    return this.sunGranted.get(device) ?? 0;
  }

  /** the power held since the last telegram less the sun's share granted for that time */
  private gridKwSince(device: string, m: DeviceEnergy): number {
    return m.lastKw - Math.min(m.lastSunKw, this.sunOf(device));
  }
}
