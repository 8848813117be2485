/**
 * A car's night charge with the real site broker (main/site/broker.ts) over the real demand book:
 * the car files a deadline demand and draws what it is granted; the battery role's controller
 * (SunSpec driver, simulator on a real socket) files its band. The broker's rule 3 asks the
 * battery to cover what the quarter budget cannot give the car before it would raise the target.
 */
import { describe, expect, it } from 'vitest';
import { BatteryController } from '../../main/battery/controller.js';
import { SunspecBatterySimulator } from '../../main/battery/simulator/sunspec-simulator.js';
import { createSunspecBattery } from '../../main/battery/sunspec/create.js';
import { DEFAULT_STRATEGY } from '../../main/battery/strategy.js';
import { Broker } from '../../main/site/broker.js';
import { DemandBook } from '../../main/site/demand-book.js';
import { inProcessLink } from '../../main/site/in-process-link.js';
import { allowedKw } from '../../main/peak/budget.js';
import { grantIsFresh, type SiteGrant } from '../../shared/site/contract.js';

const STEP_S = 20;

async function night(withBattery: boolean) {
  // 00:00-04:00 Brussels; house 1 kW; month peak 5 kW (T = 5); the car needs 22 kWh by 04:00
  // (5.5 kW on average, 7.4 kW at most); the budget alone leaves it 4 kW.
  const start = Date.parse('2026-01-20T23:00:00Z');
  const deadline = start + 4 * 3_600_000;
  let t = start;
  const book = new DemandBook(() => t);
  const broker = new Broker({ fuse: { grid: '3x400', phases: 3, amps: 25 }, eurPerKwYear: () => 50 });
  const link = inProcessLink(book, () => t);
  let sim: SunspecBatterySimulator | null = null;
  let controller: BatteryController | null = null;
  let battery: ReturnType<typeof createSunspecBattery> | null = null;
  if (withBattery) {
    sim = new SunspecBatterySimulator({ battery: { socPct: 90 }, now: () => t, layout: { scaleFactors: new Map([['802.SoC_SF', -1]]) } });
    const port = await sim.listen();
    battery = createSunspecBattery({ host: '127.0.0.1', port, unitId: 1, powerSign: 'discharge-positive', revertS: 120, timeoutMs: 5000 });
    await battery.start();
    controller = new BatteryController({
      device: 'battery', battery, link, mode: 'auto', conductors: [1, 2, 3], revertS: 120,
      settings: { ...DEFAULT_STRATEGY, nightChargeToPct: 90, reservePct: 10 },
    });
  }
  let carGrant: { grant: SiteGrant; at: number } | null = null;
  link.onGrant('car', (grant, at) => { carGrant = { grant, at }; });
  let carKw = 0;
  let carKwh = 0;
  let monthPeak = 5;
  let quarterStart = start;
  let quarterKwh = 0;
  let raised = 0;
  try {
    for (; t < deadline; t += STEP_S * 1000) {
      if (t - quarterStart >= 900_000) {
        monthPeak = Math.max(monthPeak, quarterKwh * 4);
        quarterStart = t;
        quarterKwh = 0;
      }
      const batteryKw = sim ? sim.battery.powerKw(t) : 0;
      const grid = 1 + carKw + batteryKw;
      const elapsedS = (t - quarterStart) / 1000;
      const target = Math.max(2.5, monthPeak);
      if (controller) {
        controller.onMeter({ time: t, gridKw: grid, allowedKw: allowedKw(target, quarterKwh, elapsedS), targetKw: target, tariff: 2 }, t);
        await controller.settle();
      }
      link.demand({
        device: 'car', kind: 'ev', conductors: [1, 2, 3], measuredKw: carKw, band: { minKw: 0, maxKw: 7.4 }, minRunKw: 4.1,
        class: 'deadline', priority: 50, deadline: { time: deadline, kwh: Math.max(0, 22 - carKwh) },
      });
      const phases = ([1, 2, 3] as const).map((phase) => ({ phase, currentA: Math.abs(grid) * 1000 / 3 / 230, importKw: Math.max(0, grid) / 3, exportKw: Math.max(0, -grid) / 3 }));
      const result = broker.tick({ monoMs: t, time: t, netKw: grid, phases, quarter: { start: quarterStart, elapsedS, energyKwh: quarterKwh, targetKw: target }, demands: book.list() });
      if (result.state.target?.raised) raised++;
      book.deliver(result.grants);
      await controller?.settle();
      const g = carGrant as { grant: SiteGrant; at: number } | null;
      carKw = g && grantIsFresh(g.at, g.grant, t) ? g.grant.kw : 0;
      const held = 1 + carKw + (sim ? sim.battery.powerKw(t) : 0);
      carKwh += carKw * STEP_S / 3600;
      if (held > 0) quarterKwh += held * STEP_S / 3600;
    }
    monthPeak = Math.max(monthPeak, quarterKwh * 4);
    return { carKwh, monthPeak, raised, socPct: sim?.battery.socPct ?? null };
  } finally {
    await controller?.stop(false);
    await battery?.close();
    await sim?.close();
  }
}

describe('a car\'s deadline with the real broker', { timeout: 180_000 }, () => {
  it('is met without raising the target thanks to the battery; without it the target goes up', async () => {
    const without = await night(false);
    const withBattery = await night(true);
    expect(without.carKwh).toBeGreaterThanOrEqual(22 - 0.1);
    expect(without.monthPeak).toBeGreaterThan(5.3);
    expect(withBattery.carKwh).toBeGreaterThanOrEqual(22 - 0.1);
    expect(withBattery.monthPeak).toBeLessThanOrEqual(5.05);
    // the battery gave about 1.5 kW for 4 h: 6 kWh / 0.948683 = 6.32 kWh of its 10: 90 % -> about 26.8 %
    expect(withBattery.socPct).toBeCloseTo(26.8, 0);
  });
});
