import { describe, expect, it } from 'vitest';
import { parseFrame, type ParseOutcome } from '../../main/p1/parse.js';
import type { Telegram } from '../../shared/p1/telegram.js';
import { telegramFromLines, sealTelegram, referenceCrc16Arc } from '../support/crc-reference.js';

const FLU = 'FLU5\\253769484_A';
const bytes = (text: string) => Buffer.from(text, 'latin1');
const parse = (text: string, previousTime: number | null = null): ParseOutcome => parseFrame(bytes(text), { previousTime });
function telegram(lines: string[], header = FLU, previousTime: number | null = null): Telegram {
  const outcome = parse(telegramFromLines(header, lines), previousTime);
  if (!outcome.ok) throw new Error(`refused: ${outcome.error}: ${outcome.detail}`);
  return outcome.telegram;
}
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** An e-MUCS 1.7 (50217) telegram as the specification lays it out. */
const emucs17 = [
  '0-0:96.1.4(50217)',
  '0-0:96.1.1(3153414733313035303536363235)',
  '0-0:1.0.0(240112231815W)',
  '1-0:1.8.1(000116.372*kWh)',
  '1-0:1.8.2(000062.193*kWh)',
  '1-0:2.8.1(000112.716*kWh)',
  '1-0:2.8.2(000042.757*kWh)',
  '0-0:96.14.0(0002)',
  '1-0:1.4.0(00.028*kW)',
  '1-0:1.6.0(240107190000W)(02.485*kW)',
  '0-0:98.1.0(2)(1-0:1.6.0)(1-0:1.6.0)(231101000000W)(231031120000W)(01.747*kW)(231201000000W)(231115184500W)(03.332*kW)',
  '1-0:1.7.0(00.099*kW)',
  '1-0:2.7.0(00.000*kW)',
  '1-0:21.7.0(00.027*kW)',
  '1-0:22.7.0(00.000*kW)',
  '1-0:32.7.0(230.7*V)',
  '1-0:31.7.0(000.17*A)',
  '0-0:96.3.10(1)',
  '0-0:17.0.0(999.9*kW)',
  '1-0:31.4.0(999*A)',
  '0-0:96.13.0()',
  '0-1:24.1.0(003)',
  '0-1:96.1.1(37464C4F32313233303036333835)',
  '0-1:24.4.0(1)',
  '0-1:24.2.3(240112231646W)(00338.711*m3)',
];

