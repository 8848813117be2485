import type { FrameResult } from '../../shared/p1/telegram.js';
import { TelegramDecoder } from '../p1/decoder.js';
import type { SimulatedMeter } from '../p1/simulator/meter.js';

/**
 * Fill a demo's past: the simulated meter lives every second up to `until` (its model and
 * counters exact), but only one telegram every `stepS` seconds is made and sent through the real
 * decoder to `handle` (the pipeline). Steps divide a quarter hour and start on a multiple of
 * the step, so there is a reading on every quarter and day boundary: the quarters are complete
 * and the days exact, at a fraction of the cost of 3 million telegrams for 35 days.
 */
export function fillHistory(meter: SimulatedMeter, until: number, stepS: number, handle: (result: FrameResult, raw: Uint8Array) => void): number {
  if (900 % stepS !== 0) throw new RangeError(`the history step must divide 900 s (got ${stepS})`);
  const stepMs = stepS * 1000;
  const decoder = new TelegramDecoder(handle);
  let sent = 0;
  const misalignment = meter.time % stepMs;
  if (misalignment !== 0) meter.advance(Math.min((stepMs - misalignment) / 1000, Math.max(0, (until - meter.time) / 1000)));
  while (meter.time <= until) {
    decoder.feed(meter.next());
    sent++;
    const rest = Math.min(stepS - 1, Math.floor((until - meter.time) / 1000));
    if (rest > 0) meter.advance(rest);
    else if (rest < 0) break;
  }
  decoder.end();
  return sent;
}
