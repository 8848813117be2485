/**
 * A backtest year replans ~35,000 times in one process: 40,000 plans here, each a different small
 * model (8 quarters, a car and a battery), and the process's memory must stay flat. A leak of the
 * native model (its matrix alone is a few KB) or of the JavaScript side per solve would add
 * 100 MB or more over 40,000 solves; the bound below allows 40 MB of noise (allocator, JIT).
 */
import { describe, expect, it } from 'vitest';
import { plan } from '../../main/site/planner/planner.js';
import { loadSolver } from '../../main/site/planner/solver.js';
import type { PlanInput } from '../../main/site/planner/types.js';

const Q = 15 * 60_000;
const T0 = Date.parse('2026-03-02T05:00:00Z');
const SOLVES = 40_000;
const WARM_UP = 5_000;

function smallPlan(k: number): PlanInput {
  const n = 8;
  return {
    start: T0,
    baseKwh: Array.from({ length: n }, (_, i) => 0.2 + ((i + k) % 5) * 0.1),
    importPrice: Array.from({ length: n }, (_, i) => (i < 4 ? 0.3 : 0.1) + (k % 7) * 0.001),
    exportPrice: Array(n).fill(0.02),
    connectionKw: 17,
    peak: { pricePerKwYear: 50, minimumKw: 2.5, soFarKw: 4 + (k % 3) },
    cars: [{ id: 'car_1', capacityKwh: 40, socPercent: 40 + (k % 20), maxKw: 11, plugged: [{ from: T0, to: T0 + n * Q }], trips: [{ departure: T0 + n * Q, socPercent: 60 }] }],
    battery: { capacityKwh: 10, socPercent: 30 + (k % 40), maxChargeKw: 5, maxDischargeKw: 5 },
  };
}

describe('site planner memory', () => {
  it(`stays flat over ${SOLVES.toLocaleString('en')} solves in one process`, async () => {
    const solver = await loadSolver();
    const mb = (bytes: number): number => Math.round(bytes / 1e5) / 10;
    const samples: Array<{ solves: number; rss: number; heap: number }> = [];
    let reached = 0;
    for (let k = 1; k <= SOLVES; k++) {
      const p = plan(solver, smallPlan(k));
      reached += p.trips[0].shortKwh === 0 ? 1 : 0;
      if (k % 5_000 === 0) {
        const m = process.memoryUsage();
        samples.push({ solves: k, rss: m.rss, heap: m.heapUsed });
      }
    }
    solver.dispose();
    // every one of these plans is feasible: 4 to 6 kW of peak leaves room for the car's 8 kWh at most
    expect(reached).toBe(SOLVES);
    const after = samples.filter((s) => s.solves >= WARM_UP);
    const first = after[0];
    const last = after[after.length - 1];
    const rssGrowth = last.rss - first.rss;
    const heapGrowth = last.heap - first.heap;
    console.log(`planner memory over ${SOLVES} solves: ` + samples.map((s) => `${s.solves}: rss ${mb(s.rss)} MB heap ${mb(s.heap)} MB`).join('; ')
      + `; from ${WARM_UP} on: rss ${mb(rssGrowth)} MB (${Math.round(rssGrowth / (last.solves - first.solves))} B/solve), heap ${mb(heapGrowth)} MB`);
    expect(rssGrowth).toBeLessThan(40e6);
    expect(heapGrowth).toBeLessThan(40e6);
  }, 900_000);
});
