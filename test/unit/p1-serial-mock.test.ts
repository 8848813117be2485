import { SerialPortMock } from 'serialport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSerialSource, type SerialBinding } from '../../main/p1/sources/serial.js';
import type { SourceStatus } from '../../main/p1/sources/types.js';
import { telegramFromLines } from '../support/crc-reference.js';
import { captureLog } from '../support/capture-log.js';
import { ManualTimers } from '../support/manual-timers.js';

/**
 * The serial source without hardware: serialport's own mock binding stands in for the port,
 * a fake clock for time. Unplugging is the port closing under the reader; the device node
 * disappearing is MockBinding.reset().
 */
const MockBinding = SerialPortMock.binding;
type MockPortBinding = Awaited<ReturnType<typeof MockBinding.open>>;
const PATH = '/dev/ttyUSB0';
const telegram = telegramFromLines('FLU5\\253769484_A', ['0-0:96.1.4(50217)', '0-0:1.0.0(240112231815W)', '1-0:1.7.0(00.401*kW)']);

/** MockBinding, remembering each port it opens (so a test can pull the cable) and each attempt. */
function recordingBinding() {
  const opened: MockPortBinding[] = [];
  const attempts: number[] = [];
  const binding: SerialBinding & { opened: MockPortBinding[]; attempts: number[] } = {
    opened,
    attempts,
    async open(options) {
      attempts.push(timers.now());
      const port = await MockBinding.open(options);
      opened.push(port);
      return port;
    },
  };
  return binding;
}

let timers: ManualTimers;
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
async function advance(ms: number) {
  timers.advance(ms);
  for (let i = 0; i < 5; i++) await settle();
}

function startSource(binding: SerialBinding, extra: { listPorts?: () => Promise<string[]> } = {}) {
  const { log, lines } = captureLog();
  const statuses: SourceStatus[] = [];
  const received: Buffer[] = [];
  const source = createSerialSource({
    path: PATH, binding, timers, log, listPorts: extra.listPorts ?? (async () => ['/dev/ttyUSB1', '/dev/ttyAMA0']),
  });
  source.start({ data: (chunk) => received.push(Buffer.from(chunk)), status: (s) => statuses.push(s) });
  return { source, statuses, received, lines, states: () => statuses.map((s) => `${s.state}:${s.reason}`) };
}

beforeEach(() => {
  MockBinding.reset();
  timers = new ManualTimers();
});
afterEach(() => MockBinding.reset());

