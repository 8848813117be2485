import { describe, expect, it } from 'vitest';
import { SerialPortMock } from 'serialport';
import { p1SourceSchema } from '../../main/config/schema.js';
import { createP1Source } from '../../main/p1/sources/factory.js';
import { ManualTimers } from '../support/manual-timers.js';

describe('P1 source chosen by p1.type', () => {
  it('builds a serial source on the configured port and silence threshold', async () => {
    const timers = new ManualTimers();
    SerialPortMock.binding.reset();
    SerialPortMock.binding.createPort('/dev/ttyAMA0');
    const config = p1SourceSchema.parse({ type: 'serial', port: '/dev/ttyAMA0', silenceSeconds: 30 });
    const source = createP1Source(config, { timers, serialBinding: SerialPortMock.binding });
    expect([source.kind, source.description]).toEqual(['serial', '/dev/ttyAMA0']);
    source.start({ data: () => undefined, status: () => undefined });
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(source.status().state).toBe('open');
    timers.advance(29_999);
    expect(source.status().state).toBe('open');
    timers.advance(1);
    expect(source.status()).toMatchObject({ state: 'silent', message: expect.stringMatching(/sent nothing for 30 s/) });
    await source.stop();
    SerialPortMock.binding.reset();
  });

  it('builds a TCP source for host:port', () => {
    const source = createP1Source(p1SourceSchema.parse({ type: 'tcp', host: '192.0.2.7', port: 8088 }));
    expect([source.kind, source.description]).toEqual(['tcp', '192.0.2.7:8088']);
    expect(source.status().state).toBe('stopped');
  });

  it('resolves a relative replay file against the configuration directory', () => {
    const source = createP1Source(p1SourceSchema.parse({ type: 'replay', file: 'rec/home.txt' }), { baseDir: '/etc/digital-meter' });
    expect([source.kind, source.description]).toEqual(['replay', '/etc/digital-meter/rec/home.txt']);
  });

  it('needs the simulator module for p1.type simulator', () => {
    expect(() => createP1Source(p1SourceSchema.parse({ type: 'simulator' }))).toThrow(/needs the simulator module/);
  });
});
