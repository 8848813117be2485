import type { FrameResult, RefusalReason, Telegram } from '../../shared/p1/telegram.js';
import { ConditionLog, silentLogger, type Logger } from '../log/logger.js';
import { TelegramDecoder } from './decoder.js';
import type { P1Source, SourceStatus } from './sources/types.js';

export interface FrameCounts {
  ok: number;
  refused: number;
  /** refusals by reason: a bad line shows as crc-mismatch, a pulled cable as truncated */
  refusedBy: Record<RefusalReason, number>;
  bytes: number;
}

export interface P1ReaderOptions {
  log?: Logger;
  /** epoch ms, for `latestAt`; default Date.now */
  now?: () => number;
}

export type TelegramListener = (telegram: Telegram, raw: Uint8Array) => void;

/** Distinct parse warnings remembered for logging once; past this, further kinds are counted quietly. */
const MAX_DISTINCT_WARNINGS = 200;

/**
 * The P1 reader service that `serve` runs: one source feeding the decoder, keeping the latest
 * telegram, counts of accepted and refused frames, and the source's status. A refused frame is
 * logged when refusals start and again when good frames return, not once per frame; a warning
 * on an accepted telegram (a line that could not be read) once per distinct warning, never
 * every second.
 */
export class P1Reader {
  private decoder: TelegramDecoder;
  private readonly conditions: ConditionLog;
  private readonly log: Logger;
  /** warnings already logged, by code and what was wrong (without the value as written) */
  private readonly loggedWarnings = new Set<string>();
  private readonly listeners = new Set<TelegramListener>();
  private readonly statusListeners = new Set<(status: SourceStatus) => void>();
  private readonly now: () => number;
  private latestTelegram: Telegram | null = null;
  private latestReceivedAt: number | null = null;
  private readonly frameCounts: FrameCounts = {
    ok: 0, refused: 0, bytes: 0, refusedBy: { 'crc-mismatch': 0, 'no-crc': 0, truncated: 0, malformed: 0, 'too-long': 0 },
  };

  constructor(readonly source: P1Source, options: P1ReaderOptions = {}) {
    this.log = options.log ?? silentLogger();
    this.conditions = new ConditionLog(this.log);
    this.now = options.now ?? Date.now;
    this.decoder = this.newDecoder();
  }

  start(): void {
    this.source.start({
      data: (chunk) => {
        this.frameCounts.bytes += chunk.length;
        this.decoder.feed(chunk);
      },
      status: (status) => this.handleStatus(status),
    });
  }

  async stop(): Promise<void> {
    await this.source.stop();
  }

  /** the last accepted telegram, or null before the first */
  latest(): Telegram | null {
    return this.latestTelegram;
  }

  /** when the latest telegram arrived (this machine's clock), epoch ms */
  latestAt(): number | null {
    return this.latestReceivedAt;
  }

  counts(): FrameCounts {
    return { ...this.frameCounts, refusedBy: { ...this.frameCounts.refusedBy } };
  }

  status(): SourceStatus {
    return this.source.status();
  }

  /** Called for every accepted telegram; `raw` is valid only during the call. Returns an unsubscribe. */
  onTelegram(listener: TelegramListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called on every status change of the source. Returns an unsubscribe. */
  onStatus(listener: (status: SourceStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  private handleStatus(status: SourceStatus): void {
    // A link that went away leaves half a telegram in the framer: close it off (counted as
    // truncated) so it is never glued to the first bytes after the reconnect.
    if (status.state !== 'open' && status.state !== 'silent') {
      this.decoder.end();
      this.decoder = this.newDecoder();
    }
    this.dispatch(this.statusListeners, (listener) => listener(status));
  }

  /**
   * A consumer that throws must not stop the meter being read (nor, from inside a serial read
   * loop, crash the process): its failure is logged when it starts and when it clears.
   */
  private dispatch<T>(listeners: Iterable<T>, invoke: (listener: T) => void): void {
    let failure: unknown = null;
    for (const listener of listeners) {
      try {
        invoke(listener);
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== null) {
      this.conditions.report('p1 consumers', 'failing', 'error', `A consumer of P1 telegrams failed: ${failure instanceof Error ? failure.message : String(failure)}`);
    } else if (this.conditions.current('p1 consumers') === 'failing') {
      this.conditions.report('p1 consumers', 'ok', 'info', 'P1 consumers handle telegrams again');
    }
  }

  private newDecoder(): TelegramDecoder {
    return new TelegramDecoder((result, raw) => this.onResult(result, raw));
  }

  private onResult(result: FrameResult, raw: Uint8Array): void {
    if (result.ok) {
      this.frameCounts.ok++;
      this.latestTelegram = result.telegram;
      this.latestReceivedAt = this.now();
      this.conditions.report('p1 frames', 'ok', 'info', 'P1 telegrams are being accepted');
      if (result.telegram.warnings.length) this.logWarnings(result.telegram);
      this.dispatch(this.listeners, (listener) => listener(result.telegram, raw));
      return;
    }
    this.frameCounts.refused++;
    this.frameCounts.refusedBy[result.error]++;
    this.conditions.report('p1 frames', 'refusing', 'warn', `P1 frame refused (${result.error}: ${result.detail}); counting further refusals quietly until frames are accepted again`);
  }

  /**
   * Each distinct warning once: keyed by the code and the text before the value as written
   * (': "…"'), so a counter garbled differently every second is still one warning.
   */
  private logWarnings(telegram: Telegram): void {
    for (const warning of telegram.warnings) {
      const valueAt = warning.text.indexOf(': "');
      const key = `${warning.code ?? '-'} ${valueAt < 0 ? warning.text : warning.text.slice(0, valueAt)}`;
      if (this.loggedWarnings.has(key)) continue;
      if (this.loggedWarnings.size === MAX_DISTINCT_WARNINGS) {
        this.loggedWarnings.add(key);
        this.log.warn(`More than ${MAX_DISTINCT_WARNINGS} distinct P1 warnings; further ones are not logged`);
        continue;
      }
      if (this.loggedWarnings.size > MAX_DISTINCT_WARNINGS) continue;
      this.loggedWarnings.add(key);
      const where = `line ${warning.line}${warning.code ? ` (${warning.code})` : ''}`;
      this.log.warn({ line: warning.line, code: warning.code }, `P1 telegram accepted, but ${where} could not be read: ${warning.text}. That field is null; the same warning is not logged again`);
    }
  }
}
