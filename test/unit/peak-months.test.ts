import { describe, expect, it } from 'vitest';
import { PeakMonitor } from '../../main/peak/peak-monitor.js';
import { readMeterHistory } from '../../main/peak/meter-history.js';
import { costOfRaisingPeakEur, rollingAverageKw, yearlyCapacityCostEur } from '../../main/peak/capacity-cost.js';
import type { ClosedMonthPeak } from '../../shared/p1/telegram.js';
import type { PeakEvent } from '../../shared/peak/events.js';
import { ms, peakTelegram as tg } from '../support/peak-telegrams.js';

function disagreements(events: PeakEvent[]): PeakEvent[] {
  return events.filter((e) => e.type === 'month-peak-disagreement');
}

describe('month rollover in Brussels time', () => {
  it('a month boundary in summer time: April starts at 22:00 UTC on 31 March', () => {
    const peaks = new PeakMonitor({ minimumKw: 2.5 });
    peaks.update(tg({ at: '2024-03-31T21:45:00Z', t1: 100 })); // 23:45 CEST, 31 March
    // 00:00 CEST, 1 April: March's last quarter (0.800 kWh -> 3.2 kW) closes, then March itself
    const april = peaks.update(tg({ at: '2024-03-31T22:00:00Z', t1: 100.8, kw: 1 }));
    expect(april.closed).toEqual([{ start: ms('2024-03-31T21:45:00Z'), end: ms('2024-03-31T22:00:00Z'), averageKw: 3.2, complete: true }]);
    expect(april.events).toContainEqual({ type: 'month-closed', monthStart: ms('2024-02-29T23:00:00Z'), month: '2024-03', peakKw: 3.2 });
    // April has no peak yet: T falls back to the 2.5 kW floor, not March's 3.2
    expect(april.state!.monthPeakKw).toBeNull();
    expect(april.state!.targetKw).toBe(2.5);
    peaks.update(tg({ at: '2024-03-31T22:15:00Z', t1: 101.3 })); // 0.500 kWh -> 2.0 kW in April
    const months = peaks.monthState()!;
    expect(months.current).toMatchObject({ month: '2024-04', monthStart: ms('2024-03-31T22:00:00Z'), ownPeakKw: 2, peakKw: 2 });
    expect(months.closed).toMatchObject([{ month: '2024-03', ownPeakKw: 3.2, ownPeakStart: ms('2024-03-31T21:45:00Z'), ownCompleteQuarters: 1 }]);
  });

  it('a month boundary in winter time: November starts at 23:00 UTC on 31 October', () => {
    const peaks = new PeakMonitor();
    peaks.update(tg({ at: '2024-10-31T22:59:59Z', t1: 100 }));
    expect(peaks.monthState()!.current.month).toBe('2024-10');
    const u = peaks.update(tg({ at: '2024-10-31T23:00:00Z', t1: 100 }));
    expect(peaks.monthState()!.current).toMatchObject({ month: '2024-11', monthStart: ms('2024-10-31T23:00:00Z') });
    expect(u.events).toContainEqual({ type: 'month-closed', monthStart: ms('2024-09-30T22:00:00Z'), month: '2024-10', peakKw: null });
  });
});

// 0-0:98.1.0 entries as the parser gives them: month = the moment the month closed (start of the next).
const jan2023: ClosedMonthPeak = { month: ms('2023-01-31T23:00:00Z'), time: ms('2023-01-14T11:45:00Z'), kw: 3.332 };
const feb2023: ClosedMonthPeak = { month: ms('2023-02-28T23:00:00Z'), time: ms('2023-02-07T18:00:00Z'), kw: 2.1 };
// closes 1 April 00:00 summer time
const mar2023: ClosedMonthPeak = { month: ms('2023-03-31T22:00:00Z'), time: ms('2023-03-20T07:15:00Z'), kw: 4.05 };
const placeholder: ClosedMonthPeak = { month: null, time: null, kw: 0 };

