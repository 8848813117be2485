import type { PowerSample } from '../../shared/dashboard/state.js';
import type { Telegram } from '../../shared/p1/telegram.js';
import { TelegramDecoder } from '../p1/decoder.js';

/**
 * The last 15 minutes of meter time, one sample per telegram, for the live power chart of a
 * dashboard that connects (later samples reach it as deltas). A fixed ring: no growth.
 */
export class PowerHistory {
  private readonly ring: (PowerSample | undefined)[];
  private next = 0;

  constructor(private readonly spanMs = 900_000, capacity = 1000) {
    this.ring = new Array<PowerSample | undefined>(capacity);
  }

  add(t: Telegram): void {
    if (t.time === null || !t.powerKw) return;
    this.ring[this.next] = {
      time: t.time,
      importKw: t.powerKw.import ?? 0,
      exportKw: t.powerKw.export ?? 0,
      phasesKw: t.phases.map((p) => (p.importKw ?? 0) - (p.exportKw ?? 0)),
    };
    this.next = (this.next + 1) % this.ring.length;
  }

  /**
   * The span before `last` from the store's ring of raw telegrams (oldest first), so the chart
   * of a page opened right after a start is not empty: the store keeps 48 hours of them.
   */
  fill(batches: Iterable<Uint8Array>, last: number): number {
    let added = 0;
    const decoder = new TelegramDecoder((result) => {
      const time = result.ok ? result.telegram.time : null;
      if (result.ok && time !== null && time > last - this.spanMs && time <= last) {
        this.add(result.telegram);
        added++;
      }
    });
    for (const batch of batches) decoder.feed(batch);
    decoder.end();
    return added;
  }

  /** Samples within the span before the newest one, oldest first. */
  samples(): PowerSample[] {
    const out: PowerSample[] = [];
    for (let i = 0; i < this.ring.length; i++) {
      const s = this.ring[(this.next + i) % this.ring.length];
      if (s) out.push(s);
    }
    const newest = out.at(-1)?.time;
    return newest === undefined ? out : out.filter((s) => s.time > newest - this.spanMs);
  }
}
