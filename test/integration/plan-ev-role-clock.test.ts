/**
 * The EV role as createApp composes it (startEvRole) looks the plan's quarter up on the meter's
 * time, as the plan service plans on it: a simulated or replayed meter's plan is followed. The
 * process's clock is today (December 2026 or later); the meter speaks from 12 January 2026, 03:05
 * Brussels, and the plan made at 03:00 gives the car 2 kWh in that quarter. On the machine's
 * clock the plan would be months old (not followed) and the car would wait for the cheap
 * register (register 1 now): the demand would be opportunistic.
 */
import { describe, expect, it } from 'vitest';
import { CommandRegistry } from '../../main/bus/commands.js';
import { StateHub } from '../../main/bus/state-hub.js';
import { evSchema } from '../../main/config/ev-schema.js';
import type { LoadedConfig } from '../../main/config/load.js';
import { ChargerSimulator } from '../../main/ev/simulator/server.js';
import { RestartGate } from '../../main/lifecycle/restart-veto.js';
import { ShutdownRegistry } from '../../main/lifecycle/shutdown.js';
import { silentLogger } from '../../main/log/logger.js';
import { startEvRole } from '../../main/roles/ev.js';
import { DemandBook } from '../../main/site/demand-book.js';
import { inProcessLink } from '../../main/site/in-process-link.js';
import type { PlanState } from '../../shared/plan/state.js';
import { waitFor } from '../support/scaled-timers.js';

const Q = 15 * 60_000;
const T0 = Date.parse('2026-01-12T02:00:00Z');

describe('the EV role in the app follows the plan on the meter\'s time', () => {
  it('files the plan\'s energy for the meter\'s quarter, not the machine\'s', async () => {
    const sim = new ChargerSimulator({ grid: '3x400' });
    const url = await sim.listen();
    sim.plug({ batteryKwh: 40, maxPhases: 3, maxCurrentA: 16, socPercent: 50 });
    const hub = new StateHub();
    const book = new DemandBook(() => performance.now());
    const link = inProcessLink(book, () => performance.now());
    const shutdown = new ShutdownRegistry();
    const ev = evSchema.parse({
      cars: [{ id: 'car_1', name: 'Zoe', batteryKwh: 40, maxPhases: 3, maxCurrentA: 16 }],
      chargers: [{ id: 'garage', type: 'nrgkick', url, car: 'car_1', mode: 'smart' }],
    });
    const plan: PlanState = {
      madeAt: T0, reason: 'start', start: T0,
      cars: [{ id: 'car_1', name: 'Zoe', charger: 'garage', socPct: 50, plugged: true, departures: [] }],
      battery: null,
      quarters: [0, 1].map((i) => ({ start: T0 + i * Q, baseKwh: 0.2, houseKwh: 0.2, solarKwh: 0, carKwh: [2], batteryKwh: 0, importKwh: 2.2, exportKwh: 0, importPrice: 0.1, targetPeakKw: 10 })),
      intentions: [], problems: [], cost: { energyEur: 0, peakEur: 0, totalEur: 0 }, ceilingKw: null, error: null,
    };
    let meterAt = T0 + 5 * 60_000;
    const telegram = (): void => void hub.update({
      meter: { time: meterAt, powerKw: { import: 1, export: 0 }, phases: [], tariff: 1, counters: { importKwh: null, exportKwh: null, gasM3: null, gasTime: null, waterM3: null, waterTime: null } },
    });
    telegram();
    hub.update({ plan });
    const role = await startEvRole({
      loaded: { config: { ev, site: { fuse: { grid: '3x400', phases: 3, amps: 25 } } } } as unknown as LoadedConfig,
      dataDir: '/nonexistent', hub, commands: new CommandRegistry(), clock: { now: () => Date.now(), monoNow: () => performance.now() },
      log: silentLogger(), site: link, shutdown, restartGate: new RestartGate(),
    });
    const ticking = setInterval(() => { meterAt += 1000; telegram(); }, 200);
    try {
      role.start?.();
      await waitFor('the charger\'s demand', () => book.get('garage') !== undefined, 10_000);
      // the car's demand holds the plan's 2 kWh for the running quarter
      await waitFor('a plan demand', () => book.get('garage')?.demand.class === 'plan', 10_000);
      expect(book.get('garage')!.demand).toMatchObject({ class: 'plan', plannedKwh: 2 });
    } finally {
      clearInterval(ticking);
      await shutdown.shutdown();
      link.close();
      await sim.close();
    }
  });
});
