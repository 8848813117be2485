/** A worker thread running one strategy (run-strategy.ts), reporting each simulated day. */
import { parentPort, workerData } from 'node:worker_threads';
import { runJob, type Job } from './run-strategy.js';

const job = workerData as Job;
runJob(job, (done, total) => parentPort!.postMessage({ type: 'day', done, total })).then(
  (report) => parentPort!.postMessage({ type: 'done', report }),
  (error: unknown) => parentPort!.postMessage({ type: 'error', message: error instanceof Error ? error.stack ?? error.message : String(error) }),
);
