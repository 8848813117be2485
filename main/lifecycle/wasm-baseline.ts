import { setFlagsFromString } from 'node:v8';

/**
 * Keep WebAssembly (the site plan's HiGHS solver) on V8's baseline compiler, Liftoff, for a process
 * that runs for months. With V8's default tiering, functions of the solver that turn hot are
 * compiled again by the optimizing compiler on a worker thread, and each such compile holds 20-40 MB
 * of malloc for a moment; glibc keeps those pages in its per-thread arenas, so the meter's resident
 * set rose in steps of 10-70 MB whenever a plan reached a new high-water mark (82 -> 167 MB in six
 * minutes of a 60x soak, heap flat). Liftoff alone: 93 -> 105 MB in the same run. The price is
 * slower solver code; a 48 h plan is still a small LP. Call before the solver is first loaded:
 * V8 reads the flag when it compiles the module.
 */
export function keepWebAssemblyOnBaselineCompiler(): void {
  setFlagsFromString('--liftoff-only');
}
