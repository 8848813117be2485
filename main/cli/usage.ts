import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * A command line that cannot be understood: printed as `digital-meter <command>: <message>`
 * with a pointer to the command's --help, exit code 64 (EX_USAGE). The message says what was
 * wrong in the user's words (the option as typed), never Node's parser text.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The option or argument Node's parseArgs names in its message (its first quoted word). */
function quoted(message: string): string {
  return /'([^']*)'/.exec(message)?.[1] ?? '';
}

/** The options a command knows, for "did you mean": --sumary -> --summary. */
function closest(typed: string, known: string[]): string | null {
  const name = typed.replace(/^-+/, '').split('=')[0]!;
  let best: { option: string; distance: number } | null = null;
  for (const option of known) {
    const d = editDistance(name, option);
    if (d <= 2 && (!best || d < best.distance)) best = { option, distance: d };
  }
  return best ? `--${best.option}` : null;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** node:util parseArgs (strict), with its errors turned into one UsageError style. */
export function parseCommandLine<T extends ParseArgsConfig>(config: T) {
  try {
    return parseArgs(config);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const known = Object.keys(config.options ?? {});
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const typed = quoted(message);
      const hint = closest(typed, known);
      throw new UsageError(`unknown option ${typed}${hint ? ` (did you mean ${hint}?)` : ''}`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      // "Option '-h, --help' does not take an argument", "Option '--config <value>' argument missing"
      const option = /--[\w-]+/.exec(quoted(message))?.[0] ?? quoted(message);
      throw new UsageError(message.includes('does not take') ? `${option} takes no value` : `${option} needs a value`);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`unexpected argument ${quoted(message)}`);
    throw new UsageError(message);
  }
}

/** A numeric option's value, or a usage error naming the option as typed and the range it takes. */
export function numberOption(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max) throw new UsageError(`--${name} ${text}: expected a number from ${min} to ${max}`);
  return value;
}
