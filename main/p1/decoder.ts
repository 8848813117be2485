import type { FrameResult } from '../../shared/p1/telegram.js';
import { MAX_FRAME_BYTES, P1Framer, type RawFrame } from './framer.js';
import { parseFrame } from './parse.js';

/**
 * Bytes in, one result per frame out: framing, CRC, parsing and the DST context (the time of
 * the last accepted telegram) in one place, so every source and command decodes alike.
 * `raw` is valid only during the callback.
 */
export class TelegramDecoder {
  private readonly framer: P1Framer;
  private previousTime: number | null = null;

  constructor(private readonly onResult: (result: FrameResult, raw: Uint8Array) => void, private readonly maxFrameBytes = MAX_FRAME_BYTES) {
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
      const detail = frame.status === 'too-long'
        ? `no "!" and CRC within ${this.maxFrameBytes} bytes: skipped up to the next "/"`
        : truncatedDetail(frame.bytes);
      this.onResult({ ok: false, error: frame.status, offset: frame.offset, detail }, frame.bytes);
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

/** Where a truncated frame stopped, for `--detail` and the log. */
function truncatedDetail(bytes: Uint8Array): string {
  let lines = 1;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) lines++;
  const bang = bytes.indexOf(0x21);
  if (bang >= 0) return `the frame ends at "!" without its CRC (${bytes.length} bytes)`;
  return `cut short after ${bytes.length} bytes, in line ${lines}, before its "!" and CRC: the next "/" or the end of the input came first`;
}
