// @vitest-environment happy-dom
/**
 * The dashboard's panels with literal props: what a person reads, in their language. Expected
 * texts are written by hand from the props.
 */
import { describe, expect, test } from 'vitest';
import type { MonthPeaksState, QuarterState } from '../../../shared/peak/quarter-state.js';
import type { DashboardPeriod, PeriodFigures, RatesSummary } from '../../../shared/dashboard/state.js';
import HeaderPanel from '../../../renderer/src/panels/HeaderPanel.vue';
import LogPanel from '../../../renderer/src/panels/LogPanel.vue';
import MonthPeaksPanel from '../../../renderer/src/panels/MonthPeaksPanel.vue';
import QuarterPanel from '../../../renderer/src/panels/QuarterPanel.vue';
import RatesPanel from '../../../renderer/src/panels/RatesPanel.vue';
import TelegramPanel from '../../../renderer/src/panels/TelegramPanel.vue';
import UsagePanel from '../../../renderer/src/panels/UsagePanel.vue';
import GasWaterPanel from '../../../renderer/src/panels/GasWaterPanel.vue';
import { mountPanel, plain } from './mount.js';

// 2026-01-15 10:07:30 Brussels (UTC+1): 7.5 minutes into the 10:00 quarter
const QUARTER_START = Date.UTC(2026, 0, 15, 9, 0, 0);
const quarter: QuarterState = {
  time: QUARTER_START + 450_000, quarterStart: QUARTER_START, quarterEnd: QUARTER_START + 900_000, elapsedS: 450,
  energySoFarKwh: 0.5, energySource: 'counters', averageSoFarKw: 2, powerKw: 4, forecastKw: 4, targetKw: 3.5,
  allowedKw: 3, gapKw: -1, shedNowKw: 1, quarterLost: false, newPeakInTheMaking: true, monthPeakKw: 3.5, userFloorKw: 0,
};

describe('QuarterPanel', () => {
  test('shows till now, forecast, month peak, target and gap with units, the bar half way, red when a new peak is in the making', () => {
    const w = mountPanel(QuarterPanel, { quarter, stale: false, age: null });
    expect(plain(w.get('[data-testid=quarter-till-now]').text())).toBe('2.000 kW');
    expect(plain(w.get('[data-testid=quarter-forecast]').text())).toBe('4.000 kW');
    expect(plain(w.get('[data-testid=quarter-gap]').text())).toBe('-1.000 kW');
    expect(w.get('[data-testid=quarter-elapsed]').text()).toBe('07:30 of 15:00');
    expect(w.get('[data-testid=quarter-progress]').attributes('aria-valuenow')).toBe('50');
    expect(w.get('.quarter').classes()).toContain('alarm');
    expect(w.get('[data-testid=quarter-verdict]').text()).toBe('A new month peak is in the making');
  });

  test('calm when the quarter stays under the target, and in Dutch with a decimal comma', () => {
    const w = mountPanel(QuarterPanel, { quarter: { ...quarter, newPeakInTheMaking: false, gapKw: 0.25 }, stale: false, age: null }, 'nl');
    expect(w.get('.quarter').classes()).not.toContain('alarm');
    expect(plain(w.get('[data-testid=quarter-gap]').text())).toBe('0,250 kW');
    expect(w.get('[data-testid=quarter-verdict]').text()).toBe('Binnen de maandpiek');
  });

  test('stale data is greyed and says how old it is', () => {
    const w = mountPanel(QuarterPanel, { quarter, stale: true, age: '2 min old' });
    expect(w.get('[data-testid=quarter]').classes()).toContain('stale');
    expect(w.get('[data-testid=age]').text()).toBe('2 min old');
  });
});

const rates: RatesSummary = {
  registers: { 1: 'Day', 2: 'Night' }, importEur: { Day: 0.4, Night: 0.3 }, exportEur: { Day: 0.1, Night: 0.05 },
  bandNow: null, gasEurPerM3: 1.576, waterEurPerM3: 6.1, capacityEurPerKwYear: 53.26, vat: null,
};

describe('RatesPanel', () => {
  test('highlights the band of the active register', () => {
    const w = mountPanel(RatesPanel, { rates, register: 2, stale: false, age: null });
    const active = w.findAll('tr[data-active=true]');
    expect(active).toHaveLength(1);
    expect(active[0]!.findAll('td').map((td) => plain(td.text())).slice(1)).toEqual(['0.300 €/kWh', '0.050 €/kWh']);
    expect(active[0]!.get('td').text()).toMatch(/^Night\s+register 2/);
    expect(active[0]!.get('.badge').text()).toBe('active');
    expect(w.findAll('.facts dd').map((dd) => plain(dd.text()))).toEqual(['1.576 €/m³', '6.10 €/m³', '53.26 €/kW/year']);
  });

  test('a clock-band tariff highlights the band in force, whatever the register', () => {
    const w = mountPanel(RatesPanel, { rates: { ...rates, importEur: { Peak: 0.5, OffPeak: 0.25 }, exportEur: null, bandNow: 'OffPeak' }, register: 1, stale: false, age: null });
    // the file's name OffPeak, in words
    expect(plain(w.get('tr[data-active=true]').text())).toContain('Off-peak');
  });
});

function figures(importT1: number, totalEur: number): PeriodFigures {
  return {
    importKwh: { t1: importT1, t2: 1 }, exportKwh: { t1: 0.5, t2: 0 }, electricityEur: totalEur - 1,
    gas: { m3: 1.5, kwh: 17.3, eur: 0.75 }, water: { m3: 0.1, eur: 0.25 }, totalEur, estimated: false,
  };
}

