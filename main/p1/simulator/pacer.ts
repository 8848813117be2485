/**
 * Sends a simulated meter's telegrams to a sink at a chosen speed. Telegram n is due at
 * origin + n / speed seconds on the monotonic clock, so pacing never drifts (a late wake-up
 * sends what is due at once); between telegrams it sleeps on a timer, never spins. With
 * speed 'max' it sends batches as fast as the sink drains. The bytes never depend on speed:
 * the meter generates, the pacer only decides when.
 */
import { setTimeout as sleep, setImmediate as yieldToLoop } from 'node:timers/promises';
import type { SimulatedMeter } from './meter.js';

export interface TelegramSink {
  /** Take a chunk (owned by the sink from now on); false = wait for drained() before more. */
  write(chunk: Uint8Array): boolean;
  drained(): Promise<void>;
}

export interface PaceOptions {
  /** simulated seconds per real second, or 'max' */
  speed: number | 'max';
  /** telegrams to send; Infinity for no end */
  count: number;
  signal?: AbortSignal;
  /** monotonic clock in ms (tests inject one) */
  now?: () => number;
  /** wait about `ms` (tests inject one; default a timer that the signal cancels) */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const timerSleep = (ms: number, signal?: AbortSignal) => sleep(ms, undefined, signal ? { signal } : undefined);

/** A batch is at most this many bytes, so a fast run hands the sink 64 KB writes. */
const BATCH_BYTES = 64 * 1024;

/** Send telegrams until `count` are sent or the signal aborts; resolves to the number sent. */
export async function paceTelegrams(meter: SimulatedMeter, sink: TelegramSink, options: PaceOptions): Promise<number> {
  const { speed, count, signal } = options;
  if (speed !== 'max' && !(speed > 0)) throw new RangeError(`speed must be > 0 or 'max' (got ${speed})`);
  const now = options.now ?? (() => performance.now());
  const wait = options.sleep ?? timerSleep;
  const origin = now();
  const staging = new Uint8Array(BATCH_BYTES + 16 * 1024);
  let sent = 0;
  while (sent < count && !signal?.aborted) {
    const due = speed === 'max' ? count : Math.min(count, Math.floor(((now() - origin) * speed) / 1000) + 1);
    if (due <= sent && speed !== 'max') {
      const wakeAt = origin + (sent * 1000) / speed;
      try {
        await wait(Math.max(1, wakeAt - now()), signal);
      } catch {
        break; // aborted
      }
      continue;
    }
    let length = 0;
    while (sent < due && length < BATCH_BYTES) {
      const telegram = meter.next();
      staging.set(telegram, length);
      length += telegram.length;
      sent++;
    }
    if (!sink.write(staging.slice(0, length))) await sink.drained();
    // let sockets, signals and timers run even when the sink never pushes back
    if (speed === 'max') await yieldToLoop();
  }
  return sent;
}
