import { describe, expect, it } from 'vitest';
import { crc16, formatCrc } from '../../main/p1/crc16.js';

describe('CRC-16/ARC', () => {
  it('gives the standard check value for "123456789"', () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0xbb3d);
  });

  it('is 0 for no bytes and covers only the given range', () => {
    expect(crc16(Buffer.alloc(0))).toBe(0);
    expect(crc16(Buffer.from('xx123456789yy'), 2, 11)).toBe(0xbb3d);
  });

  it('formats as four uppercase hex digits, padded', () => {
    expect(formatCrc(0xbb3d)).toBe('BB3D');
    expect(formatCrc(0x0b9f)).toBe('0B9F');
  });
});

describe('CRC-16/ARC against an independent bitwise implementation', () => {
  it('agrees on random byte strings of every length from 0 to 300, at any start', async () => {
    const { referenceCrc16Arc } = await import('../support/crc-reference.js');
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    for (let length = 0; length <= 300; length++) {
      const bytes = Buffer.from(Array.from({ length: length + 3 }, next));
      expect(formatCrc(crc16(bytes, 3, bytes.length))).toBe(referenceCrc16Arc(bytes.subarray(3).toString('latin1')));
    }
  });
});
