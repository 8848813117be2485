/**
 * Incremental P1 framer: bytes in any chunking, complete frames out.
 *
 * A '/' never occurs inside a telegram, so every '/' starts a new frame, even in the middle of
 * a line: when bytes are lost on the cable, a truncated frame is followed directly by the next
 * '/', and it must not swallow that frame. A frame ends at the line end after its '!' and CRC.
 * Memory is bounded: a frame that grows past `maxFrameBytes` without its end is reported as
 * too long and skipped up to the next '/'.
 */
export type FrameStatus = 'complete' | 'truncated' | 'too-long';

export interface RawFrame {
  /** the frame's bytes from '/' up to and including the line end after the CRC (or as far as it got);
   *  valid only during the callback: copy them to keep them */
  bytes: Uint8Array;
  /** byte offset of the frame's '/' in the whole input */
  offset: number;
  status: FrameStatus;
}

const SLASH = 0x2f;
const BANG = 0x21;
const LF = 0x0a;

/** Telegrams are ~1 KB; 13 months of peak history stay far below this (p1-belgium.md). */
export const MAX_FRAME_BYTES = 16 * 1024;

export class P1Framer {
  /** bytes of the current frame carried over from earlier chunks */
  private readonly pending: Uint8Array;
  private pendingLength = 0;
  /** inside a frame (a '/' was seen and its end not yet) */
  private inFrame = false;
  /** the current frame already passed its '!': the next line end closes it */
  private sawBang = false;
  /** skipping a too-long frame until the next '/' */
  private skipping = false;
  private frameOffset = 0;
  /** bytes consumed before the current chunk */
  private consumed = 0;

  constructor(
    private readonly onFrame: (frame: RawFrame) => void,
    private readonly maxFrameBytes = MAX_FRAME_BYTES,
  ) {
    this.pending = new Uint8Array(maxFrameBytes);
  }

  feed(chunk: Uint8Array): void {
    const length = chunk.length;
    let position = 0;
    // Where the current frame's bytes begin in this chunk (it may have begun in an earlier one).
    let segmentStart = 0;
    // Cached next positions of '/', '!' and LF; -2 = not searched yet, -1 = none in this chunk.
    let nextSlash = -2;
    let nextBang = -2;
    let nextLf = -2;

    while (position < length) {
      if (nextSlash !== -1 && nextSlash < position) nextSlash = chunk.indexOf(SLASH, position);
      if (!this.inFrame) {
        if (nextSlash === -1) break;
        this.startFrame(nextSlash);
        segmentStart = nextSlash;
        position = nextSlash + 1;
        continue;
      }
      if (this.skipping) {
        if (nextSlash === -1) break;
        this.inFrame = false;
        this.skipping = false;
        continue;
      }
      // Inside a frame: it ends at the line end after '!', or is cut short by the next '/'.
      let end = -1;
      if (!this.sawBang) {
        if (nextBang !== -1 && nextBang < position) nextBang = chunk.indexOf(BANG, position);
        if (nextBang !== -1 && (nextSlash === -1 || nextBang < nextSlash)) {
          this.sawBang = true;
          position = nextBang + 1;
          if (this.overflows(chunk, segmentStart, position)) continue;
        }
      }
      if (this.sawBang) {
        if (nextLf !== -1 && nextLf < position) nextLf = chunk.indexOf(LF, position);
        if (nextLf !== -1 && (nextSlash === -1 || nextLf < nextSlash)) end = nextLf + 1;
      }
      if (end !== -1) {
        if (this.overflows(chunk, segmentStart, end)) continue;
        this.emit(chunk, segmentStart, end, 'complete');
        position = end;
        continue;
      }
      if (nextSlash !== -1) {
        // A new frame starts before this one ended. After '!' the CRC may still be whole
        // (only its line end was lost): let the CRC decide. Otherwise it is truncated.
        if (!this.overflows(chunk, segmentStart, nextSlash)) {
          this.emit(chunk, segmentStart, nextSlash, this.sawBang ? 'complete' : 'truncated');
        }
        this.inFrame = false;
        this.skipping = false;
        position = nextSlash;
        continue;
      }
      break;
    }
    // A frame still open continues in the next chunk: keep its bytes from this one.
    if (this.inFrame && !this.skipping && !this.overflows(chunk, segmentStart, length)) this.keep(chunk, segmentStart, length);
    this.consumed += length;
  }

  /** The input ended: a frame still open is reported (truncated, unless its CRC is there). */
  end(): void {
    if (this.inFrame && !this.skipping) {
      const status = this.sawBang && this.pendingLength > 0 && this.pending[this.pendingLength - 1] !== BANG
        ? 'complete' : 'truncated';
      this.onFrame({ bytes: this.pending.subarray(0, this.pendingLength), offset: this.frameOffset, status });
    }
    this.inFrame = false;
    this.skipping = false;
    this.pendingLength = 0;
  }

  private startFrame(indexInChunk: number): void {
    this.inFrame = true;
    this.sawBang = false;
    this.skipping = false;
    this.pendingLength = 0;
    this.frameOffset = this.consumed + indexInChunk;
  }

  /** Reports, and starts skipping, a frame that would exceed the bound with chunk[from, to) added. */
  private overflows(chunk: Uint8Array, from: number, to: number): boolean {
    if (this.pendingLength + (to - from) <= this.maxFrameBytes) return false;
    // Report the frame's first maxFrameBytes, whatever the chunking, for the raw log.
    this.keep(chunk, from, from + this.maxFrameBytes - this.pendingLength);
    this.onFrame({ bytes: this.pending.subarray(0, this.pendingLength), offset: this.frameOffset, status: 'too-long' });
    this.pendingLength = 0;
    this.skipping = true;
    return true;
  }

  private keep(chunk: Uint8Array, from: number, to: number): void {
    this.pending.set(chunk.subarray(from, to), this.pendingLength);
    this.pendingLength += to - from;
  }

  private emit(chunk: Uint8Array, from: number, to: number, status: FrameStatus): void {
    let bytes: Uint8Array;
    if (this.pendingLength === 0) {
      bytes = chunk.subarray(from, to); // the whole frame is in this chunk: no copy
    } else {
      this.keep(chunk, from, to);
      bytes = this.pending.subarray(0, this.pendingLength);
    }
    this.inFrame = false;
    this.sawBang = false;
    this.pendingLength = 0;
    this.onFrame({ bytes, offset: this.frameOffset, status });
  }
}
