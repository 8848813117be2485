/**
 * EV benchmark (issue 17): from the last byte of a telegram to the HTTP request reaching the
 * charger simulator, with the EV role as a satellite over the websocket. The meter side (P1
 * decoder, quarter, site broker, bus server) runs in this thread; the satellite (bus client,
 * remote SiteLink, EV role, NRGkick driver) in a worker thread, as it would on another machine;
 * the charger simulator answers real HTTP here and stamps each request's arrival on the same
 * process-wide monotonic clock. Control timing runs on a clock scaled x10, so the holds between
 * staircases pass quickly. Each counted telegram adds 0.35 kW of base load on three phases, so
 * the fuse headroom falls by 0.5 A and a cut must go out (16 steps: from about 16 A to 8 A, never a pause). Prints; asserts nothing.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { Telegram } from '../../shared/p1/telegram.js';
import { TokenHolder } from '../../main/bus/auth.js';
import { BusClient } from '../../main/bus/client.js';
import { CommandRegistry } from '../../main/bus/commands.js';
import { meterStateFromTelegram } from '../../main/bus/meter-state.js';
import { BusServer } from '../../main/bus/server.js';
import { StateHub } from '../../main/bus/state-hub.js';
import { evSchema } from '../../main/config/ev-schema.js';
import { EvRole } from '../../main/ev/role.js';
import { ChargerSimulator } from '../../main/ev/simulator/server.js';
import { silentLogger } from '../../main/log/logger.js';
import type { Timers } from '../../main/p1/sources/timers.js';
import { TelegramDecoder } from '../../main/p1/decoder.js';
import { SimulatedMeter } from '../../main/p1/simulator/meter.js';
import { PeakMonitor } from '../../main/peak/peak-monitor.js';
import { DemandBook } from '../../main/site/demand-book.js';
import { RemoteSiteLink } from '../../main/site/remote-link.js';
import { satelliteDoors } from '../../main/site/satellite-doors.js';
import { SiteController } from '../../main/site/site-controller.js';
import { median, percentile } from './stats.js';

const TOKEN = 'bench-token-0123456789abcdef';
const SCALE = 10;
const STEPS = 16;
const RECOVERY = 15;
const PERIOD_MS = 80;
const WANTED_SAMPLES = Number(process.env.EV_BENCH_SAMPLES ?? 1000);
/** a staircase that yields no command at all means the set-up is wrong: stop rather than spin */
const MAX_CYCLES = 200;

