/**
 * The meter's per-telegram path and its throughput, with the store writing as in production
 * (WAL, one transaction per minute of meter time, the 48 h raw-telegram ring, day summaries,
 * quarters, month peaks) into a database in the system's temporary folder.
 *
 * 1. Per telegram: a simulated day (86,400 telegrams from main/p1/simulator) is generated first;
 *    then each telegram's parse -> ledger -> quarter tracker/month peaks -> store is timed on its
 *    own. One telegram in 60 also commits the minute's batch: those are counted in the figures,
 *    and their cost is printed separately.
 * 2. Throughput: the simulator streams DAYS days (default 28; PIPELINE_BENCH_DAYS=365 for the
 *    whole year, 31.5 million telegrams) at max speed through the decoder (framing, CRC, parse)
 *    and the pipeline; telegrams per second over the whole run, generation included. The
 *    simulator alone and simulator + decoder are timed on one day first, to show where the time goes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../main/log/logger.js';
import { TelegramDecoder } from '../../main/p1/decoder.js';
import { parseFrame } from '../../main/p1/parse.js';
import { SimulatedMeter } from '../../main/p1/simulator/meter.js';
import { openPipeline } from '../../main/pipeline/open-pipeline.js';
import { bundledRatesFile, loadRatesFile } from '../../main/tariff/rates-load.js';
import { median, nowMs, percentile } from './stats.js';

const START = Date.parse('2025-01-01T00:00:00+01:00');

function perTelegram(dir: string): void {
  const meter = new SimulatedMeter({ start: START, seed: 7 });
  const frames: Uint8Array[] = [];
  for (let i = 0; i < 86_400; i++) frames.push(Uint8Array.from(meter.next()));
  const rates = loadRatesFile(bundledRatesFile());
  const opened = openPipeline({ dbFile: join(dir, 'per-telegram.sqlite'), rates, log: silentLogger() });
  const { pipeline } = opened;
  const us: number[] = [];
  const parseUs: number[] = [];
  const commitUs: number[] = [];
  let previousTime: number | null = null;
  let commits = 0;
  for (const bytes of frames) {
    const before = opened.store.pending;
    const a = process.hrtime.bigint();
    const parsed = parseFrame(bytes, { previousTime });
    const m = process.hrtime.bigint();
    if (!parsed.ok) throw new Error(`simulator frame refused: ${parsed.error}`);
    previousTime = parsed.telegram.time;
    pipeline.handle({ ok: true, telegram: parsed.telegram, offset: 0 }, bytes);
    const b = process.hrtime.bigint();
    const took = Number(b - a) / 1000;
    parseUs.push(Number(m - a) / 1000);
    us.push(took);
    if (opened.store.pending < before) { commits++; commitUs.push(took); }
  }
  pipeline.finish();
  opened.close();
  console.log(`per telegram, parse -> ledger -> quarter -> store (${us.length} telegrams of a simulated day, ${commits} batch commits):`);
  console.log(`  median ${median(us).toFixed(1)} us, p90 ${percentile(us, 90).toFixed(1)} us, p99 ${percentile(us, 99).toFixed(1)} us, p99.9 ${percentile(us, 99.9).toFixed(1)} us (goal p99 < 200 us)`);
  const plain = us.filter((x) => !commitUs.includes(x));
  console.log(`  of which parse: median ${median(parseUs).toFixed(1)} us, p99 ${percentile(parseUs, 99).toFixed(1)} us`);
  console.log(`  without the commit telegrams: median ${median(plain).toFixed(1)} us, p99 ${percentile(plain, 99).toFixed(1)} us; a commit telegram: median ${median(commitUs).toFixed(1)} us`);
}

function breakdown(): void {
  const day = 86_400;
  let meter = new SimulatedMeter({ start: START, seed: 7 });
  let begin = nowMs();
  for (let i = 0; i < day; i++) meter.next();
  const simUs = ((nowMs() - begin) * 1000) / day;
  meter = new SimulatedMeter({ start: START, seed: 7 });
  const decoder = new TelegramDecoder(() => {});
  begin = nowMs();
  for (let i = 0; i < day; i++) decoder.feed(meter.next());
  const decodeUs = ((nowMs() - begin) * 1000) / day - simUs;
  console.log(`one simulated day, mean per telegram: simulator ${simUs.toFixed(1)} us, decoder (framing, CRC, parse) ${decodeUs.toFixed(1)} us`);
}

function throughput(dir: string, days: number): void {
  const rates = loadRatesFile(bundledRatesFile());
  const opened = openPipeline({ dbFile: join(dir, 'year.sqlite'), rates, log: silentLogger() });
  const { pipeline } = opened;
  const decoder = new TelegramDecoder((result, raw) => pipeline.handle(result, raw));
  const meter = new SimulatedMeter({ start: START, seed: 7 });
  const total = days * 86_400;
  const begin = nowMs();
  for (let i = 0; i < total; i++) decoder.feed(meter.next());
  decoder.end();
  pipeline.finish();
  const seconds = (nowMs() - begin) / 1000;
  const dayRows = opened.store.days().length;
  opened.close();
  const rate = total / seconds;
  console.log(`simulated ${days} days at max speed, simulator -> decoder -> pipeline -> store: ${total} telegrams in ${seconds.toFixed(1)} s = ${Math.round(rate)} telegrams/s (goal 52,000: a year in 10 minutes; at this rate a year takes ${(31_536_000 / rate / 60).toFixed(0)} min); ${pipeline.counts.ok} ok, ${pipeline.counts.refused} refused, ${dayRows} day rows`);
}

export async function bench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-pipeline-'));
  try {
    perTelegram(dir);
    breakdown();
    throughput(dir, Number(process.env.PIPELINE_BENCH_DAYS ?? 28));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