describe('UsagePanel', () => {
  const periods = {
    'day-3': figures(3, 3), 'day-2': figures(2, 2), yesterday: figures(1, 1), today: figures(4.25, 1234.5),
    week: figures(10, 10), month: figures(40, 40), year: figures(400, 400),
  } satisfies Record<DashboardPeriod, PeriodFigures>;

  test('the seed\'s columns Day-3 .. Today, Week, Month, Year with totals in euro', () => {
    const w = mountPanel(UsagePanel, { periods, stale: false, age: null });
    expect(w.findAll('thead th').map((th) => th.text())).toEqual(['', 'Day-3', 'Day-2', 'Day-1', 'Today', 'Week', 'Month', 'Year']);
    expect(plain(w.get('[data-testid=total-today]').text())).toBe('1,234.50 €');
  });

  test('French separators', () => {
    const w = mountPanel(UsagePanel, { periods, stale: false, age: null }, 'fr');
    expect(plain(w.get('[data-testid=total-today]').text())).toBe('1 234,50 €');
    expect(w.findAll('thead th')[4]!.text()).toBe('Aujourd\'hui');
  });
});

describe('MonthPeaksPanel', () => {
  const month = (m: string, start: number, kw: number | null) => ({
    month: m, monthStart: start, meterPeakKw: kw, meterPeakTime: null, ownPeakKw: kw, ownPeakStart: null, ownCompleteQuarters: 96, peakKw: kw,
  });
  const months: MonthPeaksState = {
    current: month('2026-01', Date.UTC(2025, 11, 31, 23), 3.2),
    closed: [month('2025-11', Date.UTC(2025, 9, 31, 23), 1.8), month('2025-12', Date.UTC(2025, 10, 30, 23), 4.6)],
    minimumKw: 2.5, rollingAverageKw: 3.433, monthsKnown: 3, projectedYearlyCostEur: 182.84, costOfOneMoreKwEur: 4.44,
  };

  test('this month, the closed months newest first, the 12-month average with the floor, yearly cost and 1 kW more', () => {
    const w = mountPanel(MonthPeaksPanel, { months, stale: false, age: null });
    expect(plain(w.get('[data-testid=month-peak-now]').text())).toBe('3.200 kW');
    expect(plain(w.get('[data-testid=month-average]').text())).toBe('3.433 kW counted at least 2.5 kW, 3 months known');
    expect(plain(w.get('[data-testid=month-yearly]').text())).toBe('182.84 €');
    expect(plain(w.get('[data-testid=month-one-more]').text())).toBe('4.44 €');
    expect(w.findAll('[data-testid=closed-months] li').map((li) => [li.get('.bar-label').text(), plain(li.get('.num').text())]))
      .toEqual([['Dec 2025', '4.600 kW'], ['Nov 2025', '1.800 kW']]);
  });
});

describe('TelegramPanel', () => {
  test('the OBIS lines with their meaning in the reader\'s language', () => {
    const telegram = { time: QUARTER_START, header: 'FLU5\\253769484_A', lines: [{ code: '1-0:1.8.1', value: '000116.372*kWh' }, { code: '0-1:24.2.3', value: '240112221646W 00338.711*m3' }] };
    const w = mountPanel(TelegramPanel, { telegram, stale: false, age: null }, 'fr');
    const rows = w.findAll('tbody tr').map((r) => r.findAll('td').map((td) => td.text()));
    expect(rows).toEqual([
      ['1-0:1.8.1', 'Énergie prélevée, registre 1 (jour)', '000116.372*kWh'],
      ['0-1:24.2.3', 'Index M-Bus (gaz en Belgique)', '240112221646W 00338.711*m3'],
    ]);
  });
});

describe('GasWaterPanel', () => {
  test('meter readings, today and this month, in m³ and euro', () => {
    const w = mountPanel(GasWaterPanel, { gasM3: 4309.615, waterM3: null, today: figures(1, 1), month: figures(2, 2), stale: false, age: null });
    expect(plain(w.get('[data-testid=gas-meter]').text())).toBe('4,309.615 m³');
    expect(w.find('[data-testid=water-meter]').exists()).toBe(false);
    expect(w.get('tbody tr').findAll('td').map((td) => plain(td.text()))).toEqual(['4,309.615 m³', '1.50 m³0.75 €', '1.50 m³0.75 €']);
  });
});

describe('LogPanel', () => {
  test('newest first, with the level', () => {
    const w = mountPanel(LogPanel, { entries: [
      { time: QUARTER_START, level: 'info', message: 'reading the meter' },
      { time: QUARTER_START + 60_000, level: 'warn', message: 'P1 port silent' },
    ] });
    expect(w.findAll('li').map((li) => plain(li.text()))).toEqual(['10:01:00 warn P1 port silent', '10:00:00 info reading the meter']);
  });
});

describe('HeaderPanel', () => {
  test('shows the meter time in Brussels and asks to change the language', async () => {
    const w = mountPanel(HeaderPanel, { meterTime: QUARTER_START, stale: false, age: null, demo: true, locale: 'en', theme: 'auto', sourceMessage: null });
    expect(w.get('[data-testid=meter-time]').text()).toBe('Thu 15 Jan, 10:00:00');
    await w.get('[data-testid=language]').setValue('nl');
    expect(w.emitted('locale')).toEqual([['nl']]);
    await w.get('[data-testid=edit-rates]').trigger('click');
    expect(w.emitted('editRates')).toHaveLength(1);
  });
});
