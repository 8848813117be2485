/**
 * The controls tests and controllers use: inject a load, set PV, set EV power, jump the clock,
 * corrupt or drop bytes; and the meter clock across daylight saving changes.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedMeter } from '../../main/p1/simulator/meter.js';
import { TelegramDecoder } from '../../main/p1/decoder.js';
import type { FrameResult } from '../../shared/p1/telegram.js';
import { decodeSeconds, exportW, importW } from '../support/simulated-telegrams.js';

const at = (iso: string) => Date.parse(iso);
const night = at('2025-01-15T02:00:00Z'); // no PV, quiet house

describe('controls', () => {
  it('injectLoad adds exactly that power for exactly that long', () => {
    const plain = decodeSeconds(new SimulatedMeter({ seed: 1, start: night }), 90).telegrams;
    const meter = new SimulatedMeter({ seed: 1, start: night });
    decodeSeconds(meter, 10);
    meter.injectLoad(3, 60);
    const withLoad = [...plain.slice(0, 10), ...decodeSeconds(meter, 80).telegrams];
    const added = withLoad.map((t, i) => importW(t) - importW(plain[i]!));
    expect(added.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(added.slice(10, 70)).toEqual(Array(60).fill(3000));
    expect(added.slice(70)).toEqual(Array(20).fill(0));
  });

  it('setEvPower draws three-phase on 3x400 and stops at 0', () => {
    const meter = new SimulatedMeter({ seed: 1, start: night });
    const before = decodeSeconds(meter, 1).telegrams[0]!;
    meter.setEvPower(11);
    const charging = decodeSeconds(meter, 1).telegrams[0]!;
    expect(importW(charging) - importW(before)).toBeGreaterThan(10_900);
    expect(importW(charging) - importW(before)).toBeLessThan(11_100);
    for (const phase of charging.phases) expect(phase.currentA!).toBeGreaterThan(15);
    meter.setEvPower(0);
    expect(importW(decodeSeconds(meter, 1).telegrams[0]!)).toBeLessThan(1500);
  });

  it('setPv forces the PV output and null hands it back to the weather', () => {
    const [plain] = decodeSeconds(new SimulatedMeter({ seed: 1, start: night }), 1).telegrams;
    const meter = new SimulatedMeter({ seed: 1, start: night });
    meter.setPv(5);
    const sunnyNight = decodeSeconds(meter, 1).telegrams[0]!;
    expect(importW(plain!) - exportW(plain!) - (importW(sunnyNight) - exportW(sunnyNight))).toBe(5000);
    meter.setPv(null);
    expect(exportW(decodeSeconds(meter, 1).telegrams[0]!)).toBe(0);
  });

  it('jumpClock moves forward without energy, closing the quarter and the month it leaves', () => {
    const meter = new SimulatedMeter({ seed: 1, start: at('2025-01-31T21:50:00Z') });
    const [first] = decodeSeconds(meter, 600).telegrams;
    meter.jumpClock(at('2025-02-03T12:00:00Z'));
    const [after] = decodeSeconds(meter, 1).telegrams;
    expect(after!.time).toBe(at('2025-02-03T12:00:00Z'));
    expect(after!.importKwh!.t1! + after!.importKwh!.t2!).toBeLessThan(first!.importKwh!.t1! + first!.importKwh!.t2! + 1);
    expect(after!.peakHistory).toHaveLength(1);
    expect(after!.peakHistory[0]!.month).toBe(at('2025-01-31T23:00:00Z'));
    expect(after!.quarterAverageKw).toBe(0);
    expect(() => meter.jumpClock(at('2025-02-01T00:00:00Z'))).toThrow(/only moves forward/);
  });

  it('corruptNextBytes makes exactly one telegram fail its CRC', () => {
    const meter = new SimulatedMeter({ seed: 1, start: night });
    const results: FrameResult[] = [];
    const decoder = new TelegramDecoder((r) => results.push(r));
    decoder.feed(meter.next());
    meter.corruptNextBytes(1, 200);
    decoder.feed(meter.next());
    decoder.feed(meter.next());
    decoder.end();
    expect(results.map((r) => (r.ok ? 'ok' : r.error))).toEqual(['ok', 'crc-mismatch', 'ok']);
  });

  it('dropNextBytes loses a frame start: the reader skips to the next telegram', () => {
    const meter = new SimulatedMeter({ seed: 1, start: night });
    const results: FrameResult[] = [];
    const decoder = new TelegramDecoder((r) => results.push(r));
    meter.dropNextBytes(5);
    for (let i = 0; i < 3; i++) decoder.feed(meter.next());
    decoder.end();
    expect(results.filter((r) => r.ok).map((r) => r.ok && r.telegram.time)).toEqual([night + 1000, night + 2000]);
  });

  it('dropNextBytes in the middle of a telegram truncates it without swallowing the next', () => {
    const meter = new SimulatedMeter({ seed: 1, start: night });
    const results: FrameResult[] = [];
    const decoder = new TelegramDecoder((r) => results.push(r));
    meter.dropNextBytes(300, 100);
    for (let i = 0; i < 2; i++) decoder.feed(meter.next());
    decoder.end();
    expect(results.map((r) => (r.ok ? 'ok' : 'refused'))).toEqual(['refused', 'ok']);
  });

  it('rejects nonsense with a message naming the control', () => {
    const meter = new SimulatedMeter({ seed: 1, start: night });
    expect(() => meter.setEvPower(-1)).toThrow(/setEvPower/);
    expect(() => meter.injectLoad(2, 0)).toThrow(/injectLoad/);
    expect(() => meter.corruptNextBytes(0)).toThrow(/corrupt/);
  });
});

describe('meter clock and daylight saving time', () => {
  it('spring: 01:59:59W is followed by 03:00:00S, one second later', () => {
    const meter = new SimulatedMeter({ seed: 1, start: at('2025-03-30T00:59:58Z') });
    const raw = [0, 1, 2].map(() => Buffer.from(meter.next()).toString('latin1').match(/0-0:1\.0\.0\((\w+)\)/)![1]);
    expect(raw).toEqual(['250330015958W', '250330015959W', '250330030000S']);
  });

  it('autumn: 02:59:59S is followed by 02:00:00W and times keep rising through the decoder', () => {
    const meter = new SimulatedMeter({ seed: 1, start: at('2025-10-26T00:59:59Z') });
    const raw = [0, 1].map(() => Buffer.from(meter.next()).toString('latin1').match(/0-0:1\.0\.0\((\w+)\)/)![1]);
    expect(raw).toEqual(['251026025959S', '251026020000W']);
    const { telegrams, refused } = decodeSeconds(new SimulatedMeter({ seed: 1, start: at('2025-10-26T00:30:00Z') }), 3600);
    expect(refused).toEqual([]);
    for (let i = 1; i < telegrams.length; i++) expect(telegrams[i]!.time! - telegrams[i - 1]!.time!).toBe(1000);
  });
});
