import { pino, type Logger } from 'pino';

/** A pino logger that keeps its lines in memory, so a test can assert what was logged. */
export function captureLog(): { log: Logger; lines: Array<{ level: number; msg: string } & Record<string, unknown>> } {
  const lines: Array<{ level: number; msg: string } & Record<string, unknown>> = [];
  const log = pino({ level: 'debug' }, { write(line: string) { lines.push(JSON.parse(line)); } });
  return { log, lines };
}
