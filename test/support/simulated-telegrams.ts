/**
 * Runs a simulated meter through the product's own decoder, so simulator tests check what a
 * reader of the bytes would see, not the simulator's internals.
 */
import type { Telegram } from '../../shared/p1/telegram.js';
import { TelegramDecoder } from '../../main/p1/decoder.js';
import type { SimulatedMeter } from '../../main/p1/simulator/meter.js';

export interface Decoded {
  telegrams: Telegram[];
  refused: string[];
}

/** Decode `seconds` telegrams from the meter (feeding byte chunks as a serial line would). */
export function decodeSeconds(meter: SimulatedMeter, seconds: number): Decoded {
  const out: Decoded = { telegrams: [], refused: [] };
  const decoder = new TelegramDecoder((result) => {
    if (result.ok) out.telegrams.push(result.telegram);
    else out.refused.push(result.error);
  });
  for (let i = 0; i < seconds; i++) decoder.feed(meter.next());
  decoder.end();
  return out;
}

/** Sum of 1.8.1 + 1.8.2 in Wh (integers: the meter shows whole Wh). */
export const importWh = (t: Telegram) => Math.round((t.importKwh!.t1! + t.importKwh!.t2!) * 1000);
export const exportWh = (t: Telegram) => Math.round((t.exportKwh!.t1! + t.exportKwh!.t2!) * 1000);
/** 1.7.0 / 2.7.0 in W (the meter shows whole W). */
export const importW = (t: Telegram) => Math.round(t.powerKw!.import! * 1000);
export const exportW = (t: Telegram) => Math.round(t.powerKw!.export! * 1000);
