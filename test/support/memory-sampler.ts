/**
 * Loaded into a process under test with `node --import .../memory-sampler.js` (the soak puts it in
 * NODE_OPTIONS): every DM_SAMPLE_MS (default 10 000) it appends one JSON line to the file named by
 * DM_SAMPLE_FILE with the process's own figures: resident set, V8 heap used and total, open file
 * descriptors (/proc/self/fd), memory V8 knows of outside its heap (external, of it arrayBuffers) and the
 * resident set split into anonymous and file-backed pages (Linux). With --expose-gc it collects first, so the heap figure is what is
 * still alive (not where the collector happened to be). The program under test is not changed;
 * the sampler's own timer is unref'd so it never keeps the process alive.
 */
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';

/** The resident set split as the kernel counts it (/proc/self/status, kB): anonymous memory (heap,
 * malloc arenas, native buffers) and file-backed pages (the binary, shared libraries, mapped files). */
function residentSplit(): { rssAnon: number; rssFile: number } | Record<string, never> {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rssAnon: kb('RssAnon'), rssFile: kb('RssFile') };
  } catch { return {}; }
}

const file = process.env.DM_SAMPLE_FILE;
if (file) {
  const every = Number(process.env.DM_SAMPLE_MS ?? 10_000);
  const collect = (globalThis as { gc?: () => void }).gc;
  const sample = () => {
    collect?.();
    const memory = process.memoryUsage();
    let fds = -1;
    try { fds = readdirSync('/proc/self/fd').length; } catch { /* not Linux: no count */ }
    appendFileSync(file, `${JSON.stringify({ at: Date.now(), rss: memory.rss, heapUsed: memory.heapUsed, heapTotal: memory.heapTotal, external: memory.external, arrayBuffers: memory.arrayBuffers, ...residentSplit(), fds })}\n`);
  };
  setInterval(sample, every).unref();
}
