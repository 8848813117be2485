import { describe, expect, it } from 'vitest';
import { misreadAtBaud } from './support/uart.js';

describe('a UART at the wrong speed (the bytes the serial faults write)', () => {
  it('at the right speed, the bytes themselves', () => {
    const bytes = Buffer.from('/FLU5\\253700412_A\r\n!3A96\r\n', 'latin1');
    expect(misreadAtBaud(bytes, 115200, 115200)).toEqual(bytes);
  });

  it('0x00 sent at 9600, read at 19200: one byte 0x00 with a framing error, then nothing', () => {
    // the line is low for 9 sent bits (start + 8 zero bits) = 18 read bits: the receiver samples
    // eight 0 data bits, then its stop bit at 9.5 read bits is still low (framing error: 0x00),
    // and the line only goes high at the sent stop bit, with no falling edge after it
    expect([...misreadAtBaud(Buffer.from([0x00]), 9600, 19200)]).toEqual([0x00]);
  });

  it('0xFF sent at 9600, read at 19200: the start bit alone reads as 0xFE, framed', () => {
    // low for 1 sent bit = 2 read bits: read bit 0 (at 1.5) is low, bits 1-7 (2.5 ... 8.5) and
    // the stop bit (9.5) high: 0b11111110, and no falling edge after it
    expect([...misreadAtBaud(Buffer.from([0xff]), 9600, 19200)]).toEqual([0xfe]);
  });

  it('a telegram sent at 115200 and read at 9600 comes out as a twelfth as many bytes, none of them its text', () => {
    const telegram = Buffer.from('/FLU5\\253700412_A\r\n\r\n0-0:96.1.4(50217)\r\n1-0:1.8.1(005936.323*kWh)\r\n!3A96\r\n', 'latin1');
    const read = misreadAtBaud(telegram, 115200, 9600);
    expect(read.length).toBeLessThan(telegram.length / 6);
    expect(read.length).toBeGreaterThan(0);
    expect(read.toString('latin1')).not.toContain('FLU');
  });
});
