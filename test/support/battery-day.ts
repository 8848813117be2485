/**
 * Simulated days for the battery role: a house profile (kW, + import) drives a quarter-hour
 * budget and a small in-test broker; the battery is the SunSpec simulator on a real Modbus TCP
 * socket, driven by the real driver and controller. One clock (simulated ms) serves as the meter's
 * time, the controller's monotonic time and the simulator's, so a day runs as fast as the socket
 * allows. The in-test broker (TestSiteLink) grants each battery demand the end of its band away
 * from idle; the role then holds its own wish. The real broker is tested in the role's own test.
 */
import { allowedKw, targetKw } from '../../main/peak/budget.js';
import { BatteryController } from '../../main/battery/controller.js';
import type { FlowPrices } from '../../main/battery/day-account.js';
import { createSunspecBattery } from '../../main/battery/sunspec/create.js';
import type { SupervisedBattery } from '../../main/battery/sunspec/supervised-battery.js';
import { SunspecBatterySimulator } from '../../main/battery/simulator/sunspec-simulator.js';
import type { BatteryModelOptions } from '../../main/battery/simulator/battery-model.js';
import { DEFAULT_STRATEGY, type BatteryMode, type StrategySettings } from '../../main/battery/strategy.js';
import { GRANT_VALID_MS, siteDemandSchema, type SiteDemand, type SiteGrant, type SiteLink } from '../../shared/site/contract.js';

export class TestSiteLink implements SiteLink {
  readonly demands = new Map<string, SiteDemand>();
  private readonly listeners = new Map<string, Set<(grant: SiteGrant, at: number) => void>>();
  private seq = 0;
  /** a broker that stopped granting (its process hangs) */
  silent = false;

  demand(demand: Parameters<SiteLink['demand']>[0]): void {
    const parsed = siteDemandSchema.parse(demand);
    this.demands.set(parsed.device, parsed);
  }

  withdraw(device: string): void {
    this.demands.delete(device);
  }

  onGrant(device: string, listener: (grant: SiteGrant, at: number) => void): () => void {
    const set = this.listeners.get(device) ?? new Set();
    set.add(listener);
    this.listeners.set(device, set);
    return () => set.delete(listener);
  }

  tick(nowMono: number, time: number): void {
    if (this.silent) return;
    for (const d of this.demands.values()) {
      // the wish: a charge when the band reaches above 0, else the deepest discharge offered (the
      // role keeps to its wish unless the grant's reason is a deadline)
      const kw = d.band.maxKw > 0 ? d.band.maxKw : d.band.minKw;
      const grant: SiteGrant = { device: d.device, kw, validForMs: GRANT_VALID_MS, reason: { code: 'battery', text: 'in-test broker' }, seq: ++this.seq, time };
      for (const listener of this.listeners.get(d.device) ?? []) listener(grant, nowMono);
    }
  }
}

export interface DayOptions {
  /** epoch ms UTC of the first telegram */
  start: number;
  hours: number;
  stepS?: number;
  /** the house without the battery (a car included), kW: + import */
  house: (time: number) => number;
  tariff?: (time: number) => 1 | 2;
  /** the month's peak before the run, kW (T = max(2.5, it)) */
  monthPeakKw: number;
  /** null: the same day without a battery */
  battery: Partial<BatteryModelOptions> | null;
  strategy?: Partial<StrategySettings>;
  mode?: BatteryMode;
  prices?: (time: number, tariff: number | null) => FlowPrices | null;
  /** the driver's request timeout, ms (default 5000) */
  timeoutMs?: number;
  /** called after every step (faults, kills, checks) */
  each?: (ctx: DayContext) => Promise<void> | void;
}

export interface DayContext {
  t: number;
  sim: SunspecBatterySimulator | null;
  controller: BatteryController | null;
  battery: SupervisedBattery | null;
  link: TestSiteLink;
  /** skip feeding the meter from now on (a silent meter) */
  meterSilent: boolean;
}

