/**
 * Real meters' telegrams as other projects published them (see test/support/published-telegrams.ts
 * for each source), each with its own CRC. Every expected value below was read off the telegram
 * by hand: times are the meter's local time minus 2 h (S) or 1 h (W); ids are hex-ASCII decoded
 * pair by pair (45 = "E", 30 = "0" ...); Wh and W are divided by 1000.
 */
import { describe, expect, it } from 'vitest';
import { parseFrame } from '../../main/p1/parse.js';
import type { Telegram } from '../../shared/p1/telegram.js';
import { referenceCrc16Arc } from '../support/crc-reference.js';
import * as published from '../support/published-telegrams.js';

function read(text: string): Telegram {
  const outcome = parseFrame(Buffer.from(text, 'latin1'));
  if (!outcome.ok) throw new Error(`refused: ${outcome.error}: ${outcome.detail}`);
  return outcome.telegram;
}
const at = (iso: string) => Date.parse(iso);

describe('published telegrams: their CRC is the one written (checked with the test\'s own CRC code)', () => {
  it.each(Object.entries(published).filter(([name]) => name !== 'ISKRA_DSMR22'))('%s', (_name, text) => {
    const bang = text.indexOf('!');
    expect(text.slice(bang + 1).trim()).toBe(referenceCrc16Arc(text.slice(0, bang + 1)));
  });
});

