/**
 * The backtest's per-second loop: one simulated day of flanders-register per strategy, in this
 * process, three rounds each; prints the median CPU and wall microseconds per simulated second
 * (ours' quarter-hourly plans included, and apart), and the optimum's solve of a day. CPU time
 * is what the machine's load disturbs least; the goal is tens of microseconds per second.
 */
import { cpuUsage } from 'node:process';
import { InstantCap30s, PlugAndCharge } from '../../main/backtest/baselines.js';
import { loadHousehold } from '../../main/backtest/household.js';
import { solveOptimum } from '../../main/backtest/optimum.js';
import { Ours } from '../../main/backtest/ours.js';
import { baseQuarters, buildScenario } from '../../main/backtest/scenario.js';
import { simulate, type Strategy } from '../../main/backtest/simulate.js';
import { loadSolver } from '../../main/site/planner/solver.js';
import { median } from './stats.js';

export async function bench(): Promise<void> {
  const household = loadHousehold('flanders-register');
  const scenario = buildScenario(household, 1, '2026-04-01', 1);
  const solver = await loadSolver();
  const make: Array<() => Strategy> = [() => new PlugAndCharge(), () => new InstantCap30s(), () => new Ours(solver, household)];
  for (const factory of make) {
    const cpu: number[] = [];
    const wall: number[] = [];
    const planCpu: number[] = [];
    let name = '';
    for (let round = 0; round < 3; round++) {
      const strategy = factory();
      name = strategy.name;
      const c0 = cpuUsage();
      const t0 = performance.now();
      const r = simulate(scenario, strategy);
      const c = cpuUsage(c0);
      cpu.push((c.user + c.system) / r.seconds);
      wall.push(((performance.now() - t0) * 1000) / r.seconds);
      if (strategy instanceof Ours) planCpu.push((strategy.planMs * 1000) / r.seconds);
    }
    const plans = planCpu.length ? `; of which the plans (wall) ${median(planCpu).toFixed(1)} us` : '';
    console.log(`${name.padEnd(14)} CPU ${median(cpu).toFixed(1)} us per simulated second, wall ${median(wall).toFixed(1)} us${plans}`);
  }
  const c0 = cpuUsage();
  const o = solveOptimum(solver, scenario, baseQuarters(scenario).net);
  const c = cpuUsage(c0);
  console.log(`optimum        one day: ${((c.user + c.system) / 1000).toFixed(0)} ms CPU (solve ${o.solveMs.toFixed(0)} ms wall)`);
  solver.dispose();
}
