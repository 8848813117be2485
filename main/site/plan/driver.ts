/**
 * The thin driver of the plan service beside the meter: on every change of the bus state that
 * may matter (a telegram, the cars, the trips, the battery, the prices) it asks the service
 * whether a plan is due and, when one is, makes it outside the telegram's handling and publishes
 * it as `plan`. A minute's timer covers a silent meter (the quarter still turns). The core
 * (service.ts) holds no timer; this file holds the only ones.
 */
import type { Logger } from 'pino';
import type { StateHub } from '../../bus/state-hub.js';
import type { BusState } from '../../../shared/state.js';
import type { PlanInputs, PlanService } from './service.js';

export interface PlanDriverOptions {
  hub: StateHub;
  service: PlanService;
  /** the service's inputs now (gather.ts) */
  inputs(state: Readonly<BusState>, now: number): PlanInputs;
  /** wall clock, for a meter that has not spoken yet */
  now(): number;
  log: Logger;
  /** how often the timer checks (default 60 s) */
  everyMs?: number;
}

const WATCHED: ReadonlyArray<keyof BusState> = ['meter', 'quarter', 'ev', 'trips', 'battery', 'sources'];

export function startPlanDriver(o: PlanDriverOptions): { stop(): void; check(): void } {
  let scheduled = false;
  let stopped = false;
  let failing = false;
  const run = (): void => {
    scheduled = false;
    if (stopped) return;
    const state = o.hub.current;
    const now = state.meter?.time ?? o.now();
    try {
      const inputs = o.inputs(state, now);
      const reason = o.service.due(inputs);
      if (reason === null) return;
      const plan = o.service.replan(inputs, reason);
      if (plan.error) o.log.warn({ reason, error: plan.error }, 'plan: no plan could be made');
      else o.log.debug({ reason, problems: plan.problems.length, totalEur: plan.cost.totalEur }, 'plan made');
      o.hub.update({ plan });
      failing = false;
    } catch (error) {
      if (!failing) o.log.error({ err: (error as Error).message }, 'plan: the inputs could not be gathered');
      failing = true;
    }
  };
  const check = (): void => {
    if (scheduled || stopped) return;
    scheduled = true;
    // after the telegram's own handling (grants first)
    setImmediate(run);
  };
  // a delta names top-level keys ("ev") or their parts ("meter.time")
  const watched = (path: string): boolean => (WATCHED as readonly string[]).includes(path.split('.', 1)[0]!);
  const unsubscribe = o.hub.subscribe((delta) => {
    if (Object.keys(delta.set).some(watched) || (delta.unset ?? []).some(watched)) check();
  });
  const timer = setInterval(check, o.everyMs ?? 60_000);
  timer.unref();
  check();
  return {
    check,
    stop() {
      stopped = true;
      unsubscribe();
      clearInterval(timer);
    },
  };
}
