/**
 * Loaded into a process under test with `node --import .../memory-sampler.js` (the soak puts it in
 * NODE_OPTIONS): every DM_SAMPLE_MS (default 10 000) it appends one JSON line to the file named by
 * DM_SAMPLE_FILE with the process's own figures: resident set, V8 heap used and total, open file
 * descriptors (/proc/self/fd). With --expose-gc it collects first, so the heap figure is what is
 * still alive (not where the collector happened to be). The program under test is not changed;
 * the sampler's own timer is unref'd so it never keeps the process alive.
 */
import { appendFileSync, readdirSync } from 'node:fs';

const file = process.env.DM_SAMPLE_FILE;
if (file) {
  const every = Number(process.env.DM_SAMPLE_MS ?? 10_000);
  const collect = (globalThis as { gc?: () => void }).gc;
  const sample = () => {
    collect?.();
    const memory = process.memoryUsage();
    let fds = -1;
    try { fds = readdirSync('/proc/self/fd').length; } catch { /* not Linux: no count */ }
    appendFileSync(file, `${JSON.stringify({ at: Date.now(), rss: memory.rss, heapUsed: memory.heapUsed, heapTotal: memory.heapTotal, fds })}\n`);
  };
  setInterval(sample, every).unref();
}
