/**
 * The bus for people at a terminal (`npx wscat -c ws://127.0.0.1:8080/ws`): plain-text lines
 * in, readable JSON out. Pure parsing and formatting; the session does the I/O.
 */

export type TerminalLine =
  | { kind: 'auth'; token: string }
  | { kind: 'help' }
  | { kind: 'state' }
  | { kind: 'get'; key: string }
  | { kind: 'watch'; key: string }
  | { kind: 'unwatch'; key: string }
  | { kind: 'empty' }
  | { kind: 'invalid'; message: string };

const KEY = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;

export function parseTerminalLine(line: string): TerminalLine {
  const words = line.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { kind: 'empty' };
  const [word, ...rest] = words;
  const command = word!.toLowerCase();
  switch (command) {
    case 'auth':
      return rest.length === 1 ? { kind: 'auth', token: rest[0]! } : { kind: 'invalid', message: 'usage: auth <token>' };
    case 'help':
    case 'state':
      return rest.length === 0 ? { kind: command } : { kind: 'invalid', message: `usage: ${command}` };
    case 'get':
    case 'watch':
    case 'unwatch':
      if (rest.length !== 1) return { kind: 'invalid', message: `usage: ${command} <key>, e.g. ${command} meter.powerKw` };
      if (!KEY.test(rest[0]!) || rest[0]!.length > 200) return { kind: 'invalid', message: `'${rest[0]!.slice(0, 40)}' is not a key; keys look like meter.powerKw` };
      return { kind: command, key: rest[0]! };
    default:
      return { kind: 'invalid', message: `unknown command '${word!.slice(0, 40)}'; type help` };
  }
}

export const TERMINAL_HELP = [
  'commands:',
  '  help            this list',
  '  state           the whole state',
  '  get <key>       one value, e.g. get meter.powerKw or get meter.counters.importKwh',
  '  watch <key>     print the value each time it changes (unwatch <key> stops)',
  'top-level keys: meter, quarter, costs, sources',
].join('\n');

/** "meter.powerKw = {...}" with two-space indented JSON; absent values say so. */
export function formatValue(key: string, value: unknown): string {
  if (value === undefined) return `${key}: no such key`;
  return `${key} = ${JSON.stringify(value, null, 2)}`;
}