describe('closed months from 0-0:98.1.0', () => {
  const expected = [
    { monthStart: ms('2022-12-31T23:00:00Z'), peakKw: 3.332, peakTime: ms('2023-01-14T11:45:00Z') },
    { monthStart: ms('2023-01-31T23:00:00Z'), peakKw: 2.1, peakTime: ms('2023-02-07T18:00:00Z') },
    { monthStart: ms('2023-02-28T23:00:00Z'), peakKw: 4.05, peakTime: ms('2023-03-20T07:15:00Z') },
  ];

  it('oldest first (real meters), newest first (the specification), and shuffled give the same months', () => {
    expect(readMeterHistory([jan2023, feb2023, mar2023])).toEqual({ months: expected, placeholders: 0 });
    expect(readMeterHistory([mar2023, feb2023, jan2023])).toEqual({ months: expected, placeholders: 0 });
    expect(readMeterHistory([feb2023, mar2023, jan2023])).toEqual({ months: expected, placeholders: 0 });
  });

  it('skips placeholders and leaves gaps as gaps', () => {
    const noTime: ClosedMonthPeak = { month: ms('2023-03-31T22:00:00Z'), time: null, kw: 0 };
    expect(readMeterHistory([placeholder, jan2023, noTime, placeholder])).toEqual({ months: [expected[0]], placeholders: 3 });
    expect(readMeterHistory([])).toEqual({ months: [], placeholders: 0 });
  });

  it('feeds the month panel, the 12-month average with the 2.5 kW floor and the costs', () => {
    const peaks = new PeakMonitor({ minimumKw: 2.5, pricePerKwYear: 50 });
    peaks.update(tg({
      at: '2023-04-10T10:00:00Z', t1: 100,
      monthPeak: { time: ms('2023-04-05T09:00:00Z'), kw: 2.8 },
      history: [mar2023, placeholder, jan2023, feb2023],
    }));
    const m = peaks.monthState()!;
    expect(m.closed.map((c) => [c.month, c.meterPeakKw])).toEqual([['2023-01', 3.332], ['2023-02', 2.1], ['2023-03', 4.05]]);
    expect(m.current).toMatchObject({ month: '2023-04', meterPeakKw: 2.8, peakKw: 2.8 });
    // (3.332 + 2.5 [2.1 counted as the minimum] + 4.05 + 2.8) / 4 known months = 12.682 / 4
    expect(m.monthsKnown).toBe(4);
    expect(m.rollingAverageKw).toBeCloseTo(3.1705, 9);
    expect(m.projectedYearlyCostEur).toBeCloseTo(158.525, 9); // x 50 EUR/kW/yr
    expect(m.costOfOneMoreKwEur).toBeCloseTo(4.166667, 5); // 50 / 12
    expect(peaks.update(tg({ at: '2023-04-10T10:00:01Z', t1: 100 })).state!.targetKw).toBe(2.8);
  });

  it('averages only the 12 months ending with this one', () => {
    // Dec 2022 and Jan 2023 at 9 kW fall outside the window of Jan 2024; Feb..Jun 2023 at 2.0 (counted 2.5),
    // Jul..Dec 2023 at 3.0, Jan 2024 (1.6.0) at 4.0: (5 x 2.5 + 6 x 3.0 + 4.0) / 12 = 34.5 / 12 = 2.875
    const history: ClosedMonthPeak[] = [];
    for (let month = 12; month <= 24; month++) {
      const closes = Date.UTC(2022, month, 1) - 3_600_000 * (month >= 15 && month <= 21 ? 2 : 1);
      const kw = month <= 13 ? 9 : month <= 18 ? 2 : 3;
      history.push({ month: closes, time: closes - 10 * 86_400_000, kw });
    }
    const peaks = new PeakMonitor({ minimumKw: 2.5, pricePerKwYear: 48 });
    peaks.update(tg({ at: '2024-01-20T12:00:00Z', t1: 1, monthPeak: { time: ms('2024-01-08T17:00:00Z'), kw: 4 }, history }));
    const m = peaks.monthState()!;
    expect(m.closed.length).toBe(13);
    expect(m.monthsKnown).toBe(12);
    expect(m.rollingAverageKw).toBeCloseTo(2.875, 9);
    expect(m.projectedYearlyCostEur).toBeCloseTo(138, 9);
    expect(m.costOfOneMoreKwEur).toBeCloseTo(4, 9); // 48 / 12
  });
});

