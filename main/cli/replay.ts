import { createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FrameResult } from '../../shared/p1/telegram.js';
import { createLogger } from '../log/logger.js';
import { TelegramDecoder } from '../p1/decoder.js';
import { openPipeline } from '../pipeline/open-pipeline.js';
import { replaySummary } from '../pipeline/replay-summary.js';
import { bundledRatesFile, loadRatesFile } from '../tariff/rates-load.js';
import { parseCommandLine, UsageError } from './usage.js';

const HELP = `usage: digital-meter replay FILE [--rates FILE] [--db FILE] [--speed max|N] [--summary]

Runs a recorded P1 stream through the real pipeline (parse -> ledger -> quarter tracker ->
store) and prints one JSON object: telegrams, first/last meter time, electricity import/export
per register and cost, gas, water, the quarters and this month's peak (README, "replay").
  --rates FILE   rates.json to price with (default: the bundled one)
  --db FILE      database to write (default: a temporary one, deleted afterwards). Telegrams
                 already in it (by meter time) are not counted again: a replay resumes.
  --speed max|N  N times the meter's own pace; default max with --summary, else 1
  --summary      print only the summary object (else also one JSON line per closed quarter)
  --verbose      log progress (JSON lines, one per commit) on stderr
`;

function parseSpeed(text: string | undefined, summary: boolean): number | 'max' {
  if (text === undefined) return summary ? 'max' : 1;
  if (text === 'max') return 'max';
  const n = Number(text);
  if (!(n > 0) || !Number.isFinite(n)) throw new UsageError(`--speed ${text}: expected max or a positive number`);
  return n;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args,
    allowPositionals: true,
    options: {
      rates: { type: 'string' },
      db: { type: 'string' },
      speed: { type: 'string' },
      summary: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'which recording? expected one FILE' : `expected one FILE, got ${positionals.length}`);
  const file = positionals[0]!;
  const speed = parseSpeed(values.speed, values.summary);
  const rates = loadRatesFile(values.rates ? resolve(values.rates) : bundledRatesFile());
  if (!existsSync(file)) {
    process.stderr.write(`digital-meter replay: ${file}: no such file\n`);
    return 66;
  }
  const tempDir = values.db ? null : mkdtempSync(join(tmpdir(), 'digital-meter-replay-'));
  const dbFile = values.db ? resolve(values.db) : join(tempDir!, 'replay.sqlite');
  // The temporary database goes however the replay ends: normally, on Ctrl-C or SIGTERM, or when
  // the reader of stdout goes away (`| head`: EPIPE exits at once, running only 'exit' handlers).
  const removeTemp = () => { if (tempDir) rmSync(tempDir, { recursive: true, force: true }); };
  const onSignal = (signal: NodeJS.Signals) => {
    removeTemp();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('exit', removeTemp);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const log = createLogger({ level: values.verbose ? 'debug' : 'warn', console: process.stderr });
  let opened: ReturnType<typeof openPipeline>;
  try {
    opened = openPipeline({ dbFile, rates, log });
  } catch (error) {
    removeTemp();
    throw error;
  }
  try {
    const { pipeline } = opened;
    const resumeAfter = opened.store.resumePoint().lastTelegramTime;
    log.info({ file, db: dbFile, resumeAfter: resumeAfter === null ? null : new Date(resumeAfter).toISOString() }, 'replay started');
    let reported = 0;
    let paceStart: { wall: number; meter: number } | null = null;
    // the decoder hands out frames as the file streams in; they are processed in order, paced
    const queue: Array<{ result: FrameResult; raw: Uint8Array }> = [];
    const decoder = new TelegramDecoder((result, raw) => queue.push({ result, raw: Uint8Array.from(raw) }));
    const drain = async () => {
      for (const { result, raw } of queue.splice(0)) {
        const time = result.ok ? result.telegram.time : null;
        if (speed !== 'max' && time !== null && (resumeAfter === null || time > resumeAfter)) {
          // pace by the meter's clock; telegrams already stored pass at once (a resumed replay)
          paceStart ??= { wall: Date.now(), meter: time };
          const wait = paceStart.wall + (time - paceStart.meter) / speed - Date.now();
          if (wait > 0) await sleep(wait);
        }
        pipeline.handle(result, raw);
        if (!values.summary) {
          for (const q of pipeline.quarters.slice(reported)) process.stdout.write(JSON.stringify({ quarter: { start: new Date(q.start).toISOString(), averageKw: Math.round(q.averageKw * 1000) / 1000, complete: q.complete } }) + '\n');
          reported = pipeline.quarters.length;
        }
      }
    };
    try {
      for await (const chunk of createReadStream(file, { highWaterMark: 1 << 16 })) {
        decoder.feed(chunk as Buffer);
        await drain();
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      process.stderr.write(`digital-meter replay: ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}\n`);
      return 66;
    }
    decoder.end();
    await drain();
    pipeline.finish();
    const summary = replaySummary(pipeline, opened.ledger, pipeline.quarters, opened.peaks.monthPeakKw());
    process.stdout.write(JSON.stringify(summary) + '\n');
    return 0;
  } finally {
    opened.close();
    removeTemp();
    process.off('exit', removeTemp);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
