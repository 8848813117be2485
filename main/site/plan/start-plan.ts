/**
 * The plan service as createApp composes it beside the meter: the HiGHS solver loaded once, the
 * inputs gathered from the bus state and the configuration, the driver on the hub.
 */
import type { Logger } from 'pino';
import type { Rates } from '../../../shared/tariff/rates-schema.js';
import type { StateHub } from '../../bus/state-hub.js';
import type { Config } from '../../config/schema.js';
import { PLAN_DEFAULTS } from '../../config/site-schema.js';
import type { SpotPrice } from '../../tariff/pricing.js';
import type { BaseQuarter } from '../base-energy.js';
import type { Fuse } from '../fuse.js';
import { loadSolver } from '../planner/solver.js';
import { startPlanDriver } from './driver.js';
import { planInputsFrom } from './gather.js';
import { PlanService } from './service.js';

export interface StartPlanOptions {
  hub: StateHub;
  config: Config;
  fuse: Fuse;
  rates(): Rates;
  spot: SpotPrice;
  baseHistory(from: number, to: number): BaseQuarter[];
  /**
   * the core's wall clock (createApp's `clock`), for the time before the meter's first telegram;
   * once the meter speaks, its time is the plan's (a simulated or replayed meter's too)
   */
  clock: { now(): number };
  log: Logger;
}

export async function startPlan(o: StartPlanOptions): Promise<{ start(): void; stop(): void } | null> {
  const plan = o.config.site.plan ?? PLAN_DEFAULTS;
  if (!plan.enabled) {
    o.log.info('plan: off (site.plan.enabled false)');
    return null;
  }
  const solver = await loadSolver();
  const [hour, minute] = plan.homeAt.split(':').map(Number) as [number, number];
  const service = new PlanService({
    solver, replan: { driftKwh: plan.driftKwh, socPoints: plan.socPoints }, batteryWearEurPerKwh: plan.batteryWearEurPerKwh, homeAt: { hour, minute },
  });
  const ctx = { ev: o.config.ev, battery: o.config.battery, fuse: o.fuse, plan, rates: o.rates, spot: o.spot, baseHistory: o.baseHistory };
  let driver: { stop(): void } | null = null;
  return {
    start() {
      driver ??= startPlanDriver({
        hub: o.hub, service, log: o.log, now: () => o.clock.now(),
        // a new price set: the rates saved, or a day-ahead set fetched
        inputs: (state, now) => planInputsFrom(state, ctx, now, `${JSON.stringify(o.rates())}|${state.sources.prices?.lastDataAt ?? ''}`),
      });
    },
    stop() {
      driver?.stop();
      driver = null;
      solver.dispose();
    },
  };
}
