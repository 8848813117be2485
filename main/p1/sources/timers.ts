/**
 * The clock and timers a source uses, injected so that backoff, silence detection and replay
 * pacing can be tested by advancing a fake clock instead of waiting.
 */
export type TimerHandle = unknown;

export interface Timers {
  /** epoch milliseconds */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
