/**
 * Bus benchmark: telegram-to-delivery latency over loopback with 100 connected clients, the
 * meter loop's cost per update (diff + serialise + write to 100 sockets), and server memory per
 * client. The clients run in a worker thread so their parsing does not queue behind the server
 * on one event loop (as they would on other machines). Prints its figures; asserts nothing.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { WebSocket } from 'ws';
import { TokenHolder } from '../../main/bus/auth.js';
import { BusServer } from '../../main/bus/server.js';
import { StateHub } from '../../main/bus/state-hub.js';
import type { MeterState } from '../../shared/state.js';
import { quarterState } from '../support/quarter-state.js';

const CLIENTS = 100;
const TELEGRAMS = 500;
/** telegrams sent first and not counted: JIT and socket buffers settle */
const WARMUP = 50;
const PERIOD_MS = 20;
const TOKEN = 'bench-token-0123456789abcdef';

interface ClientsJob { busBenchClients: true; url: string; clients: number; telegrams: number }

function now(): number {
  return performance.timeOrigin + performance.now();
}

function meterAt(n: number): MeterState {
  const kw = 1 + (n % 37) / 10;
  return {
    time: 1_700_000_000_000 + n * 1000,
    powerKw: { import: kw, export: 0 },
    phases: [1, 2, 3].map((phase) => ({ phase: phase as 1 | 2 | 3, voltageV: 230 + (n % 5) / 10, currentA: kw * 1.4, importKw: kw / 3, exportKw: 0 })),
    tariff: 1,
    counters: { importKwh: { t1: 12345.678 + n / 3600, t2: 9876.543 }, exportKwh: { t1: 12.5, t2: 3.25 }, gasM3: 4567.89, gasTime: 1_700_000_000_000, waterM3: null, waterTime: null },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Worker side: 100 websocket clients recording when each delta arrives. */
async function runClients(job: ClientsJob): Promise<void> {
  const slots = job.telegrams + 2; // seq 1 is the initial state; telegrams are seq 2..telegrams+1
  const arrivals = new Float64Array(job.clients * slots);
  let ready = 0;
  for (let c = 0; c < job.clients; c++) {
    const ws = new WebSocket(job.url, { perMessageDeflate: false });
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', protocol: 2, role: 'viewer', token: TOKEN })));
    ws.on('message', (data) => {
      const t = now();
      const message = JSON.parse(data.toString()) as { type: string; seq: number };
      if (message.type === 'snapshot') {
        if (++ready === job.clients) parentPort!.postMessage({ ready: true });
      } else if (message.type === 'delta' && message.seq < slots) {
        arrivals[c * slots + message.seq] = t;
      }
    });
  }
  parentPort!.on('message', (message: { collect?: boolean }) => {
    if (message.collect) parentPort!.postMessage({ arrivals }, [arrivals.buffer]);
  });
}

if (!isMainThread && (workerData as ClientsJob | undefined)?.busBenchClients) void runClients(workerData as ClientsJob);

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function serverMemory(): number {
  collectGarbage();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

export async function bench(): Promise<void> {
  const hub = new StateHub();
  hub.update({ meter: meterAt(0), quarter: quarterState({ averageSoFarKw: 1.2, monthPeakKw: 3.4, gapKw: 2.1 }), costs: { periods: { today: { totalEur: 1.23 } } } });
  const server = await BusServer.listen({ hub, tokens: new TokenHolder(TOKEN), host: '127.0.0.1', port: 0, maxClients: CLIENTS + 10 });
  const memoryBefore = serverMemory();
  const worker = new Worker(new URL(import.meta.url), { workerData: { busBenchClients: true, url: server.address().url, clients: CLIENTS, telegrams: WARMUP + TELEGRAMS } satisfies ClientsJob });
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (m: { ready?: boolean }) => { if (m.ready) resolve(); });
  });
  const memoryPerClient = (serverMemory() - memoryBefore) / CLIENTS;

  const total = WARMUP + TELEGRAMS;
  const slots = total + 2;
  const sent = new Float64Array(slots);
  const updateCost: number[] = [];
  for (let n = 1; n <= total; n++) {
    await new Promise((r) => setTimeout(r, PERIOD_MS));
    const start = now();
    const delta = hub.update({ meter: meterAt(n) })!;
    const end = now();
    sent[delta.seq] = start;
    if (n > WARMUP) updateCost.push(end - start);
  }
  await new Promise((r) => setTimeout(r, 500));
  const arrivals = await new Promise<Float64Array>((resolve) => {
    worker.on('message', (m: { arrivals?: Float64Array }) => { if (m.arrivals) resolve(m.arrivals); });
    worker.postMessage({ collect: true });
  });
  await worker.terminate();
  await server.close();

  const latencies: number[] = [];
  let missing = 0;
  for (let c = 0; c < CLIENTS; c++) {
    for (let seq = 2 + WARMUP; seq < slots; seq++) {
      const arrived = arrivals[c * slots + seq]!;
      if (arrived === 0) missing++;
      else latencies.push(arrived - sent[seq]!);
    }
  }
  latencies.sort((a, b) => a - b);
  updateCost.sort((a, b) => a - b);
  const ms = (x: number) => `${x.toFixed(2)} ms`;
  console.log(`bus: ${CLIENTS} clients, ${TELEGRAMS} telegrams (after ${WARMUP} warm-up) every ${PERIOD_MS} ms over loopback`);
  console.log(`  telegram-to-delivery latency: p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}, max ${ms(latencies.at(-1)!)} (${latencies.length} deliveries, ${missing} missing)`);
  console.log(`  meter loop cost of hub.update (diff, serialise once, write to ${CLIENTS} sockets): p50 ${ms(percentile(updateCost, 50))}, p99 ${ms(percentile(updateCost, 99))}`);
  console.log(`  server memory per connected client (heap + external): ${(memoryPerClient / 1024).toFixed(1)} KiB`);
}
