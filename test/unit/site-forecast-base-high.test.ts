/**
 * The most the house alone is likely to draw per coming quarter (the planner's baseHighKwh):
 * the highest of the recent weeks at that clock time or a quarter either side, on any day, and
 * never below the forecast. Expected values worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { forecastBaseLoad } from '../../main/site/forecast/base-load.js';
import { baseHighForecast } from '../../main/backtest/plan-adapter.js';
import type { BaseQuarter } from '../../main/site/base-energy.js';
import { planInputsFrom } from '../../main/site/plan/gather.js';
import { PlanService } from '../../main/site/plan/service.js';
import { loadSolver } from '../../main/site/planner/solver.js';
import { PLAN_DEFAULTS } from '../../main/config/site-schema.js';
import { ratesSchema } from '../../main/tariff/rates-schema.js';
import type { BusState } from '../../shared/state.js';
import { brusselsLocalToUtc } from '../../shared/time/brussels.js';

const at = (y: number, mo: number, d: number, h = 0, mi = 0): number => brusselsLocalToUtc(y, mo, d, h, mi);

describe('the house\'s likely high per quarter', () => {
  // three weeks of evenings in November 2026 (winter time): 0.3 kWh at 18:00-19:00 every day,
  // but on Tuesday 17 November the oven at 18:30 (1.1 kWh in that quarter) and on Sunday 22
  // November the kettle at 18:00 (0.6 kWh)
  const history: BaseQuarter[] = [];
  for (let d = 9; d <= 29; d++) {
    for (const mi of [0, 15, 30, 45]) {
      const kwh = d === 17 && mi === 30 ? 1.1 : d === 22 && mi === 0 ? 0.6 : 0.3;
      history.push({ start: at(2026, 11, d, 18, mi), importKwh: kwh, exportKwh: 0 });
    }
  }

  it('takes the highest at that clock time or a quarter either side, on any day', () => {
    // Monday 30 November from 17:45, six quarters: 17:45 sees 18:00 (0.6); 18:00 sees 18:15
    // (0.3) and 17:45 (nothing) and itself (0.6): 0.6; 18:15 sees 18:30: 1.1; 18:30 itself 1.1;
    // 18:45 sees 18:30: 1.1; 19:00 sees 18:45 (0.3). The forecast (a Monday: 0.3 at each of
    // 18:00-18:45 from the three Mondays; 17:45 and 19:00 never seen: 0) is below each.
    const f = forecastBaseLoad(history, at(2026, 11, 30, 17, 45), 6, 4, false);
    expect(f.kwh.map((v) => Math.round(v * 1000) / 1000)).toEqual([0, 0.3, 0.3, 0.3, 0.3, 0]);
    expect(f.highKwh).toEqual([0.6, 0.6, 1.1, 1.1, 1.1, 0.3]);
  });

  it('is never below the forecast, and the forecast where nothing was ever seen', () => {
    // 03:00: no history at 02:45-03:15, so the forecast's own 0
    const f = forecastBaseLoad(history, at(2026, 11, 30, 3), 1, 4, false);
    expect(f.highKwh).toEqual([0]);
  });

  it('the backtest reads the same rule from its quarter series (clock = index mod 96)', () => {
    // two days of 96 quarters: 0.2 everywhere, 0.9 at quarter 70 of the first day, 0.5 at
    // quarter 10 of the second; the plan starts at quarter 192 (day three), forecast 0.25 flat.
    // Quarters 69-71 see 0.9; 9-11 see 0.5; 0 sees 95 and 1 of the days before (0.2) and is
    // below the forecast: 0.25.
    const history = new Float64Array(192).fill(0.2);
    history[70] = 0.9;
    history[96 + 10] = 0.5;
    const high = baseHighForecast(history, 192, new Array(96).fill(0.25));
    expect(high[0]).toBe(0.25);
    expect([high[9], high[10], high[11], high[12]]).toEqual([0.5, 0.5, 0.5, 0.25]);
    expect([high[68], high[69], high[70], high[71], high[72]]).toEqual([0.25, 0.9, 0.9, 0.9, 0.25]);
  });

  it('reaches the planner from the stored quarters: the plan service hands it on with the forecast', async () => {
    const rates = ratesSchema.parse({ Electricity: { '+': { Day: 0.4, Night: 0.3 }, '-': { Day: 0.05, Night: 0.04 } } });
    const inputs = planInputsFrom({} as BusState, {
      fuse: { grid: '3x400', phases: 3, amps: 25 }, plan: PLAN_DEFAULTS, rates: () => rates, spot: () => null,
      baseHistory: (from, to) => history.filter((q) => q.start >= from && q.start < to),
    }, at(2026, 11, 30, 18, 15), 'p');
    const service = new PlanService({ solver: await loadSolver(), horizonQuarters: 3 });
    // 18:15, 18:30, 18:45: 1.1 each (the oven's 18:30 is within a quarter of all three)
    expect(service.planInput(inputs).baseHighKwh).toEqual([1.1, 1.1, 1.1]);
  });
});
