/**
 * What live reading costs: a reader process (test/support/p1-live-reader.ts: serial source +
 * decoder + reader service) on a socat pseudo-terminal, fed one telegram per second from the
 * shared recording for 60 s (P1_LIVE_SECONDS to change), as a real meter does. Prints the
 * reader's CPU time as a share of one core, measured two ways: process.cpuUsage() from the
 * moment the port is open (steady state), and GNU time over the whole process (with start-up).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitAtTelegramStarts } from '../../main/p1/sources/replay-pacing.js';
import { telegramFromLines } from '../support/crc-reference.js';
import { haveSocat, PtyCable } from '../support/socat-pty.js';

const here = dirname(fileURLToPath(import.meta.url));
const readerScript = resolve(here, '../support/p1-live-reader.js');
const recording = resolve(here, '../../../../shared/fixtures/p1/fluvius-50216-3phase-20min.txt');

function telegrams(): Uint8Array[] {
  if (existsSync(recording)) return splitAtTelegramStarts(readFileSync(recording));
  // without ../shared: a synthetic telegram of the same shape, good enough for a CPU figure
  return Array.from({ length: 60 }, (_, i) => Buffer.from(telegramFromLines('FLU5\\253769484_A', [
    '0-0:96.1.4(50217)', `0-0:1.0.0(2401122318${String(i).padStart(2, '0')}W)`, '1-0:1.8.1(000116.372*kWh)', '1-0:1.7.0(00.401*kW)',
  ]), 'latin1'));
}

export async function bench(): Promise<void> {
  if (!haveSocat) {
    console.log('skipped: socat is not installed (apt-get install socat)');
    return;
  }
  const seconds = Number(process.env.P1_LIVE_SECONDS ?? 60);
  const cable = new PtyCable(mkdtempSync(join(tmpdir(), 'p1-live-')));
  await cable.plugIn();
  const gnuTime = spawnSync('/usr/bin/time', ['-f', '%U', 'true']).status === 0;
  const command = gnuTime ? '/usr/bin/time' : process.execPath;
  const args = [...(gnuTime ? ['-f', 'gnu-time %U %S %e %M', process.execPath] : []), readerScript, cable.meterPath, String(seconds)];
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', resolveExit));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const lines = createInterface({ input: child.stdout });
  const events: Array<Record<string, number | string>> = [];
  const opened = new Promise<void>((resolveOpen) => {
    lines.on('line', (line) => {
      const event = JSON.parse(line) as Record<string, number | string>;
      events.push(event);
      if (event.event === 'open') resolveOpen();
    });
  });
  // a reader that dies before opening the port must not leave the bench waiting forever
  if (await Promise.race([opened.then(() => 'open'), exited.then(() => 'exited')]) === 'exited') {
    await cable.pullOut();
    console.log(`reader exited before opening the port: ${stderr.trim()}`);
    return;
  }

  // one telegram a second, on absolute times so the pace does not drift, until the reader is done
  const all = telegrams();
  const start = performance.now();
  let sent = 0;
  let finished = false;
  void exited.then(() => { finished = true; });
  while (!finished) {
    cable.write(all[sent % all.length]!);
    sent++;
    const wait = start + sent * 1000 - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await exited;
  await cable.pullOut();

  const done = events.find((e) => e.event === 'done');
  if (!done) {
    console.log(`reader failed: ${stderr.trim()}`);
    return;
  }
  const cpuMs = Number(done.userMs) + Number(done.systemMs);
  const wallMs = Number(done.wallMs);
  console.log(`fed ${sent} telegrams at 1/s through a pty; the reader accepted ${done.ok}, refused ${done.refused}`);
  console.log(`steady state (process.cpuUsage after open): ${cpuMs.toFixed(0)} ms CPU in ${(wallMs / 1000).toFixed(1)} s `
    + `= ${((100 * cpuMs) / wallMs).toFixed(3)}% of one core (user ${Number(done.userMs).toFixed(0)} ms, system ${Number(done.systemMs).toFixed(0)} ms), `
    + `${(cpuMs / Math.max(1, Number(done.ok))).toFixed(2)} ms per telegram, max RSS ${(Number(done.maxRssKb) / 1024).toFixed(0)} MB`);
  const timeLine = /gnu-time ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
  if (timeLine) {
    const [user, system, elapsed] = timeLine.slice(1, 4).map(Number) as [number, number, number];
    console.log(`whole process with start-up (GNU time): user ${user.toFixed(2)} s + system ${system.toFixed(2)} s over ${elapsed.toFixed(1)} s `
      + `= ${((100 * (user + system)) / elapsed).toFixed(2)}% of one core`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await bench();
