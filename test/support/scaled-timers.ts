import type { Timers } from '../../main/p1/sources/timers.js';

/**
 * Real timers on a clock that runs `factor` times faster: a test through a real pty can keep
 * the production thresholds (10 s of silence, 1-30 s backoff) and still finish in seconds.
 */
export function scaledTimers(factor: number): Timers {
  const realStart = Date.now();
  return {
    now: () => realStart + (Date.now() - realStart) * factor,
    setTimeout: (fn, ms) => setTimeout(fn, ms / factor),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
}

/** Wait (really) until `condition` holds, failing with `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
