import { request } from 'undici';
import { backoffDelay, DEFAULT_BACKOFF } from '../bus/backoff.js';
import type { TimerHandle, Timers } from '../p1/sources/timers.js';
import { socAtPath } from './soc.js';

/**
 * A car's state of charge from a vehicle bridge answering JSON over HTTP (config
 * ev.cars[].socSource type http). Thin: it fetches, reads the path, and hands a percentage or
 * the reason there is none to its caller, who owns the SocTracker.
 */
export interface HttpSocSourceOptions {
  url: string;
  path: string;
  intervalMs: number;
  timers: Timers;
  onValue(percent: number): void;
  onProblem(message: string): void;
  timeoutMs?: number;
}

export function startHttpSocSource(options: HttpSocSourceOptions): () => void {
  let timer: TimerHandle | null = null;
  let failures = 0;
  let stopped = false;
  const shown = new URL(options.url).host;
  const once = async (): Promise<void> => {
    let delay = options.intervalMs;
    try {
      const response = await request(options.url, { method: 'GET', headersTimeout: options.timeoutMs ?? 5000, bodyTimeout: options.timeoutMs ?? 5000 });
      const text = await response.body.text();
      if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
      const percent = socAtPath(JSON.parse(text) as unknown, options.path);
      if (percent === null) throw new Error(`no percentage at "${options.path}" in the answer`);
      failures = 0;
      options.onValue(percent);
    } catch (error) {
      options.onProblem(`state of charge from ${shown}: ${(error as Error).message}`);
      delay = Math.min(options.intervalMs, backoffDelay(failures++, DEFAULT_BACKOFF));
    }
    if (!stopped) timer = options.timers.setTimeout(() => void once(), delay);
  };
  void once();
  return () => {
    stopped = true;
    if (timer !== null) options.timers.clearTimeout(timer);
  };
}
