/**
 * Reads one direction of a websocket connection as it passes through a relay: first the HTTP
 * upgrade (request or 101 answer), then frames (RFC 6455 section 5.2), unmasking a client's.
 * The bus turns off permessage-deflate, so text frames are the JSON messages themselves; the
 * relay uses this to note when a telegram or a grant reached a satellite. Frames are read
 * whole; a message split into continuation frames is joined.
 */
export interface WireMessage {
  opcode: number;
  text: string;
}

export class WsWiretap {
  private buffer: Buffer = Buffer.alloc(0);
  private headerDone = false;
  private fragments: Buffer[] = [];
  private fragmentOpcode = 0;
  /** set when the bytes stop making sense as websocket frames (then nothing more is read) */
  broken: string | null = null;

  /** Feed bytes in stream order; returns the messages they complete. */
  push(chunk: Buffer): WireMessage[] {
    if (this.broken) return [];
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    if (!this.headerDone) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return [];
      this.headerDone = true;
      this.buffer = this.buffer.subarray(end + 4);
    }
    const out: WireMessage[] = [];
    for (;;) {
      const frame = this.nextFrame();
      if (!frame) break;
      if (frame.opcode >= 0x8) {
        out.push({ opcode: frame.opcode, text: '' });
        continue;
      }
      if (frame.opcode !== 0) this.fragmentOpcode = frame.opcode;
      this.fragments.push(frame.payload);
      if (frame.fin) {
        out.push({ opcode: this.fragmentOpcode, text: Buffer.concat(this.fragments).toString('utf8') });
        this.fragments = [];
      }
    }
    return out;
  }

  private nextFrame(): { fin: boolean; opcode: number; payload: Buffer } | null {
    const b = this.buffer;
    if (b.length < 2) return null;
    const fin = (b[0]! & 0x80) !== 0;
    const opcode = b[0]! & 0x0f;
    const masked = (b[1]! & 0x80) !== 0;
    let length = b[1]! & 0x7f;
    let at = 2;
    if (length === 126) {
      if (b.length < 4) return null;
      length = b.readUInt16BE(2);
      at = 4;
    } else if (length === 127) {
      if (b.length < 10) return null;
      const big = b.readBigUInt64BE(2);
      if (big > 64n * 1024n * 1024n) {
        this.broken = `a frame of ${big} bytes`;
        return null;
      }
      length = Number(big);
      at = 10;
    }
    const maskAt = at;
    if (masked) at += 4;
    if (b.length < at + length) return null;
    const payload = Buffer.from(b.subarray(at, at + length));
    if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= b[maskAt + (i % 4)]!;
    this.buffer = b.subarray(at + length);
    return { fin, opcode, payload };
  }
}
