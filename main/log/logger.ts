import { join } from 'node:path';
import { pino, type Logger, type Level } from 'pino';
import pinoPretty from 'pino-pretty';
import { RotatingFile } from './rotating-file.js';

export type { Logger };

/** Keys whose values never reach a log line, at any depth pino can address. */
const SECRET_PATHS = [
  'token', 'password', 'secret', 'apiKey', 'authorization',
  '*.token', '*.password', '*.secret', '*.apiKey', '*.authorization',
  '*.*.token', '*.*.password', '*.*.secret',
];

export interface LoggerOptions {
  level?: Level | 'silent';
  /** directory for app.log (rotating); none: console only */
  logDir?: string;
  /** where console lines go; stderr so stdout stays for command output */
  console?: NodeJS.WritableStream | null;
  /** more destinations, e.g. the dashboard's log panel (each gets the JSON lines at its level) */
  extraStreams?: pino.StreamEntry[];
  /**
   * console lines for a person (time, level, message, then the fields) instead of JSON lines;
   * default: when the console is a terminal. app.log and pipes (journald, jq) always get JSON.
   */
  pretty?: boolean;
}

/** A terminal gets lines a person reads: local time, a coloured level, the message. */
function prettyStream(destination: NodeJS.WritableStream, colorize: boolean): NodeJS.WritableStream {
  return pinoPretty({ destination, colorize, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const streams: pino.StreamEntry[] = [];
  const level = options.level ?? 'info';
  const consoleStream = options.console === undefined ? process.stderr : options.console;
  if (consoleStream) {
    const pretty = options.pretty ?? (consoleStream as { isTTY?: boolean }).isTTY === true;
    // colours on a terminal, unless NO_COLOR is set (no-color.org)
    const colorize = (consoleStream as { isTTY?: boolean }).isTTY === true && !process.env.NO_COLOR;
    const stream = pretty ? prettyStream(consoleStream, colorize) : consoleStream;
    streams.push({ level: level === 'silent' ? 'fatal' : level, stream });
  }
  if (options.logDir) streams.push({ level: level === 'silent' ? 'fatal' : level, stream: new RotatingFile(join(options.logDir, 'app.log')) });
  if (options.extraStreams) streams.push(...options.extraStreams);
  return pino(
    { level, redact: { paths: SECRET_PATHS, censor: '[secret]' }, base: undefined },
    pino.multistream(streams.length ? streams : [{ stream: { write() {} } }]),
  );
}

/** A logger that prints nothing: for tests and for commands whose output is data. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/**
 * Logs a condition when it changes, never while it persists: "P1 silent" once, then
 * "P1 data again" once, instead of a line every second (the seed logged "PHASE DEACTIVE"
 * each second).
 */
export class ConditionLog {
  private readonly states = new Map<string, string>();

  constructor(private readonly log: Logger) {}

  /** Record `state` for `key`; log `message` at `level` only when it differs from the last one. */
  report(key: string, state: string, level: 'info' | 'warn' | 'error', message: string, details: object = {}): boolean {
    if (this.states.get(key) === state) return false;
    this.states.set(key, state);
    this.log[level]({ ...details, condition: key, state }, message);
    return true;
  }

  current(key: string): string | undefined {
    return this.states.get(key);
  }
}
