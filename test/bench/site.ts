/**
 * Site benchmark: from the last byte of a telegram written into a socat pseudo-terminal (the P1
 * cable) to the grant it decides arriving at a satellite over the websocket. The meter is a real
 * `digital-meter serve` process reading the pty (serial source, decoder, pipeline, broker, bus);
 * the satellite is the product's bus client in this process, so the write and the arrival are
 * timed on one clock. Telegrams go in five times a second (meter time one second apart). Prints
 * p50 and p99 with the load average; asserts nothing.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BusClient } from '../../main/bus/client.js';
import { TelegramDecoder } from '../../main/p1/decoder.js';
import { SimulatedMeter } from '../../main/p1/simulator/meter.js';
import { siteDemandSchema } from '../../shared/site/contract.js';
import { Broker } from '../../main/site/broker.js';
import { haveSocat, PtyCable } from '../support/socat-pty.js';
import { median, nowMs, percentile } from './stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = resolve(here, '../../../bin/digital-meter.js');
const TOKEN = 'site-bench-token-0123456789abcdef';
const TELEGRAMS = Number(process.env.SITE_BENCH_TELEGRAMS ?? 300);
const WARMUP = 20;
const PERIOD_MS = 200;

/** The broker alone: one tick with four devices (two cars, a boiler, a battery), many times. */
function brokerCost(): void {
  const broker = new Broker({ fuse: { grid: '3x400', phases: 3, amps: 25 }, eurPerKwYear: () => 50 });
  const entry = (device: string, extra: object) => ({ demand: siteDemandSchema.parse({ device, kind: 'ev', conductors: [1, 2, 3], measuredKw: 1, band: { minKw: 0, maxKw: 11 }, class: 'plan', priority: 50, plannedKwh: 1, ...extra }), door: 'local', since: 0, updated: 0 });
  const demands = [
    entry('car_a', { class: 'deadline', deadline: { time: 1_700_003_600_000, kwh: 10 } }), entry('car_b', { minRunKw: 1.4 }),
    entry('boiler', { kind: 'boiler', conductors: [1], band: { minKw: 0, maxKw: 2 } }),
    entry('battery', { kind: 'battery', class: 'battery', band: { minKw: -5, maxKw: 5 }, plannedKwh: null }),
  ];
  const phases = [1, 2, 3].map((phase) => ({ phase: phase as 1 | 2 | 3, currentA: 8, importKw: 1.8, exportKw: 0 }));
  const times: number[] = [];
  for (let i = 0; i < 20_000; i++) {
    const started = nowMs();
    broker.tick({ monoMs: i * 1000, time: 1_700_000_000_000 + i * 1000, netKw: 5.5, phases, quarter: { start: 1_700_000_000_000, elapsedS: i % 900, energyKwh: 0.3, targetKw: 4 }, demands });
    if (i >= 1000) times.push(nowMs() - started);
  }
  console.log(`broker tick, 4 devices: median ${(median(times) * 1000).toFixed(1)} us, p99 ${(percentile(times, 99) * 1000).toFixed(1)} us`);
}

export async function bench(): Promise<void> {
  brokerCost();
  if (!haveSocat) {
    console.log('skipped: socat is not installed (apt-get install socat)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'site-bench-'));
  const cable = new PtyCable(dir);
  await cable.plugIn();
  const config = join(dir, 'meter.json');
  writeFileSync(config, JSON.stringify({
    roles: ['meter'], dataDir: 'data', log: { level: 'warn', file: false },
    p1: { type: 'serial', port: cable.meterPath },
    site: { fuse: { grid: '3x400', phases: 3, amps: 63 } },
  }));
  const meterProcess = spawn(process.execPath, [BIN, 'serve', '--config', config, '--port', '0', '--token', TOKEN], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  meterProcess.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  const line = await new Promise<string>((resolveLine, reject) => {
    createInterface({ input: meterProcess.stdout }).once('line', resolveLine);
    meterProcess.once('exit', (code) => reject(new Error(`the meter exited with ${code}: ${stderr.slice(-1000)}`)));
  });
  const port = /:(\d+)\/#token=/.exec(line)![1];

  const arrivals = new Map<number, number>();
  const satellite = new BusClient({ url: `ws://127.0.0.1:${port}/ws`, token: TOKEN, role: 'ev', name: 'bench' });
  satellite.on('grant', (grant) => { if (!arrivals.has(grant.time)) arrivals.set(grant.time, nowMs()); });
  satellite.start();
  satellite.demand({ device: 'bench', kind: 'test', conductors: [1, 2, 3], measuredKw: 0, band: { minKw: 0, maxKw: 2 }, minRunKw: 1, class: 'emergency', priority: 50 });
  const deadline = Date.now() + 30_000;
  while (!satellite.connected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

  // the simulator's telegrams, each with its meter time (the grant carries it back)
  const meter = new SimulatedMeter({ seed: 7, start: Date.now() - 3_600_000, grid: '3x400' });
  let lastTime: number | null = null;
  const decoder = new TelegramDecoder((result) => { if (result.ok) lastTime = result.telegram.time; });
  const written = new Map<number, number>();
  const start = nowMs();
  for (let i = 0; i < TELEGRAMS + WARMUP; i++) {
    const bytes = meter.next();
    decoder.feed(bytes);
    cable.write(bytes);
    if (i >= WARMUP && lastTime !== null) written.set(lastTime, nowMs());
    const wait = start + (i + 1) * PERIOD_MS - nowMs();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await new Promise((r) => setTimeout(r, 1000));
  const load = loadavg();
  const latencies: number[] = [];
  for (const [time, at] of written) {
    const arrived = arrivals.get(time);
    if (arrived !== undefined) latencies.push(arrived - at);
  }
  await satellite.close();
  meterProcess.kill('SIGTERM');
  await new Promise((r) => meterProcess.once('exit', r));
  await cable.pullOut();
  rmSync(dir, { recursive: true, force: true });

  console.log(`telegrams: ${written.size} timed (after ${WARMUP} warm-up), grants received for ${latencies.length}`);
  if (latencies.length === 0) {
    console.log(`no grant arrived; meter stderr: ${stderr.slice(-1500)}`);
    return;
  }
  console.log(`telegram last byte (pty) -> grant at the satellite (ws): p50 ${median(latencies).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms, max ${Math.max(...latencies).toFixed(2)} ms (goal: p99 under 10 ms)`);
  console.log(`load average (1, 5, 15 min): ${load.map((x) => x.toFixed(2)).join(', ')} on ${(await import('node:os')).cpus().length} cores`);
}
