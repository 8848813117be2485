import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A command line that cannot be understood: printed with exit code 64 (EX_USAGE). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** node:util parseArgs, with its errors turned into UsageError. */
export function parseCommandLine<T extends ParseArgsConfig>(config: T) {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
