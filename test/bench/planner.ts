/**
 * The site planner: 48 h x 15 min (192 quarters) with two cars and a battery on a dynamic-price
 * day. Prints the first solve in the process (loading the HiGHS WebAssembly runtime included),
 * the median and p90 of repeated solves, then the process's memory over 40,000 solves of a
 * small plan (8 quarters, a car and a battery: a 48 h plan 40,000 times would take half an
 * hour here) and after 200 more of the full plan.
 */
import { plan } from '../../main/site/planner/planner.js';
import { loadSolver } from '../../main/site/planner/solver.js';
import type { PlanInput } from '../../main/site/planner/types.js';
import { median, nowMs, percentile } from './stats.js';

const Q = 15 * 60_000;
const T0 = Date.parse('2026-01-12T11:00:00Z'); // Monday 12:00 Brussels

function fullPlan(k: number): PlanInput {
  const n = 192;
  const price = (i: number): number => 0.18 + 0.12 * Math.sin(((i - 20) / 96) * 2 * Math.PI) + (k % 5) * 0.001;
  return {
    start: T0,
    baseKwh: Array.from({ length: n }, (_, i) => 0.15 + 0.25 * Math.max(0, Math.sin((i / 96) * 2 * Math.PI)) - 0.3 * Math.max(0, Math.sin(((i - 24) / 96) * 2 * Math.PI)) * 0.5),
    importPrice: Array.from({ length: n }, (_, i) => price(i)),
    exportPrice: Array.from({ length: n }, (_, i) => price(i) * 0.4),
    connectionKw: 17,
    peak: { pricePerKwYear: 50, minimumKw: 2.5, soFarKw: 4.2 },
    cars: [
      { id: 'car_1', capacityKwh: 60, socPercent: 30 + (k % 10), maxKw: 11, plugged: [{ from: T0 + 6 * 4 * Q, to: T0 + 19 * 4 * Q }, { from: T0 + 30 * 4 * Q, to: T0 + 43 * 4 * Q }], trips: [{ departure: T0 + 19 * 4 * Q, socPercent: 80, usesKwh: 20 }, { departure: T0 + 43 * 4 * Q, socPercent: 80 }] },
      { id: 'car_2', capacityKwh: 40, socPercent: 50, maxKw: 7.4, plugged: [{ from: T0, to: T0 + 20 * 4 * Q }], trips: [{ departure: T0 + 20 * 4 * Q, socPercent: 90 }] },
    ],
    battery: { capacityKwh: 10, socPercent: 40, maxChargeKw: 5, maxDischargeKw: 5, reservePercent: 10, wearEurPerKwh: 0.02 },
  };
}

function smallPlan(k: number): PlanInput {
  const n = 8;
  return {
    start: T0,
    baseKwh: Array.from({ length: n }, (_, i) => 0.2 + ((i + k) % 5) * 0.1),
    importPrice: Array.from({ length: n }, (_, i) => (i < 4 ? 0.3 : 0.1) + (k % 7) * 0.001),
    exportPrice: Array(n).fill(0.02),
    connectionKw: 17,
    peak: { pricePerKwYear: 50, minimumKw: 2.5, soFarKw: 4 },
    cars: [{ id: 'car_1', capacityKwh: 40, socPercent: 40 + (k % 20), maxKw: 11, plugged: [{ from: T0, to: T0 + n * Q }], trips: [{ departure: T0 + n * Q, socPercent: 60 }] }],
    battery: { capacityKwh: 10, socPercent: 30 + (k % 40), maxChargeKw: 5, maxDischargeKw: 5 },
  };
}

const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);

export async function bench(): Promise<void> {
  let t = nowMs();
  const solver = await loadSolver();
  const first = plan(solver, fullPlan(0));
  const firstMs = nowMs() - t;
  console.log(`first 48 h plan in the process (runtime load included): ${firstMs.toFixed(0)} ms; cost ${first.cost.totalEur.toFixed(2)} EUR, trips ${first.trips.map((x) => `${x.carId} ${x.reachedPercent}%`).join(', ')}`);
  const times: number[] = [];
  const cpu: number[] = [];
  for (let k = 1; k <= 60; k++) {
    t = nowMs();
    const c = process.cpuUsage();
    plan(solver, fullPlan(k));
    const used = process.cpuUsage(c);
    times.push(nowMs() - t);
    cpu.push((used.user + used.system) / 1000);
  }
  // CPU time next to wall time: on a shared, overloaded machine the wall time is mostly waiting
  console.log(`repeated 48 h plans (192 quarters, 2 cars, battery), 60 runs: wall median ${median(times).toFixed(1)} ms, p90 ${percentile(times, 90).toFixed(1)} ms; CPU median ${median(cpu).toFixed(1)} ms`);
  const before = process.memoryUsage();
  t = nowMs();
  for (let k = 1; k <= 40_000; k++) plan(solver, smallPlan(k));
  const smallMs = (nowMs() - t) / 40_000;
  const after = process.memoryUsage();
  for (let k = 1; k <= 200; k++) plan(solver, fullPlan(k));
  const end = process.memoryUsage();
  console.log(`40,000 small plans (8 quarters): ${smallMs.toFixed(2)} ms each; rss ${mb(before.rss)} -> ${mb(after.rss)} MB, heap ${mb(before.heapUsed)} -> ${mb(after.heapUsed)} MB; after 200 more 48 h plans: rss ${mb(end.rss)} MB, heap ${mb(end.heapUsed)} MB`);
  solver.dispose();
}