describe('P1 parser: Belgian e-MUCS', () => {
  it('reads every value of a 50217 telegram as written', () => {
    const t = telegram(emucs17);
    expect(t.header).toBe('FLU5\\253769484_A');
    expect(t.version).toBe('50217');
    expect(t.equipmentId).toBe('1SAG3105056625');
    expect(iso(t.time)).toBe('2024-01-12T22:18:15.000Z');
    expect(t.tariff).toBe(2);
    expect(t.importKwh).toEqual({ t1: 116.372, t2: 62.193 });
    expect(t.exportKwh).toEqual({ t1: 112.716, t2: 42.757 });
    expect(t.powerKw).toEqual({ import: 0.099, export: 0 });
    expect(t.phases).toEqual([{ phase: 1, voltageV: 230.7, currentA: 0.17, importKw: 0.027, exportKw: 0 }]);
    expect(t.quarterAverageKw).toBe(0.028);
    expect(t.monthPeak).toEqual({ time: Date.parse('2024-01-07T18:00:00Z'), kw: 2.485 });
    expect(t.peakHistory.map((p) => [iso(p.month), iso(p.time), p.kw])).toEqual([
      ['2023-10-31T23:00:00.000Z', '2023-10-31T11:00:00.000Z', 1.747],
      ['2023-11-30T23:00:00.000Z', '2023-11-15T17:45:00.000Z', 3.332],
    ]);
    expect(t.mbus).toEqual([{
      channel: 1, kind: 'gas', id: '7FLO2123006385', valve: 1, time: Date.parse('2024-01-12T22:16:46Z'), value: 338.711, unit: 'm3',
    }]);
    expect([t.breaker, t.limiterKw, t.fuseA, t.message]).toEqual([1, 999.9, 999, null]);
  });

  it('keeps the order of 0-0:98.1.0 as the meter wrote it (newest first, as the spec example)', () => {
    const t = telegram(['0-0:98.1.0(3)(1-0:1.6.0)(1-0:1.6.0)(230301000000W)(230214124500W)(02.100*kW)(230201000000W)(230114124500W)(03.332*kW)(230101000000W)(221205083000W)(04.000*kW)']);
    expect(t.peakHistory.map((p) => p.kw)).toEqual([2.1, 3.332, 4]);
    expect(iso(t.peakHistory[1]!.month)).toBe('2023-01-31T23:00:00.000Z');
  });

  it('reads an empty 0-0:98.1.0 buffer with its trailing "()"', () => {
    expect(telegram(['0-0:98.1.0(0)(1-0:1.6.0)(1-0:1.6.0)()']).peakHistory).toEqual([]);
  });

  it('gives null for placeholder timestamps in the history and the month peak', () => {
    const t = telegram([
      '1-0:1.6.0(632525252525W)(00.000*kW)',
      '0-0:98.1.0(1)(1-0:1.6.0)(1-0:1.6.0)(632525252525W)(632525252525W)(00.000*kW)',
    ]);
    expect(t.monthPeak).toEqual({ time: null, kw: 0 });
    expect(t.peakHistory).toEqual([{ month: null, time: null, kw: 0 }]);
  });

  it('takes gas or water from the device type on any channel, not from the reading code', () => {
    const t = telegram([
      '0-1:24.1.0(007)', '0-1:96.1.1(3357415445523031)', '0-1:24.2.1(240112230000W)(00012.345*m3)',
      '0-2:24.1.0(003)', '0-2:24.2.3(240112231000W)(01234.567*m3)',
      '0-3:24.1.0(00C)', '0-3:24.2.1(240112230000W)(00001.234*GJ)',
      '0-4:24.2.1(240112230000W)(00000.500*m3)',
    ]);
    expect(t.mbus.map((m) => [m.channel, m.kind, m.value, m.unit])).toEqual([
      [1, 'water', 12.345, 'm3'], [2, 'gas', 1234.567, 'm3'], [3, 'heat', 1.234, 'GJ'], [4, 'other', 0.5, 'm3'],
    ]);
    expect(t.mbus[0]!.id).toBe('3WATER01');
    expect(t.mbus[1]!.id).toBeNull();
  });

  it('reads a heat meter of type 004', () => {
    expect(telegram(['0-2:24.1.0(004)']).mbus).toEqual([{ channel: 2, kind: 'heat', id: null, valve: null, time: null, value: null, unit: null }]);
  });

  it('reads values as numbers as written: 000.0*V is 0, an old meter\'s 002*A is 2', () => {
    const t = telegram(['1-0:52.7.0(000.0*V)', '1-0:51.7.0(002*A)']);
    expect(t.phases).toEqual([{ phase: 2, voltageV: 0, currentA: 2, importKw: null, exportKw: null }]);
  });

  it('gives null field by field for what the telegram does not carry', () => {
    const t = telegram(['1-0:1.8.1(000012.500*kWh)', '1-0:2.7.0(00.300*kW)']);
    expect(t.importKwh).toEqual({ t1: 12.5, t2: null });
    expect(t.exportKwh).toBeNull();
    expect(t.powerKw).toEqual({ import: null, export: 0.3 });
    expect([t.version, t.equipmentId, t.time, t.tariff, t.quarterAverageKw, t.monthPeak]).toEqual([null, null, null, null, null, null]);
    expect([t.phases, t.peakHistory, t.mbus]).toEqual([[], [], []]);
  });

  it('keeps an id that does not decode to printable text as written', () => {
    expect(telegram(['0-0:96.1.1(00FF)']).equipmentId).toBe('00FF');
    expect(telegram(['0-0:96.1.1(ABC)']).equipmentId).toBe('ABC');
  });

  it('decodes a hex text message', () => {
    expect(telegram(['0-0:96.13.0(48656C6C6F)']).message).toBe('Hello');
  });

  it('reads around codes it does not know, keeping them under "other"', () => {
    const t = telegram(['1-0:99.97.0(1)(0-0:96.7.19)(230101000000W)(0000012345*s)', '0-0:96.99.9(whatever)', '1-0:1.8.1(000001.000*kWh)']);
    expect(t.importKwh).toEqual({ t1: 1, t2: null });
    expect(t.other.map((o) => o.code)).toEqual(['1-0:99.97.0', '0-0:96.99.9']);
    expect(t.warnings).toEqual([]);
  });
});