describe('serial source on the mock binding', () => {
  it('opens at 115200 8N1 and passes the bytes on untouched', async () => {
    MockBinding.createPort(PATH);
    const binding = recordingBinding();
    const run = startSource(binding);
    await advance(0);
    expect(run.states()).toEqual(['connecting:opening', 'open:opened']);
    expect(run.statuses[1]!.message).toBe('Opened /dev/ttyUSB0 at 115200 8N1');
    expect(binding.opened[0]!.openOptions).toMatchObject({ baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 });
    binding.opened[0]!.emitData(Buffer.from(telegram, 'latin1'));
    await advance(0);
    expect(Buffer.concat(run.received).toString('latin1')).toBe(telegram);
    await run.source.stop();
  });

  it('says the port does not exist, lists the ones that do, and opens it once it appears', async () => {
    const binding = recordingBinding();
    const run = startSource(binding);
    await advance(0);
    expect(run.source.status()).toMatchObject({ state: 'error', reason: 'no-such-port' });
    expect(run.source.status().message).toMatch(/^Serial port \/dev\/ttyUSB0 does not exist\. Serial ports on this machine: \/dev\/ttyUSB1, \/dev\/ttyAMA0\./);
    expect(run.source.status().message).toContain('Retrying by itself');

    MockBinding.createPort(PATH);
    await advance(1000);
    expect(run.source.status()).toMatchObject({ state: 'open', reason: 'reopened', message: 'Opened /dev/ttyUSB0 at 115200 8N1, after 1 s down (no-such-port)' });
    await run.source.stop();
  });

  it('says how to get permission: the dialout group, with the exact command', async () => {
    // the text @serialport/bindings-cpp gives on Linux for EACCES (root cannot provoke it for real)
    const denied: SerialBinding = { open: async () => { throw new Error('Error: Permission denied, cannot open /dev/ttyUSB0'); } };
    const run = startSource(denied);
    await advance(0);
    expect(run.source.status()).toMatchObject({ state: 'error', reason: 'permission-denied' });
    expect(run.source.status().message).toMatch(/^No permission to open \/dev\/ttyUSB0\. Add your user to the dialout group: sudo usermod -a -G dialout \S+ — then log out and in again/);
    await run.source.stop();
  });

  it('retries 1, 2, 4 ... 30 s apart and logs the condition once, not per retry', async () => {
    const binding = recordingBinding();
    const run = startSource(binding);
    await advance(0);
    for (let second = 0; second < 300; second++) await advance(1000);
    // attempts at 0, 1, 3, 7, 15, 31 s, then every 30 s: 61, 91 ... 271
    const start = binding.attempts[0]!;
    expect(binding.attempts.map((t) => (t - start) / 1000)).toEqual([0, 1, 3, 7, 15, 31, 61, 91, 121, 151, 181, 211, 241, 271]);
    expect(run.states()).toEqual(['connecting:opening', 'error:no-such-port']);
    expect(run.lines.filter((l) => l.condition !== undefined).map((l) => l.state)).toEqual(['connecting:opening', 'error:no-such-port']);
    await run.source.stop();
  });

  it('reports a pulled cable, waits for the device to come back, and reads again', async () => {
    MockBinding.createPort(PATH);
    const binding = recordingBinding();
    const run = startSource(binding);
    await advance(0);
    binding.opened[0]!.emitData(Buffer.from(telegram, 'latin1'));
    await advance(0);

    // pull the cable: the open port fails under the reader and the device node goes away
    MockBinding.reset();
    await binding.opened[0]!.close();
    await advance(0);
    expect(run.source.status()).toMatchObject({ state: 'disconnected', reason: 'unplugged' });
    expect(run.source.status().message).toMatch(/^Lost \/dev\/ttyUSB0 while reading \(.*\): the cable was probably pulled out\./);
    await advance(1000);
    expect(run.source.status()).toMatchObject({ state: 'error', reason: 'no-such-port' });

    // plug it back in: found on the next retry (2 s later)
    MockBinding.createPort(PATH);
    await advance(2000);
    expect(run.source.status()).toMatchObject({ state: 'open', reason: 'reopened', message: 'Opened /dev/ttyUSB0 at 115200 8N1, after 3 s down (unplugged, then no-such-port)' });
    binding.opened[1]!.emitData(Buffer.from(telegram, 'latin1'));
    await advance(0);
    expect(Buffer.concat(run.received).toString('latin1')).toBe(telegram + telegram);
    expect(run.states()).toEqual(['connecting:opening', 'open:opened', 'disconnected:unplugged', 'error:no-such-port', 'open:reopened']);
    await run.source.stop();
  });

  it('says an open port is silent after 10 s, pointing at Mijn Fluvius, and notices data again', async () => {
    MockBinding.createPort(PATH);
    const binding = recordingBinding();
    const run = startSource(binding);
    await advance(0);
    await advance(9_999);
    expect(run.source.status().state).toBe('open');
    await advance(1);
    expect(run.source.status()).toMatchObject({ state: 'silent', reason: 'silent' });
    expect(run.source.status().message).toContain('Mijn Fluvius');
    await advance(50_000);
    binding.opened[0]!.emitData(Buffer.from(telegram, 'latin1'));
    await advance(0);
    expect(run.source.status()).toMatchObject({ state: 'open', reason: 'data-again', message: 'Data again from /dev/ttyUSB0 after 60 s of silence' });
    // data every second keeps it open
    for (let i = 0; i < 30; i++) {
      binding.opened[0]!.emitData(Buffer.from(telegram, 'latin1'));
      await advance(1000);
    }
    expect(run.source.status().reason).toBe('data-again');
    expect(run.states()).toEqual(['connecting:opening', 'open:opened', 'silent:silent', 'open:data-again']);
    await run.source.stop();
  });

  it('stops: closes the port and makes no further attempts', async () => {
    const binding = recordingBinding();
    const run = startSource(binding);
    await advance(0);
    await run.source.stop();
    MockBinding.createPort(PATH);
    await advance(60_000);
    expect(binding.attempts).toHaveLength(1);
    expect(run.source.status()).toMatchObject({ state: 'stopped' });
    expect(timers.count).toBe(0);
  });

  it('releases the port when stopped while it is open, so it can be opened again', async () => {
    MockBinding.createPort(PATH);
    const binding = recordingBinding();
    const run = startSource(binding);
    await advance(0);
    await run.source.stop();
    expect(binding.opened[0]!.isOpen).toBe(false);
    await expect(MockBinding.open({ path: PATH, baudRate: 115200 })).resolves.toBeDefined();
  });
});
