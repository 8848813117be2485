/**
 * One interface for every way P1 bytes reach us: a serial cable, a TCP dongle or ser2net, a
 * recorded file (and the simulator). A source only moves bytes and says how the link is; framing,
 * CRC and parsing happen downstream (main/p1/decoder.ts), so every source gets them alike.
 */

/**
 * - connecting: first attempt to open, nothing known yet
 * - open: the link is up (data flowing, or not yet due)
 * - silent: the link is up but nothing arrived for the silence threshold
 * - disconnected: a link that was up went away (cable pulled, peer closed); retrying
 * - error: the link cannot be opened (no such port, permission denied, refused); retrying
 * - ended: a finite source (a replay without loop) delivered everything
 * - stopped: stop() was called
 */
export type SourceState = 'connecting' | 'open' | 'silent' | 'disconnected' | 'error' | 'ended' | 'stopped';

export interface SourceStatus {
  state: SourceState;
  /** a stable short code for the condition, e.g. 'no-such-port', 'permission-denied', 'silent' */
  reason: string;
  /** what a person should read: what happened and what to do about it */
  message: string;
  /** when this status began, epoch ms (from the source's clock) */
  since: number;
}

export interface SourceSink {
  /** Bytes as they arrived. The chunk is only valid during the call: copy what you keep. */
  data(chunk: Uint8Array): void;
  /** Called when the state or its reason changes, never on every retry. */
  status(status: SourceStatus): void;
}

export interface P1Source {
  readonly kind: 'serial' | 'tcp' | 'replay' | 'simulator';
  /** where the bytes come from, for people: '/dev/ttyUSB0', '192.168.1.40:23', a file name */
  readonly description: string;
  /** Begin delivering to `sink`; failures are reported as status, never thrown. */
  start(sink: SourceSink): void;
  /** Close the link and cancel retries; no data or status (other than 'stopped') follows. */
  stop(): Promise<void>;
  status(): SourceStatus;
}

/** A problem opening or keeping a link, already put in words for people. */
export class SourceFailure extends Error {
  override name = 'SourceFailure';
  constructor(readonly reason: string, message: string) {
    super(message);
  }
}
