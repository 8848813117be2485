import { describe, expect, it } from 'vitest';
import { parseFrame } from '../../main/p1/parse.js';
import { meterStateFromTelegram } from '../../main/bus/meter-state.js';
import { meterStateSchema } from '../../shared/state.js';
import { baseCurrents } from '../../main/site/fuse.js';
import { telegramFromLines } from '../support/crc-reference.js';

describe('a line the parser could not read, in the bus state', () => {
  it('keeps an unreadable per-phase current null (unknown: the worst case for the fuse), never 0', () => {
    const outcome = parseFrame(Buffer.from(telegramFromLines('FLU5\\253769484_A', [
      '0-0:1.0.0(240112231815W)',
      '1-0:32.7.0(230.1*V)', '1-0:52.7.0(229.8*V)',
      '1-0:31.7.0(0l2.40*A)', // a letter l among the digits
      '1-0:51.7.0(003.10*A)',
      '1-0:21.7.0(02.851*kW)',
    ]), 'latin1'));
    expect(outcome.ok).toBe(true);
    const state = meterStateSchema.parse(meterStateFromTelegram(outcome.ok ? outcome.telegram : (null as never)));
    expect(state.phases).toEqual([
      { phase: 1, voltageV: 230.1, currentA: null, importKw: 2.851, exportKw: null },
      { phase: 2, voltageV: 229.8, currentA: 3.1, importKw: null, exportKw: null },
    ]);
    // and the site broker sees phase 1 as unknown (nothing may be added to it), phase 2 as 3.1 A
    const base = baseCurrents({ grid: '3x400', phases: 3, amps: 25 }, state.phases as Parameters<typeof baseCurrents>[1], []);
    expect([...base]).toEqual([[1, null], [2, 3.1], [3, null]]);
  });

  it('shows no gas from an empty M-Bus channel that writes a 1970 stamp and a bare 00000000', () => {
    const outcome = parseFrame(Buffer.from(telegramFromLines('ISK5\\2M550T-1012', [
      '0-0:1.0.0(200426223325S)',
      '0-1:24.1.0(003)', '0-1:96.1.0()', '0-1:24.2.1(700101010000W)(00000000)',
      '0-2:24.1.0(003)', '0-2:24.2.1(200426223001S)(00246.138*m3)',
    ]), 'latin1'));
    const state = meterStateFromTelegram(outcome.ok ? outcome.telegram : (null as never));
    expect([state.counters.gasM3, state.counters.gasTime]).toEqual([246.138, Date.parse('2020-04-26T20:30:01Z')]);
  });
});
