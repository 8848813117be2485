/**
 * The plan service as createApp starts it plans on the clock it is given until the meter speaks,
 * then on the meter's time: a simulated or replayed meter's day is the one planned, not the
 * machine's. (With Date.now the first plan would start in the machine's quarter.)
 */
import { describe, expect, it } from 'vitest';
import { StateHub } from '../../main/bus/state-hub.js';
import { configSchema } from '../../main/config/schema.js';
import { silentLogger } from '../../main/log/logger.js';
import { startPlan } from '../../main/site/plan/start-plan.js';
import { ratesSchema } from '../../shared/tariff/rates-schema.js';
import { waitFor } from '../support/scaled-timers.js';

describe('the plan service started as createApp starts it', () => {
  it('plans from the given clock before the first telegram and from the meter\'s time after it', async () => {
    const hub = new StateHub();
    const rates = ratesSchema.parse({ Electricity: { '+': { Day: 0.3, Night: 0.2 }, '-': { Day: 0.02, Night: 0.02 } }, Capacity: { eurPerKwYear: 50, minimumKw: 2.5 } });
    // Monday 12 January 2026, 03:07 Brussels (02:07 UTC): the plan starts in the 03:00 quarter
    const clockAt = Date.parse('2026-01-12T02:07:00Z');
    const plan = await startPlan({
      hub, config: configSchema.parse({}), fuse: { grid: '3x400', phases: 3, amps: 25 }, rates: () => rates, spot: () => null,
      baseHistory: () => [], clock: { now: () => clockAt }, log: silentLogger(),
    });
    try {
      plan!.start();
      await waitFor('a plan', () => hub.current.plan != null);
      expect(hub.current.plan!.start).toBe(Date.parse('2026-01-12T02:00:00Z'));
      // a replayed meter speaks from 5 March 2025, 21:40 Brussels (20:40 UTC): planned from its quarter
      const meterAt = Date.parse('2025-03-05T20:40:00Z');
      hub.update({ meter: { time: meterAt, powerKw: { import: 1, export: 0 }, phases: [], tariff: 1, counters: { importKwh: null, exportKwh: null, gasM3: null, gasTime: null, waterM3: null, waterTime: null } } });
      await waitFor('a plan on the meter\'s time', () => hub.current.plan?.start === Date.parse('2025-03-05T20:30:00Z'));
    } finally {
      plan?.stop();
    }
  });
});