describe('P1 parser: CRC', () => {
  const body = `/${FLU}\r\n\r\n1-0:1.8.1(000001.000*kWh)\r\n!`;
  const crc = referenceCrc16Arc(body);

  it('accepts the CRC in lowercase', () => {
    expect(parse(`${body}${crc.toLowerCase()}\r\n`).ok).toBe(true);
  });

  it('accepts an unpadded CRC', () => {
    // find a body whose CRC has a leading zero nibble, so the unpadded form is 3 digits
    let text = body;
    let n = 0;
    while (!referenceCrc16Arc(text).startsWith('0')) text = `/${FLU}\r\n\r\n1-0:1.8.1(${String(++n).padStart(6, '0')}.000*kWh)\r\n!`;
    const unpadded = referenceCrc16Arc(text).replace(/^0+/, '');
    expect(unpadded.length).toBeLessThan(4);
    const outcome = parse(`${text}${unpadded}\r\n`);
    expect(outcome.ok && outcome.telegram.importKwh?.t1).toBe(n);
  });

  it('refuses a wrong CRC as crc-mismatch, before anything else is looked at', () => {
    expect(parse(`${body}0000\r\n`)).toMatchObject({ ok: false, error: 'crc-mismatch' });
    const garbage = `/${FLU}\r\n\r\n1-0:1.8.1(0000x1.000*kWh)\r\n!0000\r\n`;
    expect(parse(garbage)).toMatchObject({ ok: false, error: 'crc-mismatch' });
  });

  it('refuses a CRC with non-hex digits or too many digits', () => {
    expect(parse(`${body}${crc.slice(0, 3)}G\r\n`)).toMatchObject({ ok: false, error: 'crc-mismatch' });
    expect(parse(`${body}0${crc}\r\n`)).toMatchObject({ ok: false, error: 'crc-mismatch' });
  });
});

