import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ConditionLog, silentLogger, type Logger } from '../../log/logger.js';
import { gapsBetween, splitAtTelegramStarts, DEFAULT_GAP_MS } from './replay-pacing.js';
import { systemTimers, type TimerHandle, type Timers } from './timers.js';
import type { P1Source, SourceSink, SourceState, SourceStatus } from './types.js';

export interface ReplaySourceOptions {
  file: string;
  /** 1 = real speed (the meter's own pace), N = N times faster, 'max' = as fast as the consumer takes it */
  speed: number | 'max';
  /** start again from the first telegram after the last */
  loop?: boolean;
  timers?: Timers;
  log?: Logger;
  /** default: node:fs readFile */
  readBytes?: (file: string) => Promise<Uint8Array>;
  /** how 'max' lets other work run between batches; default setImmediate */
  defer?: (fn: () => void) => void;
}

/** At 'max', deliver about this much before letting the event loop breathe. */
const MAX_SPEED_BATCH_BYTES = 256 * 1024;

/**
 * A recorded P1 stream played back as if it came from the meter, one telegram at a time, paced
 * by the meter's timestamps (one per second where they cannot tell). The recording is read
 * whole: a day of telegrams is under 100 MB.
 */
export class ReplaySource implements P1Source {
  readonly kind = 'replay';
  readonly description: string;
  private readonly timers: Timers;
  private readonly conditions: ConditionLog;
  private current: SourceStatus;
  private sink: SourceSink | null = null;
  private telegrams: Uint8Array[] = [];
  private gaps: number[] = [];
  private next = 0;
  /** when telegram `next` is due, as ms of recording time since `startedAt` */
  private recordingOffset = 0;
  private startedAt = 0;
  private timer: TimerHandle | null = null;
  private stopped = false;

  constructor(private readonly options: ReplaySourceOptions) {
    this.description = options.file;
    this.timers = options.timers ?? systemTimers;
    this.conditions = new ConditionLog(options.log ?? silentLogger());
    this.current = { state: 'stopped', reason: 'not-started', message: `${options.file}: not started`, since: this.timers.now() };
    if (options.speed !== 'max' && !(options.speed > 0)) throw new RangeError(`replay speed must be positive or 'max', got ${options.speed}`);
  }

  status(): SourceStatus {
    return this.current;
  }

  start(sink: SourceSink): void {
    if (this.sink) throw new Error(`replay of ${this.description} was already started`);
    this.sink = sink;
    this.setStatus('connecting', 'reading', `Reading the recording ${this.description}`);
    void this.load();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.setStatus('stopped', 'stopped', `Stopped replaying ${this.description}`);
  }

  private async load(): Promise<void> {
    let bytes: Uint8Array;
    try {
      bytes = await (this.options.readBytes ?? readFile)(this.options.file);
    } catch (error) {
      if (this.stopped) return;
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? 'no-such-file' : code === 'EACCES' ? 'permission-denied' : 'read-failed';
      this.setStatus('error', reason, `Cannot read the recording ${this.description}: ${(error as Error).message}`);
      return;
    }
    if (this.stopped) return;
    this.telegrams = splitAtTelegramStarts(bytes);
    if (!this.telegrams.some((t) => t[0] === 0x2f)) {
      this.setStatus('error', 'no-telegrams', `The recording ${this.description} holds no P1 telegram (no '/' anywhere in ${bytes.length} bytes).`);
      return;
    }
    this.gaps = gapsBetween(this.telegrams);
    const { speed, loop } = this.options;
    const pace = speed === 'max' ? 'as fast as possible' : speed === 1 ? 'at real speed' : `at ${speed}x real speed`;
    this.setStatus('open', 'replaying', `Replaying ${basename(this.description)}: ${this.telegrams.length} telegrams ${pace}${loop ? ', looping' : ''}`);
    this.startedAt = this.timers.now();
    if (speed === 'max') this.deliverBatch();
    else this.deliverDue();
  }

  /** Real or N-times speed: deliver what is due, then sleep until the next one is. */
  private deliverDue(): void {
    this.timer = null;
    const speed = this.options.speed as number;
    while (!this.stopped && this.next < this.telegrams.length) {
      const dueAt = this.startedAt + this.recordingOffset / speed;
      const wait = dueAt - this.timers.now();
      if (wait > 0) {
        this.timer = this.timers.setTimeout(() => this.deliverDue(), wait);
        return;
      }
      this.deliverNext();
    }
  }

  private deliverBatch(): void {
    let bytes = 0;
    while (!this.stopped && this.next < this.telegrams.length && bytes < MAX_SPEED_BATCH_BYTES) {
      bytes += this.telegrams[this.next]!.length;
      this.deliverNext();
    }
    if (!this.stopped && this.next < this.telegrams.length) (this.options.defer ?? setImmediate)(() => this.deliverBatch());
  }

  private deliverNext(): void {
    const telegram = this.telegrams[this.next]!;
    this.next++;
    if (this.next < this.telegrams.length) {
      this.recordingOffset += this.gaps[this.next]!;
    } else if (this.options.loop) {
      this.next = 0;
      this.recordingOffset += DEFAULT_GAP_MS;
    }
    this.sink?.data(telegram);
    if (this.next >= this.telegrams.length && !this.options.loop) {
      this.setStatus('ended', 'end-of-file', `Replay of ${basename(this.description)} finished: ${this.telegrams.length} telegrams`);
    }
  }

  private setStatus(state: SourceState, reason: string, message: string): void {
    if (this.current.state === state && this.current.reason === reason) return;
    this.current = { state, reason, message, since: this.timers.now() };
    this.conditions.report(`p1 replay ${this.description}`, `${state}:${reason}`, state === 'error' ? 'error' : 'info', message, { source: 'replay' });
    this.sink?.status(this.current);
  }
}
