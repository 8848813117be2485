import { describe, expect, it } from 'vitest';
import { InstantCap30s, PlugAndCharge } from '../../../main/backtest/baselines.js';
import { loadHousehold } from '../../../main/backtest/household.js';
import { checkLowerBound } from '../../../main/backtest/lower-bound.js';
import { solveOptimum } from '../../../main/backtest/optimum.js';
import { Ours } from '../../../main/backtest/ours.js';
import { baseQuarters, buildScenario } from '../../../main/backtest/scenario.js';
import { simulate, type Strategy } from '../../../main/backtest/simulate.js';
import { loadSolver } from '../../../main/site/planner/solver.js';

/**
 * The optimum's claim, checked: every strategy's realised quarters (import, export, each car's
 * charge, the battery's flows, the month peak) are feasible in the optimum's model, and cost
 * there no more than the ledger billed, day by day and month by month. Two days across a month
 * boundary: one model over both, each month with its own peak.
 */
describe.each(['flanders-register', 'flanders-dynamic-230'])('the optimum is a lower bound (%s)', (name) => {
  it('each strategy is feasible in its model, costs there at most what was billed, and the optimum costs no more', async () => {
    const household = loadHousehold(name);
    const scenario = buildScenario(household, 7, '2026-05-31', 2);
    const solver = await loadSolver();
    const base = baseQuarters(scenario);
    const optimum = solveOptimum(solver, scenario, base.net);
    const strategies: Strategy[] = [new PlugAndCharge(), new InstantCap30s(), new Ours(solver, household)];
    for (const strategy of strategies) {
      const run = simulate(scenario, strategy);
      const check = checkLowerBound(scenario, base.net, run);
      expect(check.violations, strategy.name).toEqual([]);
      expect(check.days).toHaveLength(2);
      for (const d of check.days) expect(d.modelEur, `${strategy.name} ${d.key}`).toBeLessThanOrEqual(d.billedEur + 0.001);
      expect(check.months).toHaveLength(2);
      for (const m of check.months) expect(m.modelEur, strategy.name).toBeLessThanOrEqual(m.billedEur + 0.001);
      if (run.tripsMissed === 0) {
        expect(optimum.energyEur + optimum.capacityEur, strategy.name).toBeLessThanOrEqual(run.energyEur + run.capacityEur + 0.01);
      }
    }
    solver.dispose();
  }, 300_000);

  it('a run that imports above what the model allows is caught', async () => {
    const household = loadHousehold(name);
    const scenario = buildScenario(household, 7, '2026-05-31', 1);
    const base = baseQuarters(scenario);
    const run = simulate(scenario, new PlugAndCharge());
    // a quarter that imports 1 kWh more than the meter's balance allows
    run.quarters.importKwh[10]! += 1;
    const check = checkLowerBound(scenario, base.net, run);
    expect(check.feasible).toBe(false);
    expect(check.violations.join('\n')).toMatch(/^row \d+ = /m);
  }, 120_000);
});