describe('P1 parser: a frame whose CRC is right is accepted, a line it cannot read is a warning', () => {
  const good = ['0-0:1.0.0(240112231815W)', '1-0:1.8.2(000062.193*kWh)', '1-0:1.7.0(00.099*kW)'];
  /** the lines of `good` (lines 3-5, after the header and the blank line) must be read whatever line 6 is */
  function withBadLine(bad: string) {
    const t = telegram([...good, bad]);
    expect(iso(t.time)).toBe('2024-01-12T22:18:15.000Z');
    expect(t.importKwh?.t2).toBe(62.193);
    expect(t.powerKw?.import).toBe(0.099);
    return t;
  }

  it.each([
    ['a wrong unit', '1-0:1.8.1(000116.372*kW)', '1-0:1.8.1', 'unit "kW" where kWh or Wh was expected: "000116.372*kW"'],
    ['a letter among digits', '1-0:1.8.1(0001l6.372*kWh)', '1-0:1.8.1', 'not a number in kWh: "0001l6.372*kWh"'],
    ['a lost decimal point among digits', '1-0:1.8.1(000116..72*kWh)', '1-0:1.8.1', 'not a number in kWh: "000116..72*kWh"'],
    ['no unit at all', '1-0:1.8.1(000116.372)', '1-0:1.8.1', 'no unit, kWh or Wh expected: "000116.372"'],
  ])('%s in a counter: that counter is null, the rest is read', (_what, bad, code, text) => {
    const t = withBadLine(bad);
    expect(t.importKwh).toEqual({ t1: null, t2: 62.193 });
    expect(t.warnings).toEqual([{ line: 6, code, text }]);
  });

  it.each([
    ['a month 13', '0-0:1.0.0(241312231815W)'],
    ['30 February', '0-0:1.0.0(240230231815W)'],
    ['a flag other than S or W', '0-0:1.0.0(240112231815X)'],
  ])('%s in the meter time: the time is null, with a warning', (_what, line) => {
    const t = telegram([line, '1-0:1.8.1(000001.000*kWh)']);
    expect(t.time).toBeNull();
    expect(t.importKwh?.t1).toBe(1);
    expect(t.warnings).toEqual([{ line: 3, code: '0-0:1.0.0', text: `not a valid time: "${line.slice(10, -1)}"` }]);
  });

  it('keeps the first value of a code sent twice and warns about the second', () => {
    const t = telegram(['1-0:1.8.1(000116.372*kWh)', '1-0:1.8.1(000999.999*kWh)']);
    expect(t.importKwh?.t1).toBe(116.372);
    expect(t.warnings).toEqual([{ line: 4, code: '1-0:1.8.1', text: 'sent twice: the first value stands' }]);
  });

  it.each([
    ['a line that is not OBIS', 'hello world', null, 'not an OBIS line: "hello world"'],
    ['an unclosed value', '1-0:1.8.1(000116.372*kWh', '1-0:1.8.1', 'unclosed "(": "(000116.372*kWh"'],
    ['text between values', '1-0:1.6.0(240107190000W)x(02.485*kW)', '1-0:1.6.0', 'expected "(" at column 16 of the values: "(240107190000W)x(02.485*kW)"'],
    ['a control byte inside a value', '0-0:96.13.0(AB\x01CD)', '0-0:96.13.0', 'unexpected character in a value: "(AB\x01CD)"'],
    ['a month peak without its time', '1-0:1.6.0(02.485*kW)', '1-0:1.6.0', 'should have a time and a value, has 1 values'],
    ['a history that announces more months than it has', '0-0:98.1.0(2)(1-0:1.6.0)(1-0:1.6.0)(231101000000W)(231031120000W)(01.747*kW)', '0-0:98.1.0', 'announces 2 months, has 1'],
    ['a non-hex M-Bus device type', '0-1:24.1.0(0G3)', '0-1:24.1.0', 'not a hex device type: "0G3"'],
  ])('%s: a warning, every other line read', (_what, bad, code, text) => {
    const t = withBadLine(bad);
    expect(t.warnings).toEqual([{ line: 6, code, text }]);
    expect([t.monthPeak, t.peakHistory, t.message]).toEqual([null, [], null]);
  });

  it('warns about an M-Bus reading in a unit it does not know, and keeps that reading null', () => {
    const t = telegram(['0-1:24.1.0(004)', '0-1:24.2.1(240112230000W)(00012.345*MWh)']);
    expect(t.mbus).toEqual([{ channel: 1, kind: 'heat', id: null, valve: null, time: null, value: null, unit: null }]);
    expect(t.warnings).toEqual([{ line: 4, code: '0-1:24.2.1', text: 'unit "MWh" where m3 or GJ or MJ or kWh was expected: "00012.345*MWh"' }]);
  });

  it('keeps a per-phase current it cannot read as null (unknown), never as 0', () => {
    const t = telegram(['1-0:31.7.0(0O1.34*A)', '1-0:32.7.0(226.1*V)', '1-0:21.7.0(00.233*kW)']);
    expect(t.phases).toEqual([{ phase: 1, voltageV: 226.1, currentA: null, importKw: 0.233, exportKw: null }]);
    expect(t.warnings).toEqual([{ line: 3, code: '1-0:31.7.0', text: 'not a number in A: "0O1.34*A"' }]);
  });

  it('reads a header that is not /XXXn… with a warning; refuses a frame with no identification line', () => {
    const heat = telegram(['1-0:1.8.1(000001.000*kWh)'], 'NWA-WARMTELINK');
    expect(heat.header).toBe('NWA-WARMTELINK');
    expect(heat.warnings).toEqual([{ line: 1, code: null, text: 'identification line is not "/XXXn…": "/NWA-WARMTELINK"' }]);
    expect(telegram(['1-0:1.8.1(000001.000*kWh)'], 'F\xffU5abc').warnings[0]!.text).toBe('identification line has a non-printable byte (0xff) at column 3');
    expect(parse(sealTelegram('/\r\n\r\n1-0:1.8.1(000001.000*kWh)\r\n'))).toMatchObject({ ok: false, error: 'malformed', detail: 'no identification line: nothing after "/"' });
  });

  it('gives null, not "", for empty values; an empty number is also a warning', () => {
    const t = telegram(['0-0:96.1.1()', '0-0:96.13.0()', '0-2:24.1.0(003)', '0-2:96.1.0()', '1-0:1.8.1()']);
    expect([t.equipmentId, t.message, t.mbus[0]!.id, t.importKwh?.t1]).toEqual([null, null, null, null]);
    expect(t.warnings).toEqual([{ line: 7, code: '1-0:1.8.1', text: 'empty value' }]);
  });

  it('keeps every line it does not interpret under "other", as written', () => {
    const t = telegram(['0-0:96.7.21(00013)', '1-0:99.97.0(1)(0-0:96.7.19)(190115011853W)(0000000389*s)', '0-1:24.3.0(x)']);
    expect(t.other).toEqual([
      { code: '0-0:96.7.21', values: ['00013'] },
      { code: '1-0:99.97.0', values: ['1', '0-0:96.7.19', '190115011853W', '0000000389*s'] },
      { code: '0-1:24.3.0', values: ['x'] },
    ]);
  });

  it('refuses a frame without the "!" as truncated', () => {
    expect(parse(`/${FLU}\r\n\r\n1-0:1.8.1(000001.000*kWh)\r\n`)).toMatchObject({ ok: false, error: 'truncated' });
  });

  it('refuses a frame without a CRC after "!" as no-crc (P1 before version 4)', () => {
    expect(parse(`/${FLU}\r\n\r\n1-0:1.8.1(000001.000*kWh)\r\n!\r\n`)).toMatchObject({ ok: false, error: 'no-crc' });
  });

  it('accepts LF-only line ends (some ser2net setups translate them)', () => {
    const outcome = parse(sealTelegram(`/${FLU}\n\n1-0:1.8.1(000001.000*kWh)\n`));
    expect(outcome.ok).toBe(true);
  });
});

