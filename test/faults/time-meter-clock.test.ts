/**
 * A meter clock set wrong by the grid operator and then corrected, through the real pipeline
 * (ledger, quarter tracker, SQLite store): what is booked for the time the clock ran ahead and
 * for the hour it went back, when the pipeline skips telegrams at or before its last stored time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../main/log/logger.js';
import { openPipeline } from '../../main/pipeline/open-pipeline.js';
import { ratesSchema } from '../../main/tariff/rates-schema.js';
import type { Telegram } from '../../shared/p1/telegram.js';

const dir = mkdtempSync(join(tmpdir(), 'dm-meter-clock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rates = ratesSchema.parse({ Electricity: { registers: { 1: 'Day', 2: 'Night' }, '+': { Day: 0.3, Night: 0.2 }, '-': { Day: 0.05, Night: 0.05 } } });

/** A telegram at meter time `time` with import register 1 at `wh` Wh (everything else 0). */
function telegram(time: number, wh: number): Telegram {
  return {
    header: 'TEST', version: '50217', equipmentId: null, time, tariff: 1,
    importKwh: { t1: wh / 1000, t2: 0 }, exportKwh: { t1: 0, t2: 0 }, powerKw: { import: 3.6, export: 0 },
    phases: [], quarterAverageKw: null, monthPeak: null, peakHistory: [], breaker: null, limiterKw: null,
    fuseA: null, message: null, other: [], warnings: [], mbus: [],
  };
}

describe('the meter clock set an hour ahead by the grid operator, then corrected', () => {
  it('books every Wh the counters moved: the ten minutes ahead at the times the meter said, the hour it went back when the meter time passes its last stored one', () => {
    const opened = openPipeline({ dbFile: join(dir, 'jump.sqlite'), rates, log: silentLogger(), exportDir: null });
    const { pipeline, ledger } = opened;
    // Wednesday 14 January 2026, 10:00:00 Brussels = 09:00:00 UTC; the house draws 3.6 kW = 1 Wh per second
    const real0 = Date.UTC(2026, 0, 14, 9, 0, 0);
    const HOUR = 3_600_000;
    const feed = (realSecond: number, meterTime: number) => pipeline.handle({ ok: true, telegram: telegram(meterTime, 1_000_000 + realSecond), offset: 0 }, new Uint8Array([realSecond & 255]));
    // 10:00:00-10:10:00 right (601 telegrams, counters 1 000 000 -> 1 000 600 Wh)
    for (let s = 0; s <= 600; s++) feed(s, real0 + s * 1000);
    // 10:10:01-10:20:00 real: the clock an hour ahead (the meter says 11:10:01-11:20:00)
    for (let s = 601; s <= 1200; s++) feed(s, real0 + s * 1000 + HOUR);
    // from 10:20:01 real the clock is right again, until 12:00:00 real (counters 1 007 200 Wh)
    for (let s = 1201; s <= 7200; s++) feed(s, real0 + s * 1000);
    pipeline.flush();
    const day = ledger.day('2026-01-14')!;
    // by hand: the counters moved 7 200 Wh between 10:00:00 and 12:00:00 real; nothing may be lost
    // (before the fix: 3 599 Wh, the hour it went back and one second refused as a counter jump)
    console.log(`meter clock +1 h then corrected: booked ${day.importWh[0]} Wh of the 7200 Wh the counters moved; ${pipeline.counts.skipped} telegrams skipped`);
    expect(day.importWh[0] + day.importWh[1]).toBe(7200);
    // the hour it went back: the telegrams of 10:20:01-11:20:00 (meter time at or before the last
    // stored 11:20:00) are skipped, 3600 of them; their energy is booked with the first telegram after
    expect(pipeline.counts.skipped).toBe(3600);
    // priced: 7.2 kWh x 0.30 = 2.16 EUR
    expect(day.importEur).toBeCloseTo(2.16, 6);
    // the quarter tracker cannot know when in the hour that energy came: the quarter it lands in
    // is incomplete (no capacity peak from it); every complete quarter is the house's 3.6 kW
    const complete = pipeline.quarters.filter((q) => q.complete);
    expect(complete.length).toBeGreaterThan(0);
    expect(complete.filter((q) => Math.abs(q.averageKw - 3.6) > 0.01)).toEqual([]);
    // 11:15-11:30 Brussels (10:15 UTC), where the meter time passed its last stored one again
    expect(pipeline.quarters.some((q) => !q.complete && q.start === Date.UTC(2026, 0, 14, 10, 15))).toBe(true);
    expect(complete.map((q) => new Date(q.start).toISOString().slice(11, 16))).toEqual(['10:30', '10:45']);
    opened.close();
  });
});
