/**
 * Parse + CRC throughput on the shared recording, one core:
 *  1. in process: TelegramDecoder over the recording repeated 100 times;
 *  2. end to end: `digital-meter parse --summary` on a 100-copy file (the yardstick;
 *     dsmr_parser, behind Home Assistant's DSMR integration, does about 1,700 telegrams/s here).
 */
import { readFileSync, writeFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TelegramDecoder } from '../../main/p1/decoder.js';
import { median, nowMs } from './stats.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const recording = resolve(root, '../shared/fixtures/p1/fluvius-50216-3phase-20min.txt');

export async function bench(): Promise<void> {
  if (!existsSync(recording)) {
    console.log(`skipped: ${recording} is absent`);
    return;
  }
  const one = readFileSync(recording);
  const hundred = Buffer.concat(Array.from({ length: 100 }, () => one));

  const inProcess: number[] = [];
  let telegrams = 0;
  for (let run = 0; run < 5; run++) {
    let ok = 0;
    const decoder = new TelegramDecoder((result) => { if (result.ok) ok++; });
    const start = nowMs();
    for (let i = 0; i < hundred.length; i += 65536) decoder.feed(hundred.subarray(i, i + 65536));
    decoder.end();
    inProcess.push(ok / ((nowMs() - start) / 1000));
    telegrams = ok;
  }
  console.log(`in process: ${telegrams} telegrams, median ${Math.round(median(inProcess)).toLocaleString('en')} telegrams/s over 5 runs`);

  const dir = mkdtempSync(join(tmpdir(), 'dm-bench-'));
  try {
    const file = join(dir, 'recording-x100.txt');
    writeFileSync(file, hundred);
    const bin = join(root, 'bin/digital-meter.js');
    const cli: number[] = [];
    let summary = '';
    for (let run = 0; run < 5; run++) {
      const start = nowMs();
      summary = execFileSync(process.execPath, [bin, 'parse', '--summary', file], { encoding: 'utf8' }).trim();
      cli.push((nowMs() - start) / 1000);
    }
    const ok = (JSON.parse(summary) as { ok: number; refused: number });
    const seconds = median(cli);
    console.log(`digital-meter parse --summary on ${(hundred.length / 1e6).toFixed(1)} MB (${ok.ok + ok.refused} frames): median ${seconds.toFixed(3)} s `
      + `over 5 runs, ${Math.round((ok.ok + ok.refused) / seconds).toLocaleString('en')} telegrams/s including Node start-up `
      + `(${summary}); dsmr_parser reference: ~1,700/s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
