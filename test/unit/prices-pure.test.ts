import { describe, expect, it } from 'vitest';
import { consumerPriceEurPerKwh, dynamicContractOf } from '../../main/tariff/prices/consumer-price.js';
import { brusselsDateRange } from '../../main/tariff/prices/day-prices.js';
import { EntsoeFormatError, parseEntsoeXml } from '../../main/tariff/prices/entsoe-xml.js';
import { entsoeTime } from '../../main/tariff/prices/entsoe-source.js';
import { spotToQuarters } from '../../main/tariff/prices/quarters.js';
import { nextAttemptAt, publicationTime, retryDelay } from '../../main/tariff/prices/schedule.js';
import { ratesSchema } from '../../main/tariff/rates-schema.js';
import { acknowledgementXml, publicationXml } from '../support/price-answers.js';

const Z = (iso: string) => Date.parse(iso);

describe('consumer price from the rates formula', () => {
  const rates = (dynamic: object, vat?: number) => ratesSchema.parse({
    Electricity: { '+': { Day: 0.4, Night: 0.3 }, '-': { Day: 0.1, Night: 0.1 }, dynamic, ...(vat === undefined ? {} : { vat }) },
  });

  it('reads c/kWh cards: EBEM import 0.108 x Belpex + 1.625 with 6% VAT, injection 0.0925 x Belpex - 1.1 without', () => {
    const contract = dynamicContractOf(rates({ '+': { factor: 0.108, base: 1.625 }, '-': { factor: 0.0925, base: -1.1 } }, 0.06))!;
    // spot 120: (12.96 + 1.625) c/kWh = 0.14585 EUR/kWh x 1.06 = 0.154601
    expect(consumerPriceEurPerKwh(contract, 'import', 120)).toBeCloseTo(0.154601, 12);
    // spot 120: (11.1 - 1.1) c/kWh = 0.1 EUR/kWh, no VAT on injection
    expect(consumerPriceEurPerKwh(contract, 'export', 120)).toBeCloseTo(0.1, 12);
    // a negative spot price makes import cheap and injection cost money: -50 -> (-5.4 + 1.625) c = -0.03775 x 1.06
    expect(consumerPriceEurPerKwh(contract, 'import', -50)).toBeCloseTo(-0.040015, 12);
    expect(consumerPriceEurPerKwh(contract, 'export', -50)).toBeCloseTo(-0.05725, 12);
  });

  it('reads EUR/MWh formulas, and has no export price without an export formula', () => {
    const contract = dynamicContractOf(rates({ '+': { factor: 1, base: 20 }, unit: 'EUR/MWh' }))!;
    expect(consumerPriceEurPerKwh(contract, 'import', 80)).toBeCloseTo(0.1, 12);
    expect(consumerPriceEurPerKwh(contract, 'export', 80)).toBeNull();
  });

  it('finds no dynamic contract in the seed rates', () => {
    expect(dynamicContractOf(ratesSchema.parse({ Electricity: { '+': { Day: 0.4, Night: 0.3 } } }))).toBeNull();
  });
});

describe('quarters from market time units', () => {
  it('lets a 15-minute price win over an hourly one for the same quarter, whatever the order', () => {
    const hour = { start: Z('2025-10-01T10:00Z'), durationMs: 3_600_000, eurPerMwh: 60 };
    const quarter = { start: Z('2025-10-01T10:15Z'), durationMs: 900_000, eurPerMwh: 75 };
    for (const points of [[hour, quarter], [quarter, hour]]) {
      expect(spotToQuarters(points).map((q) => [q.eurPerMwh, q.resolutionMinutes])).toEqual([[60, 60], [75, 15], [60, 60], [60, 60]]);
    }
  });

});

describe('ENTSO-E documents', () => {
  it('formats periodStart/periodEnd as yyyyMMddHHmm UTC', () => {
    expect(entsoeTime(Z('2025-10-25T22:00Z'))).toBe('202510252200');
  });

  it('reads an Acknowledgement with its reason', () => {
    expect(parseEntsoeXml(acknowledgementXml('999', 'No matching data found'))).toEqual({ kind: 'acknowledgement', code: '999', text: 'No matching data found' });
  });

  it('refuses an unknown resolution, naming where', () => {
    const xml = publicationXml([{ start: '2025-10-04T22:00Z', end: '2025-10-05T22:00Z', resolution: 'PT15M', points: [[1, 1]] }]).replace('PT15M', 'PT30M');
    expect(() => parseEntsoeXml(xml)).toThrow(new EntsoeFormatError("TimeSeries 1 Period 1: resolution 'PT30M' is not PT15M or PT60M"));
  });

  it('refuses what is not a price document', () => {
    expect(() => parseEntsoeXml('<html><body>Maintenance</body></html>')).toThrow('neither a Publication_MarketDocument nor an Acknowledgement_MarketDocument');
  });
});

describe('when to fetch', () => {
  it('publication is 13:00 Brussels: 11:00 UTC in summer, 12:00 UTC in winter', () => {
    expect(publicationTime(Z('2025-10-05T08:00Z'))).toBe(Z('2025-10-05T11:00Z'));
    expect(publicationTime(Z('2025-11-27T08:00Z'))).toBe(Z('2025-11-27T12:00Z'));
    // the autumn DST day: 13:00 is already winter time
    expect(publicationTime(Z('2025-10-26T08:00Z'))).toBe(Z('2025-10-26T12:00Z'));
  });

  it('backs off 5, 10, 20, 40, then every 60 minutes', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelay(n) / 60_000)).toEqual([5, 10, 20, 40, 60, 60]);
  });

  it('waits for the publication, retries while a needed day is missing, then waits for the next one', () => {
    const morning = Z('2025-11-27T08:00Z');
    expect(nextAttemptAt(morning, { today: true, tomorrow: false }, 0)).toBe(Z('2025-11-27T12:00Z'));
    expect(nextAttemptAt(morning, { today: false, tomorrow: false }, 2)).toBe(Z('2025-11-27T08:10Z'));
    const afternoon = Z('2025-11-27T12:30Z');
    expect(nextAttemptAt(afternoon, { today: true, tomorrow: false }, 1)).toBe(Z('2025-11-27T12:35Z'));
    expect(nextAttemptAt(afternoon, { today: true, tomorrow: true }, 0)).toBe(Z('2025-11-28T12:00Z'));
  });
});

describe('Brussels dates', () => {
  it('gives 23-, 24- and 25-hour days', () => {
    expect(brusselsDateRange('2026-03-29')).toEqual({ start: Z('2026-03-28T23:00Z'), end: Z('2026-03-29T22:00Z') });
    expect(brusselsDateRange('2025-10-05')).toEqual({ start: Z('2025-10-04T22:00Z'), end: Z('2025-10-05T22:00Z') });
    expect(brusselsDateRange('2025-10-26')).toEqual({ start: Z('2025-10-25T22:00Z'), end: Z('2025-10-26T23:00Z') });
    expect(brusselsDateRange('2025-02-29')).toBeNull();
    expect(brusselsDateRange('5 Oct')).toBeNull();
  });
});