export interface DayResult {
  importKwh: number;
  exportKwh: number;
  /** each complete quarter's average import, kW */
  quarters: number[];
  monthPeakKw: number;
  state: ReturnType<BatteryController['state']> | null;
  sim: SunspecBatterySimulator | null;
}

export const REVERT_S = 120;

export async function runDay(o: DayOptions): Promise<DayResult> {
  const stepS = o.stepS ?? 10;
  let t = o.start;
  const link = new TestSiteLink();
  let sim: SunspecBatterySimulator | null = null;
  let battery: SupervisedBattery | null = null;
  let controller: BatteryController | null = null;
  if (o.battery) {
    // SoC in tenths of a percent (SoC_SF -1), as many devices report it: the strategy sees "full"
    // and "at the reserve" within 0.05 %
    sim = new SunspecBatterySimulator({ battery: o.battery, now: () => t, layout: { scaleFactors: new Map([['802.SoC_SF', -1]]) } });
    const port = await sim.listen();
    battery = createSunspecBattery({ host: '127.0.0.1', port, unitId: 1, powerSign: 'discharge-positive', revertS: REVERT_S, timeoutMs: o.timeoutMs ?? 5000, backoff: { initialMs: 20, maxMs: 100, factor: 2, jitter: 0 } });
    await battery.start();
    controller = new BatteryController({
      device: 'battery', battery, link, settings: { ...DEFAULT_STRATEGY, ...o.strategy }, mode: o.mode ?? 'auto',
      conductors: [1, 2, 3], revertS: REVERT_S, prices: o.prices,
    });
  }
  const ctx: DayContext = { t, sim, controller, battery, link, meterSilent: false };
  let importKwh = 0;
  let exportKwh = 0;
  let monthPeak = o.monthPeakKw;
  const quarters: number[] = [];
  let quarterStart = Math.floor(t / 900_000) * 900_000;
  let quarterKwh = 0;
  try {
    const end = o.start + o.hours * 3_600_000;
    for (; t < end; t += stepS * 1000) {
      ctx.t = t;
      if (Math.floor(t / 900_000) * 900_000 !== quarterStart) {
        if (t - quarterStart === 900_000 && quarterStart >= o.start) {
          quarters.push(quarterKwh * 4);
          monthPeak = Math.max(monthPeak, quarterKwh * 4);
        }
        quarterStart = Math.floor(t / 900_000) * 900_000;
        quarterKwh = 0;
      }
      const batteryKw = sim ? sim.battery.powerKw(t) : 0;
      const grid = o.house(t) + batteryKw;
      const elapsedS = (t - quarterStart) / 1000;
      const target = targetKw(2.5, monthPeak, 0);
      if (controller && !ctx.meterSilent) {
        controller.onMeter({ time: t, gridKw: grid, allowedKw: allowedKw(target, quarterKwh, elapsedS), targetKw: target, tariff: o.tariff?.(t) ?? 1 }, t);
        await controller.settle();
        link.tick(t, t);
        await controller.settle();
      } else if (controller) {
        controller.tick(t);
        await controller.settle();
      }
      await o.each?.(ctx);
      // the step's flows as they hold until the next telegram (the battery as it runs now)
      const held = o.house(t) + (sim ? sim.battery.powerKw(t) : 0);
      const hours = stepS / 3600;
      if (held > 0) { importKwh += held * hours; quarterKwh += held * hours; } else exportKwh += -held * hours;
    }
    if (t - quarterStart === 900_000) {
      quarters.push(quarterKwh * 4);
      monthPeak = Math.max(monthPeak, quarterKwh * 4);
    }
    return { importKwh, exportKwh, quarters, monthPeakKw: monthPeak, state: controller?.state() ?? null, sim };
  } finally {
    await controller?.stop(false);
    await battery?.close();
    await sim?.close();
  }
}
