/**
 * Simulator speed, one core:
 *  1. pure generation: SimulatedMeter.next() over one simulated day in each season (telegrams
 *     per second, median of the days), and a simulated year's wall time extrapolated from it;
 *  2. the day plan alone (the once-a-day precomputation), median ms;
 *  3. end to end: `digital-meter simulate --speed max --duration 7d > /dev/null`, Node start-up
 *     and stdout writes included.
 */
import { spawnSync } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SimulatedMeter } from '../../main/p1/simulator/meter.js';
import { buildDayPlan } from '../../main/p1/simulator/day-plan.js';
import { createHousehold } from '../../main/p1/simulator/household.js';
import { brusselsLocalToUtc } from '../../shared/time/brussels.js';
import { median, nowMs } from './stats.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const YEAR_SECONDS = 365 * 86_400;

export async function bench(): Promise<void> {
  const days: [number, number][] = [[1, 15], [4, 15], [7, 15], [10, 15], [12, 15]];
  const rates: number[] = [];
  const cpuRates: number[] = [];
  let bytes = 0;
  // warm-up so the JIT has compiled the hot path before measuring
  const warm = new SimulatedMeter({ seed: 99, start: brusselsLocalToUtc(2025, 3, 1) });
  for (let i = 0; i < 20_000; i++) warm.next();
  for (const [month, day] of days) {
    const meter = new SimulatedMeter({ seed: 1, start: brusselsLocalToUtc(2025, month, day) });
    const start = nowMs();
    const cpuStart = process.cpuUsage();
    for (let i = 0; i < 86_400; i++) bytes += meter.next().length;
    rates.push(86_400 / ((nowMs() - start) / 1000));
    const cpu = process.cpuUsage(cpuStart);
    cpuRates.push(86_400 / ((cpu.user + cpu.system) / 1e6));
  }
  const rate = median(rates);
  const cpuRate = median(cpuRates);
  console.log(`generation: median ${Math.round(rate).toLocaleString('en')} telegrams/s over ${days.length} simulated days `
    + `(min ${Math.round(Math.min(...rates)).toLocaleString('en')}, max ${Math.round(Math.max(...rates)).toLocaleString('en')}), `
    + `${Math.round(bytes / (days.length * 86_400))} bytes per telegram`);
  console.log(`per CPU second (what the machine's other load cannot distort): median ${Math.round(cpuRate).toLocaleString('en')} telegrams/s`);
  console.log(`a simulated year (${YEAR_SECONDS.toLocaleString('en')} telegrams) extrapolated: ${(YEAR_SECONDS / rate / 60).toFixed(1)} min wall here, `
    + `${(YEAR_SECONDS / cpuRate / 60).toFixed(1)} min of CPU`);

  const household = createHousehold(1);
  const planMs: number[] = [];
  for (let d = 0; d < 20; d++) {
    const start = nowMs();
    buildDayPlan(household, brusselsLocalToUtc(2025, 1 + (d % 12), 10 + d));
    planMs.push(nowMs() - start);
  }
  console.log(`day plan: median ${median(planMs).toFixed(1)} ms per simulated day (included in the figures above)`);

  const bin = join(root, 'bin/digital-meter.js');
  const devNull = openSync('/dev/null', 'w');
  try {
    const start = nowMs();
    const result = spawnSync(process.execPath, [bin, 'simulate', '--speed', 'max', '--duration', '7d', '--start', '2025-01-01'], { stdio: ['ignore', devNull, 'inherit'] });
    const seconds = (nowMs() - start) / 1000;
    if (result.status !== 0) console.log(`end to end: simulate exited with ${result.status}`);
    else console.log(`end to end: simulate --speed max --duration 7d > /dev/null took ${seconds.toFixed(1)} s, `
      + `${Math.round((7 * 86_400) / seconds).toLocaleString('en')} telegrams/s including start-up and writes`);
  } finally {
    closeSync(devNull);
  }
}
