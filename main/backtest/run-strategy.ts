/**
 * One strategy on one scenario, as a worker runs it: the four names of issue 21 and what each
 * reports. The optimum is solved, the others simulated second by second.
 */
import { loadSolver } from '../site/planner/solver.js';
import { InstantCap30s, PlugAndCharge } from './baselines.js';
import type { Household } from './household.js';
import { solveOptimum } from './optimum.js';
import { Ours } from './ours.js';
import { baseQuarters, buildScenario } from './scenario.js';
import { simulate, type SampleFlows } from './simulate.js';

export const STRATEGIES = ['plugAndCharge', 'instantCap30s', 'ours', 'optimum'] as const;
export type StrategyName = (typeof STRATEGIES)[number];

export interface Job {
  household: Household;
  seed: number;
  start: string;
  days: number;
  strategy: StrategyName;
  sampleDay: number;
}

export interface StrategyReport {
  name: StrategyName;
  energyEur: number;
  capacityEur: number;
  monthPeaksKw: number[];
  exportKwh: number;
  importKwh: number;
  solarKwh: number;
  tripsMissed: number;
  kwhShort: number;
  dailyEur: number[];
  sample: SampleFlows | null;
  ms: number;
}

export async function runJob(job: Job, onDay?: (done: number, total: number) => void): Promise<StrategyReport> {
  const t0 = performance.now();
  const s = buildScenario(job.household, job.seed, job.start, job.days);
  if (job.strategy === 'optimum') {
    const solver = await loadSolver();
    const base = baseQuarters(s);
    const o = solveOptimum(solver, s, base.net);
    solver.dispose();
    onDay?.(job.days, job.days);
    const solarKwh = base.solar.reduce((t, v) => t + v, 0);
    return {
      name: 'optimum', energyEur: o.energyEur, capacityEur: o.capacityEur, monthPeaksKw: o.months.map((m) => m.peakKw),
      exportKwh: o.exportKwh, importKwh: o.importKwh, solarKwh, tripsMissed: o.tripsMissed, kwhShort: o.kwhShort,
      dailyEur: o.days.map((d) => d.energyEur), sample: null, ms: performance.now() - t0,
    };
  }
  const solver = job.strategy === 'ours' ? await loadSolver() : null;
  const strategy = job.strategy === 'plugAndCharge' ? new PlugAndCharge() : job.strategy === 'instantCap30s' ? new InstantCap30s() : new Ours(solver!, job.household);
  const r = simulate(s, strategy, { onDay, sampleDay: job.sampleDay });
  solver?.dispose();
  return {
    name: job.strategy, energyEur: r.energyEur, capacityEur: r.capacityEur, monthPeaksKw: r.months.map((m) => m.peakKw),
    exportKwh: r.exportKwh, importKwh: r.importKwh, solarKwh: r.solarKwh, tripsMissed: r.tripsMissed, kwhShort: r.kwhShort,
    dailyEur: r.days.map((d) => d.energyEur), sample: r.sample, ms: performance.now() - t0,
  };
}