describe('P1 parser: time', () => {
  it('reads S as UTC+2 and W as UTC+1', () => {
    expect(iso(telegram(['0-0:1.0.0(240701120000S)']).time)).toBe('2024-07-01T10:00:00.000Z');
    expect(iso(telegram(['0-0:1.0.0(240112120000W)']).time)).toBe('2024-01-12T11:00:00.000Z');
  });

  it('follows the S/W flag through the autumn change: 02:30 S comes before 02:30 W', () => {
    const summer = telegram(['0-0:1.0.0(241027023000S)']).time!;
    const winter = telegram(['0-0:1.0.0(241027023000W)']).time!;
    expect(iso(summer)).toBe('2024-10-27T00:30:00.000Z');
    expect(iso(winter)).toBe('2024-10-27T01:30:00.000Z');
  });

  it('without S/W (Walloon Iskra), uses Brussels rules and the first 02:30 unless the previous telegram is past it', () => {
    const iskra = 'ISk5\\2MIE5E-200';
    expect(iso(telegram(['0-0:1.0.0(240701120000)'], iskra).time)).toBe('2024-07-01T10:00:00.000Z');
    expect(iso(telegram(['0-0:1.0.0(241027023000)'], iskra).time)).toBe('2024-10-27T00:30:00.000Z');
    expect(iso(telegram(['0-0:1.0.0(241027023000)'], iskra, Date.parse('2024-10-27T00:29:59Z')).time)).toBe('2024-10-27T00:30:00.000Z');
    // the meter counted 02:59:59 summer time, then 02:00 again: the second pass
    expect(iso(telegram(['0-0:1.0.0(241027020000)'], iskra, Date.parse('2024-10-27T00:59:59Z')).time)).toBe('2024-10-27T01:00:00.000Z');
    expect(iso(telegram(['0-0:1.0.0(241027023000)'], iskra, Date.parse('2024-10-27T01:29:59Z')).time)).toBe('2024-10-27T01:30:00.000Z');
  });
});

