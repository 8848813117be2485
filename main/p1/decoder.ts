import type { FrameResult } from '../../shared/p1/telegram.js';
import { P1Framer, type RawFrame } from './framer.js';
import { parseFrame } from './parse.js';

/**
 * Bytes in, one result per frame out: framing, CRC, parsing and the DST context (the time of
 * the last accepted telegram) in one place, so every source and command decodes alike.
 * `raw` is valid only during the callback.
 */
export class TelegramDecoder {
  private readonly framer: P1Framer;
  private previousTime: number | null = null;

  constructor(private readonly onResult: (result: FrameResult, raw: Uint8Array) => void, maxFrameBytes?: number) {
    this.framer = new P1Framer((frame) => this.onFrame(frame), maxFrameBytes);
  }

  feed(chunk: Uint8Array): void {
    this.framer.feed(chunk);
  }

  end(): void {
    this.framer.end();
  }

  private onFrame(frame: RawFrame): void {
    if (frame.status !== 'complete') {
      this.onResult({ ok: false, error: frame.status, offset: frame.offset }, frame.bytes);
      return;
    }
    const outcome = parseFrame(frame.bytes, { previousTime: this.previousTime });
    if (outcome.ok) {
      if (outcome.telegram.time !== null) this.previousTime = outcome.telegram.time;
      this.onResult({ ok: true, telegram: outcome.telegram, offset: frame.offset }, frame.bytes);
    } else {
      this.onResult({ ok: false, error: outcome.error, offset: frame.offset, detail: outcome.detail }, frame.bytes);
    }
  }
}