describe('published telegrams from real meters, read by hand', () => {
  it('Dutch DSMR 5 (Iskra AM550) with an empty M-Bus channel writing (700101010000W)(00000000)', () => {
    const t = read(published.ISKRA_DSMR5_EMPTY_MBUS);
    expect(t.header).toBe('ISK5\\2M550T-1012');
    expect(t.version).toBe('50');
    expect(t.time).toBe(at('2020-04-26T20:33:25Z')); // 22:33:25 S
    expect(t.equipmentId).toBe('E0044007382246019');
    expect(t.importKwh).toEqual({ t1: 2130.115, t2: 245.467 });
    expect(t.exportKwh).toEqual({ t1: 0, t2: 0 });
    expect([t.tariff, t.powerKw]).toEqual([1, { import: 0.111, export: 0 }]);
    expect(t.phases).toEqual([
      { phase: 1, voltageV: 229.9, currentA: 0, importKw: 0.056, exportKw: 0 },
      { phase: 2, voltageV: 229.2, currentA: 0, importKw: 0, exportKw: 0 },
      { phase: 3, voltageV: 222.9, currentA: 1, importKw: 0.055, exportKw: 0 },
    ]);
    expect(t.mbus).toEqual([
      // the empty slot: 1970 is a placeholder and its bare 00000000 no reading
      { channel: 1, kind: 'gas', id: null, valve: null, time: null, value: null, unit: null },
      { channel: 2, kind: 'gas', id: 'G0039001936990619', valve: null, time: at('2020-04-26T20:30:01Z'), value: 246.138, unit: 'm3' },
    ]);
    expect(t.message).toBeNull();
    expect(t.other.map((o) => o.code)).toEqual([
      '0-0:96.7.21', '0-0:96.7.9', '1-0:99.97.0', '1-0:32.32.0', '1-0:52.32.0', '1-0:72.32.0', '1-0:32.36.0', '1-0:52.36.0', '1-0:72.36.0',
    ]);
    expect(t.other[2]).toEqual({ code: '1-0:99.97.0', values: ['1', '0-0:96.7.19', '190326095015W', '0000002014*s'] });
    expect(t.warnings).toEqual([]);
  });

  it('Dutch DSMR 5 (Iskra MT382) with an empty second M-Bus id "()"', () => {
    const t = read(published.ISKRA_DSMR5);
    expect(t.time).toBe(at('2017-01-02T18:20:02Z'));
    expect(t.equipmentId).toBe('K8EG004046395507');
    expect(t.importKwh).toEqual({ t1: 4.426, t2: 2.399 });
    expect(t.exportKwh).toEqual({ t1: 2.444, t2: 0 });
    expect(t.phases.map((p) => [p.voltageV, p.currentA, p.importKw])).toEqual([[230, 0.48, 0.07], [230, 0.44, 0.032], [229, 0.86, 0.142]]);
    expect(t.mbus).toEqual([
      { channel: 1, kind: 'gas', id: '2222ABCD123456789', valve: null, time: at('2017-01-02T15:10:05Z'), value: 0.107, unit: 'm3' },
      { channel: 2, kind: 'gas', id: null, valve: null, time: null, value: null, unit: null },
    ]);
    expect(t.warnings).toEqual([]);
  });

  it('the same meter with a "no time" gas reading without unit, (632525252525S)(00000.000)', () => {
    const t = read(published.ISKRA_DSMR5_PLACEHOLDER_GAS);
    expect(t.mbus[0]).toEqual({ channel: 1, kind: 'gas', id: '2222ABCD123456789', valve: null, time: null, value: null, unit: null });
    expect(t.importKwh).toEqual({ t1: 4.426, t2: 2.399 });
    expect(t.warnings).toEqual([]);
  });

  it('Dutch DSMR 4.2 (Kaifa): ids that are not hex text stay as written', () => {
    const t = read(published.KAIFA_DSMR42);
    expect(t.version).toBe('42');
    expect(t.time).toBe(at('2016-11-13T19:57:57Z'));
    expect(t.equipmentId).toBe('3960221976967177082151037881335713'); // 0x19 is not printable
    expect(t.importKwh).toEqual({ t1: 1581.123, t2: 1435.706 });
    expect(t.powerKw).toEqual({ import: 2.027, export: 0 });
    expect(t.phases).toEqual([
      { phase: 1, voltageV: null, currentA: 0, importKw: 0.17, exportKw: 0 },
      { phase: 2, voltageV: null, currentA: 6, importKw: 1.247, exportKw: 0 },
      { phase: 3, voltageV: null, currentA: 2, importKw: 0.209, exportKw: 0 },
    ]);
    expect(t.mbus).toEqual([{ channel: 1, kind: 'gas', id: '4819243993373755377509728609491464', valve: null, time: at('2016-11-29T19:00:00Z'), value: 981.443, unit: 'm3' }]);
    expect(t.warnings).toEqual([]);
  });

  it('Austrian Sagemcom T210-D in Wh and W: converted to kWh and kW', () => {
    const t = read(published.SAGEMCOM_T210_WH);
    expect(t.time).toBe(at('2022-10-06T13:50:14Z'));
    expect(t.importKwh).toEqual({ t1: 5017.12, t2: 1528.646 }); // 005017120*Wh, 001528646*Wh
    expect(t.exportKwh).toEqual({ t1: 0, t2: 0.058 }); // 000000058*Wh
    expect(t.powerKw).toEqual({ import: 0.286, export: 0 }); // 000000286*W
    expect(t.other.map((o) => o.code)).toEqual([
      '1-0:1.8.0', '1-0:2.8.0', '1-0:3.8.0', '1-0:3.8.1', '1-0:3.8.2', '1-0:3.7.0', '1-0:4.8.0', '1-0:4.8.1', '1-0:4.8.2', '1-0:4.7.0',
    ]);
    expect(t.warnings).toEqual([]);
  });

  it('E.ON Hungary: its 0-0:98.1.0 billing record is kept under "other", not read as peaks', () => {
    const t = read(published.EON_HUNGARY);
    expect(t.time).toBe(at('2023-07-24T13:07:30Z'));
    expect(t.equipmentId).toBe('890082200002160'); // 0-0:96.1.0
    expect([t.tariff, t.breaker, t.limiterKw, t.fuseA]).toEqual([1, 1, 90, 200]);
    expect(t.importKwh).toEqual({ t1: 47.719, t2: 125.921 });
    expect(t.exportKwh).toEqual({ t1: 401.829, t2: 225.348 });
    expect(t.powerKw).toEqual({ import: 0, export: 2.601 });
    expect(t.phases.map((p) => [p.voltageV, p.currentA])).toEqual([[240.4, 3], [239.1, 4], [241.2, 3]]);
    expect(t.peakHistory).toEqual([]);
    const billing = t.other.find((o) => o.code === '0-0:98.1.0')!;
    expect(billing.values.slice(0, 3)).toEqual(['230701000000S', '000040.777*kWh', '000008.950*kWh']);
    expect(billing.values).toHaveLength(20);
    expect(t.message).toBeNull();
    expect(t.warnings).toEqual([]);
  });

  it('Irish Iskra AM550 (IE): a control byte in the header is a warning, the rest is read', () => {
    const t = read(published.ISKRA_IE);
    expect(t.header).toBe('ISk5\x02MIE5T-200');
    expect(t.warnings).toEqual([{ line: 1, code: null, text: 'identification line has a non-printable byte (0x02) at column 6' }]);
    expect(t.equipmentId).toBe('09610');
    expect(t.time).toBe(at('2023-02-02T11:27:47Z')); // written with S
    expect(t.importKwh).toEqual({ t1: 10.181, t2: 10.182 });
    expect(t.exportKwh).toEqual({ t1: 10.281, t2: 10.282 });
    expect(t.powerKw).toEqual({ import: 0.17, export: 0.27 });
    expect(t.phases).toEqual([
      { phase: 1, voltageV: 242.5, currentA: 0, importKw: 0.217, exportKw: 0.227 },
      { phase: 2, voltageV: 241.7, currentA: 0, importKw: 0.417, exportKw: 0.427 },
      { phase: 3, voltageV: 243.3, currentA: 0, importKw: 0.617, exportKw: 0.627 },
    ]);
    expect(t.mbus).toEqual([{ channel: 1, kind: 'other', id: null, valve: null, time: null, value: null, unit: null }]);
    expect(t.other).toEqual([{ code: '1-0:0.0.0', values: ['00000000'] }]);
  });

  it('Belgian Fluvius e-MUCS 1.7.1 with gas and water and a placeholder peak time in the history', () => {
    const t = read(published.FLUVIUS_V171);
    expect(t.version).toBe('50217');
    expect(t.equipmentId).toBe('1SAG3100721326');
    expect(t.time).toBe(at('2023-11-02T11:15:48Z'));
    expect(t.importKwh).toEqual({ t1: 301.548, t2: 270.014 });
    expect(t.exportKwh).toEqual({ t1: 0.005, t2: 0 });
    expect(t.quarterAverageKw).toBe(0.052);
    expect(t.monthPeak).toEqual({ time: at('2023-11-02T10:45:00Z'), kw: 3.064 });
    expect(t.peakHistory).toEqual([
      { month: at('2023-07-31T22:00:00Z'), time: null, kw: 0 },
      { month: at('2023-08-31T22:00:00Z'), time: at('2023-08-31T16:15:00Z'), kw: 1.862 },
      { month: at('2023-09-30T22:00:00Z'), time: at('2023-09-10T16:30:00Z'), kw: 4.229 },
      { month: at('2023-10-31T23:00:00Z'), time: at('2023-10-16T11:00:00Z'), kw: 4.927 },
    ]);
    expect(t.phases.map((p) => p.currentA)).toEqual([0.27, 0.88, 0.52]);
    expect([t.breaker, t.limiterKw, t.fuseA]).toEqual([1, 999.9, 999]);
    expect(t.mbus).toEqual([
      { channel: 1, kind: 'gas', id: '7FLO2123088027', valve: 1, time: at('2023-11-02T11:10:02Z'), value: 92.287, unit: 'm3' },
      { channel: 2, kind: 'water', id: '8SET0000961173', valve: null, time: at('2023-11-02T11:15:32Z'), value: 8.579, unit: 'm3' },
    ]);
    expect([t.other, t.warnings]).toEqual([[], []]);
  });

  it('DSMR 2.2 (no CRC) is refused as no-crc, saying the meter speaks P1 older than version 4', () => {
    const outcome = parseFrame(Buffer.from(published.ISKRA_DSMR22, 'latin1'));
    expect(outcome).toMatchObject({ ok: false, error: 'no-crc' });
    expect(!outcome.ok && outcome.detail).toContain('older than 4 (DSMR 2.2 or 3.0)');
  });
});
