/**
 * The strategies on both cores: worker threads, at most `threads` at once, the slowest (ours)
 * first. Each reports its days for the progress bar.
 */
import { Worker } from 'node:worker_threads';
import type { Household } from './household.js';
import { STRATEGIES, type StrategyName, type StrategyReport } from './run-strategy.js';

export interface ParallelOptions {
  household: Household;
  seed: number;
  start: string;
  days: number;
  sampleDay: number;
  threads: number;
  onProgress?: (doneDays: number, totalDays: number) => void;
}

const ORDER: StrategyName[] = ['ours', 'plugAndCharge', 'instantCap30s', 'optimum'];

export async function runAll(o: ParallelOptions): Promise<Map<StrategyName, StrategyReport>> {
  const reports = new Map<StrategyName, StrategyReport>();
  const done = new Map<StrategyName, number>();
  const total = o.days * STRATEGIES.length;
  const queue = [...ORDER];
  const workerUrl = new URL('./worker.js', import.meta.url);
  const runOne = (strategy: StrategyName) => new Promise<void>((resolve, reject) => {
    const worker = new Worker(workerUrl, { workerData: { household: o.household, seed: o.seed, start: o.start, days: o.days, strategy, sampleDay: o.sampleDay } });
    worker.on('message', (m: { type: string; done?: number; report?: StrategyReport; message?: string }) => {
      if (m.type === 'day') {
        done.set(strategy, m.done!);
        o.onProgress?.([...done.values()].reduce((a, b) => a + b, 0), total);
      } else if (m.type === 'done') {
        reports.set(strategy, m.report!);
        void worker.terminate();
        resolve();
      } else if (m.type === 'error') {
        void worker.terminate();
        reject(new Error(`${strategy}: ${m.message}`));
      }
    });
    worker.on('error', reject);
  });
  const lane = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await runOne(next);
  };
  await Promise.all(Array.from({ length: Math.max(1, o.threads) }, lane));
  return reports;
}
