/**
 * The battery role's controller follows a restarted meter: the new meter's grants are numbered
 * from 1 again, and the link passes them on (a new connection forgets the numbers seen). Before,
 * the controller kept its own "never older" check and ignored them for as long as the meter had
 * run before; the fault suite saw both satellites' devices start again only 126 s after a restart.
 * SunSpec simulator on a real socket, the controller as the battery role runs it.
 */
import { afterEach, expect, it } from 'vitest';
import { BatteryController } from '../../main/battery/controller.js';
import { SunspecBatterySimulator } from '../../main/battery/simulator/sunspec-simulator.js';
import { createSunspecBattery } from '../../main/battery/sunspec/create.js';
import { DEFAULT_STRATEGY } from '../../main/battery/strategy.js';
import { ScriptedSiteLink } from '../support/scripted-site-link.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

it('the battery follows a restarted meter\'s first grant, numbered 1', async () => {
  let t = Date.parse('2026-01-20T17:00:00Z');
  const sim = new SunspecBatterySimulator({ battery: { socPct: 80 }, now: () => t });
  const port = await sim.listen();
  cleanups.push(() => sim.close());
  const battery = createSunspecBattery({ host: '127.0.0.1', port, unitId: 1, powerSign: 'discharge-positive', revertS: 120, timeoutMs: 5000 });
  await battery.start();
  cleanups.push(() => battery.close());
  const link = new ScriptedSiteLink(() => t);
  const controller = new BatteryController({
    device: 'battery', battery, link, mode: 'auto', conductors: [1, 2, 3], revertS: 120, settings: { ...DEFAULT_STRATEGY, reservePct: 10 },
  });
  cleanups.push(() => controller.stop(false));
  // the house imports 4 kW: the battery wishes to cover it, and the broker grants 2 kW of discharge
  const second = async (grantKw: number) => {
    t += 1000;
    controller.onMeter({ time: t, gridKw: 4 + sim.battery.powerKw(t), allowedKw: 10, targetKw: 10, tariff: 1 }, t);
    await controller.settle();
    link.grant('battery', grantKw);
    await controller.settle();
  };
  for (let i = 0; i < 60; i++) await second(-2);
  expect(sim.battery.powerKw(t)).toBeCloseTo(-2, 2);
  // the meter restarts; its first grant (number 1) asks for 3 kW of discharge: followed at once
  link.restartMeter();
  await second(-3);
  expect(sim.battery.powerKw(t)).toBeCloseTo(-3, 2);
});
