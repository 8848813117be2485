import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  classifySerialOpenError, listSerialPorts, serialOpenMessage, serialSilentMessage,
} from '../../main/p1/sources/serial-problems.js';

describe('serial open errors', () => {
  it('classifies the messages serialport bindings produce', () => {
    // message texts as produced by @serialport/bindings-cpp on Linux and by the mock binding
    expect(classifySerialOpenError(new Error('Error: No such file or directory, cannot open /dev/ttyUSB0'))).toBe('no-such-port');
    expect(classifySerialOpenError(new Error("Port does not exist - please call MockBinding.createPort('/dev/ttyUSB0') first"))).toBe('no-such-port');
    expect(classifySerialOpenError(new Error('Error: Permission denied, cannot open /dev/ttyUSB0'))).toBe('permission-denied');
    expect(classifySerialOpenError(Object.assign(new Error('open failed'), { code: 'EACCES' }))).toBe('permission-denied');
    expect(classifySerialOpenError(new Error('Error Resource temporarily unavailable Cannot lock port'))).toBe('port-busy');
    expect(classifySerialOpenError(new Error('Port is locked cannot open'))).toBe('port-busy');
    expect(classifySerialOpenError(new Error('Error: Input/output error'))).toBe('open-failed');
  });

  it('lists the ports that exist when the configured one does not', () => {
    const message = serialOpenMessage('no-such-port', { path: '/dev/ttyUSB0', existingPorts: ['/dev/ttyUSB1', '/dev/ttyAMA0'], user: 'pi', detail: '' });
    expect(message).toBe('Serial port /dev/ttyUSB0 does not exist. Serial ports on this machine: /dev/ttyUSB1, /dev/ttyAMA0. '
      + 'Set p1.port in the configuration to the one the P1 cable is on.');
  });

  it('asks whether the cable is plugged in when no serial port exists at all', () => {
    const message = serialOpenMessage('no-such-port', { path: '/dev/ttyUSB0', existingPorts: [], user: 'pi', detail: '' });
    expect(message).toContain('there is no /dev/ttyUSB*, /dev/ttyACM* or /dev/ttyAMA* port at all: is the P1 cable plugged into this machine?');
  });

  it('gives the exact dialout command for permission denied', () => {
    const message = serialOpenMessage('permission-denied', { path: '/dev/ttyUSB0', existingPorts: [], user: 'pi', detail: '' });
    expect(message).toContain('sudo usermod -a -G dialout pi');
    expect(message).toContain('log out and in again');
  });

  it('points at Mijn Fluvius when an open port stays silent', () => {
    const message = serialSilentMessage('/dev/ttyUSB0', 10);
    expect(message).toMatch(/^\/dev\/ttyUSB0 is open but the meter has sent nothing for 10 s\./);
    expect(message).toContain('Mijn Fluvius');
  });

  it('lists ttyUSB, ttyACM and ttyAMA devices in natural order, nothing else', async () => {
    const dev = mkdtempSync(join(tmpdir(), 'dev-'));
    for (const name of ['ttyUSB10', 'ttyUSB2', 'ttyAMA0', 'ttyS0', 'sda', 'ttyACM0', 'tty1']) writeFileSync(join(dev, name), '');
    expect(await listSerialPorts(dev)).toEqual([`${dev}/ttyACM0`, `${dev}/ttyAMA0`, `${dev}/ttyUSB2`, `${dev}/ttyUSB10`]);
  });

  it('lists nothing when /dev cannot be read', async () => {
    expect(await listSerialPorts('/nonexistent-dev-dir')).toEqual([]);
  });
});
