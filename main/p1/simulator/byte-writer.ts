/**
 * Writes ASCII into a reused byte buffer: constant pieces are pre-encoded once and numbers are
 * written digit by digit, so formatting a telegram allocates nothing (strings and toFixed in
 * the hot path would cost more than the whole simulation).
 */
export function ascii(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) throw new RangeError(`not ASCII: ${JSON.stringify(text)}`);
    bytes[i] = code;
  }
  return bytes;
}

const POWERS_OF_TEN = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000];

export class ByteWriter {
  buffer: Uint8Array;
  length = 0;

  constructor(capacity = 4096) {
    this.buffer = new Uint8Array(capacity);
  }

  reset(): void {
    this.length = 0;
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + extra));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  bytes(piece: Uint8Array): void {
    const n = piece.length;
    this.ensure(n);
    if (n > 24) {
      this.buffer.set(piece, this.length);
    } else {
      // a plain loop beats TypedArray.set for the short pieces that make up most of a telegram
      const buffer = this.buffer;
      const at = this.length;
      for (let i = 0; i < n; i++) buffer[at + i] = piece[i]!;
    }
    this.length += n;
  }

  byte(value: number): void {
    this.ensure(1);
    this.buffer[this.length++] = value;
  }

  /** A non-negative integer, zero-padded to at least `width` digits (wider if it must be). */
  digits(value: number, width: number): void {
    let n = Math.floor(value);
    if (n > 0x7fffffff) {
      this.wideDigits(n, width);
      return;
    }
    let count = 1;
    for (let v = (n / 10) | 0; v > 0; v = (v / 10) | 0) count++;
    if (count < width) count = width;
    this.ensure(count);
    const buffer = this.buffer;
    const end = this.length + count;
    for (let i = end - 1; i >= this.length; i--) {
      const next = (n / 10) | 0;
      buffer[i] = 48 + n - next * 10;
      n = next;
    }
    this.length = end;
  }

  private wideDigits(n: number, width: number): void {
    const text = String(n).padStart(width, '0');
    this.ensure(text.length);
    for (let i = 0; i < text.length; i++) this.buffer[this.length++] = text.charCodeAt(i);
  }

  /** A scaled integer as fixed point: fixed(401, 2, 3) writes "00.401". */
  fixed(scaled: number, integerDigits: number, decimals: number): void {
    const scale = POWERS_OF_TEN[decimals]!;
    const whole = Math.floor(scaled / scale);
    this.digits(whole, integerDigits);
    this.byte(0x2e);
    this.digits(scaled - whole * scale, decimals);
  }

  hex4(value: number): void {
    for (let shift = 12; shift >= 0; shift -= 4) {
      const nibble = (value >>> shift) & 0xf;
      this.byte(nibble < 10 ? 48 + nibble : 55 + nibble);
    }
  }
}