describe('P1 parser: other dialects', () => {
  it('reads a Dutch DSMR 5 telegram', () => {
    const t = telegram([
      '1-3:0.2.8(50)',
      '0-0:1.0.0(171105201324W)',
      '0-0:96.1.1(4530303033303030303030303030303030)',
      '1-0:1.8.1(000004.426*kWh)', '1-0:1.8.2(000002.399*kWh)',
      '1-0:2.8.1(000002.444*kWh)', '1-0:2.8.2(000000.000*kWh)',
      '0-0:96.14.0(0002)',
      '1-0:1.7.0(00.244*kW)', '1-0:2.7.0(00.000*kW)',
      '0-0:96.7.21(00013)', '0-0:96.7.9(00000)',
      '1-0:99.97.0(0)(0-0:96.7.19)',
      '1-0:32.32.0(00000)', '1-0:32.36.0(00000)',
      '0-0:96.13.0()',
      '1-0:32.7.0(0230.0*V)', '1-0:31.7.0(001*A)', '1-0:21.7.0(00.192*kW)', '1-0:22.7.0(00.000*kW)',
      '0-1:24.1.0(003)',
      '0-1:96.1.0(4730303339303031363532303530323136)',
      '0-1:24.2.1(171105201000W)(00016.713*m3)',
    ], 'Ene5\\T210-D ESMR5.0');
    expect(t.version).toBe('50');
    expect(t.equipmentId).toBe('E0003000000000000');
    expect(iso(t.time)).toBe('2017-11-05T19:13:24.000Z');
    expect(t.importKwh).toEqual({ t1: 4.426, t2: 2.399 });
    expect(t.phases).toEqual([{ phase: 1, voltageV: 230, currentA: 1, importKw: 0.192, exportKw: 0 }]);
    expect(t.mbus).toEqual([{ channel: 1, kind: 'gas', id: 'G0039001652050216', valve: null, time: Date.parse('2017-11-05T19:10:00Z'), value: 16.713, unit: 'm3' }]);
  });

  it('reads a Walloon Iskra IE.5 telegram: plain id in 96.1.0, no version, no S/W', () => {
    const t = telegram([
      '0-0:96.1.0(2MIE5E-200-12345678)',
      '0-0:1.0.0(240115083000)',
      '1-0:1.8.1(001234.567*kWh)', '1-0:1.8.2(000765.432*kWh)',
      '1-0:2.8.1(000010.000*kWh)', '1-0:2.8.2(000005.000*kWh)',
      '0-0:96.14.0(0001)',
      '1-0:1.7.0(01.234*kW)', '1-0:2.7.0(00.000*kW)',
      '1-0:32.7.0(231.0*V)', '1-0:52.7.0(229.5*V)', '1-0:72.7.0(232.1*V)',
      '1-0:31.7.0(002.10*A)', '1-0:51.7.0(001.00*A)', '1-0:71.7.0(003.40*A)',
    ], 'ISk5\\2MIE5E-200');
    expect(t.version).toBeNull();
    expect(t.equipmentId).toBe('2MIE5E-200-12345678');
    expect(iso(t.time)).toBe('2024-01-15T07:30:00.000Z');
    expect(t.phases.map((p) => [p.phase, p.voltageV, p.currentA])).toEqual([[1, 231, 2.1], [2, 229.5, 1], [3, 232.1, 3.4]]);
    expect([t.limiterKw, t.fuseA]).toEqual([null, null]);
  });
});
