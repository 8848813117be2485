/** The dashboard's server-side figures: telegram lines, period sums and the demo's history steps. */
import { describe, expect, test } from 'vitest';
import type { Telegram } from '../../shared/p1/telegram.js';
import { costsAt, importPriceAt, ratesSummary } from '../../main/dashboard/figures.js';
import { telegramLines } from '../../main/dashboard/telegram-lines.js';
import { fillHistory } from '../../main/demo/history.js';
import { SimulatedMeter } from '../../main/p1/simulator/meter.js';
import type { DaySummary } from '../../main/ledger/day-summary.js';
import { telegramFromLines } from '../support/crc-reference.js';

describe('telegramLines', () => {
  test('code and value of every data line, groups joined, header without its slash', () => {
    const raw = new TextEncoder().encode(telegramFromLines('FLU5\\253769484_A', ['0-0:96.1.4(50217)', '1-0:1.8.1(000116.372*kWh)', '0-1:24.2.3(240112221646W)(00338.711*m3)']));
    expect(telegramLines(raw)).toEqual({
      header: 'FLU5\\253769484_A',
      lines: [
        { code: '0-0:96.1.4', value: '50217' },
        { code: '1-0:1.8.1', value: '000116.372*kWh' },
        { code: '0-1:24.2.3', value: '240112221646W 00338.711*m3' },
      ],
    });
  });

  test('the equipment ids are shown as the text the meter encoded in hex, anything else as sent', () => {
    // '1SAG3105056625' in ASCII: 31 53 41 47 33 31 30 35 30 35 36 36 32 35 (the seed's example meter)
    const raw = new TextEncoder().encode(telegramFromLines('FLU5\\253769484_A', [
      '0-0:96.1.1(3153414733313035303536363235)', '0-1:96.1.0(3746)', '0-0:96.13.0(3153)', '0-1:96.1.0(0102)',
    ]));
    expect(telegramLines(raw).lines.map((l) => l.value)).toEqual(['1SAG3105056625', '7F', '3153', '0102']);
  });
});

function day(key: string, start: number, importWh: [number, number], importEur: number): DaySummary {
  return { day: key, start, importWh, exportWh: [0, 0], importEur, exportEur: 0, gasLitres: 1000, gasEur: 1.5, waterLitres: 0, waterEur: 0, estimated: false };
}

describe('costsAt', () => {
  // Brussels days in January 2026 start at 23:00 UTC the day before
  const jan = (d: number) => Date.UTC(2026, 0, d - 1, 23);
  const days = [day('2026-01-12', jan(12), [1000, 2000], 1.0), day('2026-01-14', jan(14), [500, 0], 0.2), day('2026-01-15', jan(15), [3000, 0], 1.2)];

  test('today, the days before, the ISO week and the month, from the day summaries', () => {
    const costs = costsAt(jan(15) + 10 * 3_600_000, days, 11.51);
    expect(costs.periods.today.importKwh).toEqual({ t1: 3, t2: 0 });
    expect(costs.periods.today.totalEur).toBeCloseTo(2.7, 10);
    expect(costs.periods.yesterday.totalEur).toBeCloseTo(1.7, 10);
    expect(costs.periods['day-2'].totalEur).toBe(0);
    expect(costs.periods['day-3'].totalEur).toBeCloseTo(2.5, 10);
    // Thursday 15 January: the week started on Monday the 12th
    expect(costs.periods.week.importKwh).toEqual({ t1: 4.5, t2: 2 });
    expect(costs.periods.month.gas).toEqual({ m3: 3, kwh: 34.53, eur: 4.5 });
    expect(costs.days.map((d) => d.day)).toEqual(['2026-01-12', '2026-01-14', '2026-01-15']);
  });

  test('the import price now: the register\'s rate with VAT, as the ledger prices energy (the EV session cost)', () => {
    const rates = { Electricity: { '+': { Day: 0.30, Night: 0.20 }, vat: 0.06 } };
    // register 1 (Day): 0.30 x 1.06 = 0.318; register 2 (Night): 0.20 x 1.06 = 0.212
    expect(importPriceAt(rates, jan(15) + 9 * 3_600_000, 1)).toBeCloseTo(0.318, 6);
    expect(importPriceAt(rates, jan(15) + 23 * 3_600_000, 2)).toBeCloseTo(0.212, 6);
  });

  test('the rates panel names the registers and the clock band in force', () => {
    const summary = ratesSummary({ Electricity: { '+': { Peak: 0.5, OffPeak: 0.3 }, bands: { default: 'OffPeak', periods: [{ name: 'Peak', from: '07:00', to: '11:00' }] } } }, jan(15) + 9 * 3_600_000);
    expect(summary.bandNow).toBe('Peak');
    expect(summary.registers).toEqual({ 1: 'Day', 2: 'Night' });
  });
});

describe('fillHistory', () => {
  test('a telegram every 5 minutes on the boundaries, through the decoder, counters moving every second', () => {
    const start = Date.UTC(2026, 0, 15, 8, 58, 20);
    const meter = new SimulatedMeter({ seed: 3, start });
    const seen: Telegram[] = [];
    const sent = fillHistory(meter, Date.UTC(2026, 0, 15, 10, 0, 0), 300, (result) => { if (result.ok) seen.push(result.telegram); });
    // 09:00, 09:05 ... 10:00
    expect(sent).toBe(13);
    expect(seen.map((t) => new Date(t.time!).toISOString().slice(11, 19))).toEqual([
      '09:00:00', '09:05:00', '09:10:00', '09:15:00', '09:20:00', '09:25:00', '09:30:00', '09:35:00', '09:40:00', '09:45:00', '09:50:00', '09:55:00', '10:00:00',
    ]);
    const first = seen[0]!.importKwh!;
    const last = seen.at(-1)!.importKwh!;
    expect(last.t1! + last.t2!).toBeGreaterThan(first.t1! + first.t2!);
  });
});
