/**
 * Battery benchmark: from a telegram to the Modbus write reaching the battery simulator, through
 * the real path beside the meter: the battery role's controller reads the battery and files its
 * demand in the site's demand book, the site controller (broker) grants on the telegram, the
 * controller commands the SunSpec driver, and the simulator's Modbus TCP server (loopback) sees
 * the control write. The house's import steps by 0.3 kW on every telegram so each one
 * leads to a write. Prints p50/p99; asserts nothing.
 */
import { BatteryController } from '../../main/battery/controller.js';
import { SunspecBatterySimulator } from '../../main/battery/simulator/sunspec-simulator.js';
import { createSunspecBattery } from '../../main/battery/sunspec/create.js';
import { DEFAULT_STRATEGY } from '../../main/battery/strategy.js';
import { StateHub } from '../../main/bus/state-hub.js';
import { silentLogger } from '../../main/log/logger.js';
import { DemandBook } from '../../main/site/demand-book.js';
import { inProcessLink } from '../../main/site/in-process-link.js';
import { SiteController } from '../../main/site/site-controller.js';
import type { Telegram } from '../../shared/p1/telegram.js';
import { peakTelegram } from '../support/peak-telegrams.js';
import { quarterState } from '../support/quarter-state.js';
import { median, nowMs, percentile } from './stats.js';

const TELEGRAMS = 400;
const WARMUP = 40;
const PERIOD_MS = 60;

export async function bench(): Promise<void> {
  const sim = new SunspecBatterySimulator({ battery: { socPct: 50 } });
  const port = await sim.listen();
  const battery = createSunspecBattery({ host: '127.0.0.1', port, unitId: 1, powerSign: 'discharge-positive', revertS: 60, timeoutMs: 2000 });
  await battery.start();
  const mono = () => performance.now();
  const book = new DemandBook(mono);
  const hub = new StateHub();
  const site = new SiteController({ fuse: { grid: '3x400', phases: 3, amps: 25 }, book, hub, monoNow: mono, log: silentLogger() as never });
  const link = inProcessLink(book, mono);
  const controller = new BatteryController({ device: 'battery', battery, link, settings: DEFAULT_STRATEGY, mode: 'auto', conductors: [1, 2, 3], revertS: 60 });
  let waiting: ((at: number) => void) | null = null;
  sim.onControlWrite(() => { const w = waiting; waiting = null; w?.(nowMs()); });

  const latencies: number[] = [];
  let missed = 0;
  const start = Date.parse('2026-01-20T17:00:00Z');
  for (let n = 0; n < TELEGRAMS; n++) {
    const time = start + n * 1000;
    // the house (battery excluded) steps through 1.0 ... 3.7 kW of import, 0.3 kW per telegram
    const houseKw = 1 + (n % 10) * 0.3;
    const netKw = houseKw + sim.battery.powerKw(performance.now());
    const telegram: Telegram = {
      ...peakTelegram({ at: new Date(time).toISOString(), t1: 1000 + n / 1000, kw: Math.max(0, netKw) }),
      powerKw: { import: Math.max(0, netKw), export: Math.max(0, -netKw) },
      phases: [1, 2, 3].map((phase) => ({ phase: phase as 1 | 2 | 3, voltageV: 230, currentA: Math.abs(netKw) * 1.45, importKw: Math.max(0, netKw) / 3, exportKw: Math.max(0, -netKw) / 3 })),
    };
    const quarter = quarterState({ time, quarterStart: start, elapsedS: 60, energySoFarKwh: 0.1, targetKw: 5, allowedKw: 8 });
    const arrived = new Promise<number | null>((resolve) => {
      waiting = resolve;
      setTimeout(() => { if (waiting === resolve) { waiting = null; resolve(null); } }, 1000);
    });
    const t0 = nowMs();
    // as createApp does on a telegram: the state update reaches the role, the site grants
    controller.onMeter({ time, gridKw: netKw, allowedKw: quarter.allowedKw, targetKw: quarter.targetKw, tariff: 1 }, mono());
    site.telegram(telegram, quarter);
    const at = await arrived;
    if (n >= WARMUP) {
      if (at === null) missed++;
      else latencies.push(at - t0);
    }
    await controller.settle();
    await new Promise((r) => setTimeout(r, PERIOD_MS));
  }
  await controller.stop(true);
  site.stop();
  await battery.close();
  await sim.close();
  console.log(`telegram -> Modbus control write at the simulator (loopback; ${latencies.length} telegrams with a write, ${missed} without one within 1 s):`);
  console.log(`  p50 ${median(latencies).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms, max ${Math.max(...latencies).toFixed(2)} ms`);
}