describe('this month: the meter (1-0:1.6.0) against our own complete quarters', () => {
  function monthWithQuarter(meterKw: number, meterAt: string): PeakEvent[] {
    const peaks = new PeakMonitor();
    const events: PeakEvent[] = [];
    const mp = { time: ms(meterAt), kw: meterKw };
    events.push(...peaks.update(tg({ at: '2024-01-10T10:00:00Z', t1: 100 })).events);
    events.push(...peaks.update(tg({ at: '2024-01-10T10:15:00Z', t1: 100.628 })).events); // own: 2.512 kW
    events.push(...peaks.update(tg({ at: '2024-01-10T10:15:01Z', t1: 100.628, monthPeak: mp })).events);
    expect(peaks.monthPeakKw()).toBe(Math.max(2.512, meterKw));
    return disagreements(events);
  }

  it('agrees when the meter stamps the quarter with its end or with its start', () => {
    expect(monthWithQuarter(2.512, '2024-01-10T10:15:00Z')).toEqual([]);
    expect(monthWithQuarter(2.512, '2024-01-10T10:00:00Z')).toEqual([]);
  });

  it('agrees within the counter resolution (0.004 kW), flags beyond it', () => {
    expect(monthWithQuarter(2.516, '2024-01-10T10:15:00Z')).toEqual([]);
    expect(monthWithQuarter(2.508, '2024-01-10T10:00:00Z')).toEqual([]);
    expect(monthWithQuarter(2.52, '2024-01-10T10:15:00Z')).toEqual([{
      type: 'month-peak-disagreement', monthStart: ms('2023-12-31T23:00:00Z'), month: '2024-01',
      meterKw: 2.52, meterTime: ms('2024-01-10T10:15:00Z'), ownKw: 2.512, ownQuarterStart: ms('2024-01-10T10:00:00Z'),
      reason: 'quarter-differs',
    }]);
  });

  it('flags our own quarter above the meter peak once the meter has had a minute to take it in', () => {
    const peaks = new PeakMonitor();
    const mp = { time: ms('2024-01-05T08:00:00Z'), kw: 2.0 };
    peaks.update(tg({ at: '2024-01-10T10:00:00Z', t1: 100, monthPeak: mp }));
    expect(disagreements(peaks.update(tg({ at: '2024-01-10T10:15:00Z', t1: 100.628, monthPeak: mp })).events)).toEqual([]);
    expect(disagreements(peaks.update(tg({ at: '2024-01-10T10:15:59Z', t1: 100.629, monthPeak: mp })).events)).toEqual([]);
    const late = peaks.update(tg({ at: '2024-01-10T10:16:00Z', t1: 100.629, monthPeak: mp }));
    expect(disagreements(late.events)).toEqual([{
      type: 'month-peak-disagreement', monthStart: ms('2023-12-31T23:00:00Z'), month: '2024-01',
      meterKw: 2, meterTime: ms('2024-01-05T08:00:00Z'), ownKw: 2.512, ownQuarterStart: ms('2024-01-10T10:00:00Z'),
      reason: 'own-quarter-higher',
    }]);
    // this month's peak is the higher of the two
    expect(late.state!.monthPeakKw).toBe(2.512);
    // reported once
    expect(disagreements(peaks.update(tg({ at: '2024-01-10T10:30:00Z', t1: 100.7, monthPeak: mp })).events)).toEqual([]);
  });

  it('a placeholder 1.6.0 is no data', () => {
    const peaks = new PeakMonitor();
    peaks.update(tg({ at: '2024-01-10T10:00:00Z', t1: 100, monthPeak: { time: null, kw: 0 } }));
    expect(peaks.monthPeakKw()).toBeNull();
  });
});

describe('capacity cost', () => {
  it('averages the known months, each at least the minimum', () => {
    expect(rollingAverageKw([3.0, 2.0, null, 4.2], 2.5)).toEqual({ averageKw: (3.0 + 2.5 + 4.2) / 3, monthsKnown: 3 });
    expect(rollingAverageKw([null, null], 2.5)).toEqual({ averageKw: null, monthsKnown: 0 });
    expect(rollingAverageKw([1.0], 2.5).averageKw).toBe(2.5);
  });

  it('prices a year and a raised peak (price / 12 per kW above the minimum)', () => {
    expect(yearlyCapacityCostEur(3.2, 50)).toBeCloseTo(160, 9);
    expect(costOfRaisingPeakEur(3.0, 4.0, 2.5, 50)).toBeCloseTo(4.166667, 5);
    expect(costOfRaisingPeakEur(1.8, 2.8, 2.5, 50)).toBeCloseTo(1.25, 9); // only 0.3 kW above 2.5 counts
    expect(costOfRaisingPeakEur(1.0, 2.0, 2.5, 50)).toBe(0); // still under the minimum
    expect(costOfRaisingPeakEur(null, 1, 2.5, 50)).toBe(0);
    expect(costOfRaisingPeakEur(3.0, 2.0, 2.5, 50)).toBe(0); // not a raise
  });
});
