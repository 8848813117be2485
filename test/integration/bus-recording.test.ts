import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenHolder } from '../../main/bus/auth.js';
import { BusClient } from '../../main/bus/client.js';
import { meterStateFromTelegram } from '../../main/bus/meter-state.js';
import { BusServer } from '../../main/bus/server.js';
import { StateHub } from '../../main/bus/state-hub.js';
import { TelegramDecoder } from '../../main/p1/decoder.js';
import { haveRecording, noRecordingReason, recordingPath } from '../support/shared-fixtures.js';
import { WsProbe, eventually } from '../support/ws-probe.js';

const TOKEN = 'recording-test-token-0123456789';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.skipIf(!haveRecording)(`the real 20-minute recording over the bus ${haveRecording ? '' : noRecordingReason}`, () => {
  it('every telegram reaches a satellite as a delta, and the satellite ends with the meter\'s last values', async () => {
    const hub = new StateHub();
    const server = await BusServer.listen({ hub, tokens: new TokenHolder(TOKEN), host: '127.0.0.1', port: 0 });
    cleanups.push(() => server.close());
    const sat = new BusClient({ url: server.address().url, token: TOKEN, role: 'ev' });
    cleanups.push(() => sat.close());
    let deltas = 0;
    sat.on('delta', () => { deltas++; });
    sat.start();
    await eventually(() => sat.connected, 'the satellite connected');
    const term = await WsProbe.open(server.address().url);
    cleanups.push(() => term.close());
    term.send('auth ' + TOKEN);
    term.send('watch meter.counters.gasM3');
    await term.until(() => term.messages.length === 2, 'the watch to be set');
    expect(term.messages).toEqual(['ok: authenticated; type help', 'meter.counters.gasM3: no such key']);

    let telegrams = 0;
    const decoder = new TelegramDecoder((result) => {
      if (!result.ok) return;
      telegrams++;
      hub.update({ meter: meterStateFromTelegram(result.telegram) });
    });
    decoder.feed(readFileSync(recordingPath));
    decoder.end();

    expect(telegrams).toBeGreaterThan(1000);
    await eventually(() => deltas === telegrams, `${telegrams} deltas at the satellite`, 10_000);
    const meter = sat.current!.meter!;
    // the recording's last telegram: 0-0:1.0.0(221127181707W), 1.8.1 3594.884, 1.8.2 3113.877, gas 1582.524 m3 at 18:15:59 W
    expect(meter.time).toBe(Date.UTC(2022, 10, 27, 17, 17, 7));
    expect(meter.counters).toEqual({
      importKwh: { t1: 3594.884, t2: 3113.877 },
      exportKwh: { t1: 0.304, t2: 0.149 },
      gasM3: 1582.524, gasTime: Date.UTC(2022, 10, 27, 17, 15, 59),
      waterM3: null, waterTime: null,
    });
    expect(sat.current).toEqual(hub.current);
    // the gas index moved a few times in 20 minutes; the terminal printed it each time it changed
    await term.until(() => term.messages.at(-1) === 'meter.counters.gasM3 = 1582.524', 'the last gas value on the terminal');
    // printed only when the gas index changed, not on every telegram
    const printed = term.messages.slice(2);
    expect(printed.length).toBeLessThan(10);
    expect(printed[0]).toBe('meter.counters.gasM3 = 1581.788');
    expect(new Set(printed).size).toBe(printed.length);
  });
});
