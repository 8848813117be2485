/**
 * Telegrams written from the e-MUCS 1.7 specification (lines sealed with the test's own CRC),
 * through the real parser into the peak monitor: a start mid-quarter on a meter that sends
 * 1-0:1.4.0, 1-0:1.6.0 and 0-0:98.1.0 (newest first, as the specification's example, with a
 * placeholder month).
 */
import { describe, expect, it } from 'vitest';
import { parseFrame } from '../../main/p1/parse.js';
import { PeakMonitor } from '../../main/peak/peak-monitor.js';
import type { Telegram } from '../../shared/p1/telegram.js';
import { telegramFromLines } from '../support/crc-reference.js';

function frame(time: string, t1: string, quarterKw: string, powerKw: string): Telegram {
  const text = telegramFromLines('FLU5\\253769484_A', [
    '0-0:96.1.4(50217)',
    '0-0:96.1.1(3153414733313030333438373435)',
    `0-0:1.0.0(${time})`,
    `1-0:1.8.1(${t1}*kWh)`,
    '1-0:1.8.2(000500.000*kWh)',
    '1-0:2.8.1(000000.000*kWh)',
    '1-0:2.8.2(000000.000*kWh)',
    '0-0:96.14.0(0001)',
    `1-0:1.4.0(${quarterKw}*kW)`,
    '1-0:1.6.0(230307190000W)(03.100*kW)',
    '0-0:98.1.0(3)(1-0:1.6.0)(1-0:1.6.0)(230301000000W)(230214124500W)(02.100*kW)(632525252525W)(632525252525W)(00.000*kW)(230201000000W)(230114124500W)(03.332*kW)',
    `1-0:1.7.0(${powerKw}*kW)`,
    '1-0:2.7.0(00.000*kW)',
  ]);
  const parsed = parseFrame(Buffer.from(text, 'latin1'));
  if (!parsed.ok) throw new Error(`test frame refused: ${parsed.error} ${parsed.detail}`);
  return parsed.telegram;
}

describe('peak monitor on telegrams from the specification', () => {
  it('seeds from 1.4.0, targets the 1.6.0 month peak, and reads the closed months from 98.1.0', () => {
    const peaks = new PeakMonitor({ minimumKw: 2.5, pricePerKwYear: 50 });
    // 10:05:00 winter time = 09:05:00 UTC, 300 s into the quarter; 1.4.0 = 0.800 -> E = 0.200 kWh
    const s = peaks.update(frame('230310100500W', '001000.000', '00.800', '02.000')).state!;
    expect(s.quarterStart).toBe(Date.parse('2023-03-10T09:00:00Z'));
    expect(s.energySource).toBe('meter-1.4.0+counters');
    expect(s.energySoFarKwh).toBeCloseTo(0.2, 9);
    expect(s.monthPeakKw).toBe(3.1);
    expect(s.targetKw).toBe(3.1);
    expect(s.forecastKw).toBeCloseTo(2.133333, 5); // 4 (0.2 + 2 x 600/3600)
    expect(s.allowedKw).toBeCloseTo(3.45, 9); // (0.775 - 0.2) x 3600 / 600
    expect(s.gapKw).toBeCloseTo(1.45, 9);
    expect(s.shedNowKw).toBe(0);

    // five minutes later: 0.350 kWh more, P = 5 kW -> E = 0.550, t = 600
    // F = 4 (0.55 + 5 x 300/3600) = 3.866667; A = 0.225 x 12 = 2.7; G = -2.3 -> shed 2.3
    const later = peaks.update(frame('230310101000W', '001000.350', '02.200', '05.000')).state!;
    expect(later.energySoFarKwh).toBeCloseTo(0.55, 9);
    expect(later.forecastKw).toBeCloseTo(3.866667, 5);
    expect(later.allowedKw).toBeCloseTo(2.7, 9);
    expect(later.shedNowKw).toBeCloseTo(2.3, 9);

    const m = peaks.monthState()!;
    expect(m.current).toMatchObject({ month: '2023-03', meterPeakKw: 3.1, meterPeakTime: Date.parse('2023-03-07T18:00:00Z') });
    expect(m.closed.map((c) => [c.month, c.meterPeakKw, c.meterPeakTime])).toEqual([
      ['2023-01', 3.332, Date.parse('2023-01-14T11:45:00Z')],
      ['2023-02', 2.1, Date.parse('2023-02-14T11:45:00Z')],
    ]);
    // (3.332 + 2.5 [2.1 counted as the minimum] + 3.1) / 3
    expect(m.rollingAverageKw).toBeCloseTo(2.977333, 5);
    expect(m.costOfOneMoreKwEur).toBeCloseTo(4.166667, 5);
  });
});

describe('quarters across the autumn clock change (the repeated hour)', () => {
  function minimal(time: string, t1: string): Telegram {
    const text = telegramFromLines('FLU5\\253769484_A', [
      '0-0:96.1.4(50217)', `0-0:1.0.0(${time})`, `1-0:1.8.1(${t1}*kWh)`, '1-0:1.8.2(000500.000*kWh)', '1-0:1.7.0(01.000*kW)',
    ]);
    const parsed = parseFrame(Buffer.from(text, 'latin1'));
    if (!parsed.ok) throw new Error(`test frame refused: ${parsed.error} ${parsed.detail}`);
    return parsed.telegram;
  }

  it('02:45-03:00 summer time is followed by 02:00-02:15 winter time, both complete', () => {
    const peaks = new PeakMonitor();
    const closed = [
      ...peaks.update(minimal('241027024500S', '002000.000')).closed, // 00:45:00 UTC
      ...peaks.update(minimal('241027025959S', '002000.299')).closed, // 00:59:59 UTC
      ...peaks.update(minimal('241027020000W', '002000.300')).closed, // 01:00:00 UTC
      ...peaks.update(minimal('241027021500W', '002000.700')).closed, // 01:15:00 UTC
    ];
    expect(closed).toEqual([
      { start: Date.parse('2024-10-27T00:45:00Z'), end: Date.parse('2024-10-27T01:00:00Z'), averageKw: 1.2, complete: true },
      { start: Date.parse('2024-10-27T01:00:00Z'), end: Date.parse('2024-10-27T01:15:00Z'), averageKw: 1.6, complete: true },
    ]);
  });
});
