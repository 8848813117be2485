/**
 * The reader process measured by test/bench/p1-live-cpu.ts: the serial source and the P1
 * reader service, exactly as `serve` uses them, on a given port for a given time. Prints one
 * JSON line with the CPU it spent once the port was open (start-up excluded), then exits.
 *   node dist/test/support/p1-live-reader.js /tmp/x/meter 60
 */
import { P1Reader } from '../../main/p1/reader.js';
import { createSerialSource } from '../../main/p1/sources/serial.js';

const [path, secondsText] = process.argv.slice(2);
if (!path) {
  process.stderr.write('usage: p1-live-reader.js SERIAL-PORT [SECONDS]\n');
  process.exit(64);
}
const seconds = Number(secondsText ?? 60);
const reader = new P1Reader(createSerialSource({ path }));
let baseline: NodeJS.CpuUsage | null = null;
let openedAt = 0;
reader.onStatus((status) => {
  if (status.state === 'open' && baseline === null) {
    baseline = process.cpuUsage();
    openedAt = performance.now();
    process.stdout.write(JSON.stringify({ event: 'open' }) + '\n');
    setTimeout(() => void finish(), seconds * 1000);
  }
});
reader.start();

async function finish(): Promise<void> {
  const cpu = process.cpuUsage(baseline!);
  const wallMs = performance.now() - openedAt;
  const counts = reader.counts();
  await reader.stop();
  process.stdout.write(JSON.stringify({
    event: 'done', wallMs, userMs: cpu.user / 1000, systemMs: cpu.system / 1000,
    ok: counts.ok, refused: counts.refused, maxRssKb: process.resourceUsage().maxRSS,
  }) + '\n');
}