const monoScaled = (): number => (Number(process.hrtime.bigint()) / 1e6) * SCALE;
const scaledTimers: Timers = {
  now: monoScaled,
  setTimeout: (fn, ms) => { const t = setTimeout(fn, ms / SCALE); t.unref(); return t; },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

interface SatelliteJob { evBenchSatellite: true; busUrl: string; chargerUrl: string }

/** Worker: the satellite, exactly as `serve --roles ev` composes it, on the scaled clock. */
function runSatellite(job: SatelliteJob): void {
  const hub = new StateHub();
  const client = new BusClient({ url: job.busUrl, token: TOKEN, role: 'ev', name: 'bench-sat' });
  const link = new RemoteSiteLink(client, monoScaled);
  const config = evSchema.parse({
    grid: '3x400', cars: [{ id: 'car_1', name: 'Bench', batteryKwh: 60 }],
    chargers: [{ id: 'garage', type: 'nrgkick', url: job.chargerUrl, car: 'car_1', mode: 'now' }],
  });
  const role = new EvRole({ config, link, hub, commands: new CommandRegistry(), timers: scaledTimers, wallNow: () => hub.current.meter?.time ?? Date.now() });
  client.on('connected', () => parentPort!.postMessage({ connected: true }));
  client.start();
  role.start();
}

if (!isMainThread && (workerData as SatelliteJob | undefined)?.evBenchSatellite) runSatellite(workerData as SatelliteJob);

export async function bench(): Promise<void> {
  const sim = new ChargerSimulator({ grid: '3x400' });
  const chargerUrl = await sim.listen();
  sim.plug({ batteryKwh: 60, maxPhases: 3, maxCurrentA: 16, socPercent: 40 });
  const hub = new StateHub();
  const book = new DemandBook(monoScaled);
  const site = new SiteController({
    fuse: { grid: '3x400', phases: 3, amps: 17 }, book, hub, monoNow: monoScaled, log: silentLogger(),
    setTimer: (fn, ms) => scaledTimers.setTimeout(fn, ms), clearTimer: (h) => scaledTimers.clearTimeout(h),
  });
  const server = await BusServer.listen({ hub, tokens: new TokenHolder('bench-dashboard-token-0123456789', [{ access: 'satellite', name: 'bench-sat', token: TOKEN }]), site: satelliteDoors(book), host: '127.0.0.1', port: 0, path: '/ws' });
  const worker = new Worker(new URL(import.meta.url), { workerData: { evBenchSatellite: true, busUrl: server.address().url, chargerUrl } satisfies SatelliteJob });
  await new Promise<void>((resolve) => worker.once('message', () => resolve()));

  // a quiet winter night, so that the staircase is what moves the headroom
  const meter = new SimulatedMeter({ seed: 5, start: Date.UTC(2025, 5, 15, 1, 0, 0), grid: '3x400', pvKwp: 0, heatPump: false });
  const peaks = new PeakMonitor({ userFloorKw: 20 });
  let lastTelegramAt = 0n;
  const decoder = new TelegramDecoder((result) => {
    if (!result.ok) return;
    // the decoder reports a frame on its last byte: this is "the last byte of the telegram"
    lastTelegramAt = process.hrtime.bigint();
    const telegram: Telegram = result.telegram;
    // in serve's order: the grants first, then the meter's state for the dashboards
    site.telegram(telegram, peaks.update(telegram).state);
    hub.update({ meter: meterStateFromTelegram(telegram) });
  });
  const commands: bigint[] = [];
  sim.onRequest((r) => { if (r.path === '/control' && Object.keys(r.query).length > 0) commands.push(r.arrivedNs); });

  const samples: number[] = [];
  let missed = 0;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  // the car's draw is part of what the meter measures
  const next = () => { meter.setEvPower(sim.powerKw(), sim.phasesInUse()); return meter.next(); };
  // warm up: the car starts, reaches 16 A
  for (let i = 0; i < 40; i++) { decoder.feed(next()); await sleep(PERIOD_MS); }
  const load = (await import('node:os')).loadavg();
  let cycles = 0;
  if (process.env.EV_BENCH_DEBUG) console.log('after warm-up', sim.current(), sim.powerKw(), JSON.stringify(hub.current.site?.conductors));
  while (samples.length < WANTED_SAMPLES && cycles++ < MAX_CYCLES) {
    for (let step = 1; step <= STEPS; step++) {
      meter.injectLoad(0.35, STEPS - step + 1, 0);
      commands.length = 0;
      decoder.feed(next());
      const sent = lastTelegramAt;
      await sleep(PERIOD_MS);
      const first = commands.find((at) => at >= sent);
      if (first === undefined) missed++;
      else samples.push(Number(first - sent) / 1e6);
    }
    for (let i = 0; i < RECOVERY; i++) { decoder.feed(next()); await sleep(PERIOD_MS); }
    if (process.env.EV_BENCH_DEBUG) console.log(`cycle ${cycles}: ${samples.length} samples, ${missed} missed`, sim.current());
  }
  await worker.terminate();
  await server.close();
  site.stop();
  await sim.close();
  console.log(`telegram last byte -> /control request at the charger simulator, EV role as a satellite over the websocket (clock x${SCALE})`);
  console.log(`  samples ${samples.length}, telegrams without a command ${missed}`);
  console.log(`  p50 ${median(samples).toFixed(2)} ms, p99 ${percentile(samples, 99).toFixed(2)} ms, max ${Math.max(...samples).toFixed(2)} ms`);
  console.log(`  load average at start ${load.map((l) => l.toFixed(2)).join(' ')}; now ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}
