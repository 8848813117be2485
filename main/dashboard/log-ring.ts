import type { LogEntry, LogLevel } from '../../shared/dashboard/state.js';

const LEVELS: Record<number, LogLevel> = { 30: 'info', 40: 'warn', 50: 'error', 60: 'error' };

/**
 * The dashboard's log panel: a pino destination keeping the last `size` info/warn/error lines
 * (message only; bindings such as tokens never reach it, pino has redacted them already).
 * Logging happens on changes of condition, so this is cheap.
 */
export class LogRing {
  private entries: LogEntry[] = [];
  private listener: (() => void) | null = null;

  constructor(private readonly size = 50, private readonly now: () => number = Date.now) {}

  /** pino multistream calls this with one JSON line per record. */
  write(line: string): void {
    let record: { level?: number; msg?: string; time?: number };
    try {
      record = JSON.parse(line) as typeof record;
    } catch {
      return;
    }
    const level = LEVELS[record.level ?? 0];
    if (!level || !record.msg) return;
    this.add(level, record.msg, typeof record.time === 'number' ? record.time : this.now());
  }

  add(level: LogLevel, message: string, time = this.now()): void {
    this.entries = [...this.entries.slice(-(this.size - 1)), { time, level, message }];
    this.listener?.();
  }

  list(): LogEntry[] {
    return this.entries;
  }

  onChange(listener: () => void): void {
    this.listener = listener;
  }
}
