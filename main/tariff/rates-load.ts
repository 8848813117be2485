import { readFileSync, existsSync, writeFileSync, openSync, fsyncSync, closeSync, renameSync, mkdirSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ratesSchema, type Rates } from './rates-schema.js';
import { ConfigError, describeZodIssues } from '../config/errors.js';
import { parseJsonFile } from '../config/load.js';

/** Validate a parsed rates object; the error names the file, the field and what was expected. */
export function parseRates(file: string, raw: unknown): Rates {
  const parsed = ratesSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(file, describeZodIssues(parsed.error));
  return parsed.data;
}

export function loadRatesFile(file: string): Rates {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [code === 'ENOENT' ? 'no such file' : `cannot be read: ${(error as Error).message}`]);
  }
  return parseRates(file, parseJsonFile(file, text));
}

/**
 * Write a file so that a crash leaves either the old or the new content, never half of each:
 * write a temporary file beside it, fsync it, rename it over the target, fsync the directory.
 */
export function writeFileAtomic(file: string, content: string, mode = 0o666): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  try {
    const fd = openSync(temp, 'w', mode);
    try {
      writeFileSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    if (existsSync(temp)) unlinkSync(temp);
    throw error;
  }
  try {
    const dirFd = openSync(dirname(file), 'r');
    try { fsyncSync(dirFd); } finally { closeSync(dirFd); }
  } catch {
    // some platforms (Windows) cannot open a directory; the rename is still atomic there
  }
}

/** The rates.json shipped with the program (the repository root, found from this module). */
export function bundledRatesFile(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'rates.json'))) return join(dir, 'rates.json');
    dir = dirname(dir);
  }
  throw new Error('the bundled rates.json was not found beside package.json');
}

/**
 * The active rates file: the one the config names (relative to the config directory), else
 * rates.json in the config directory, copied from the bundled one the first time.
 */
export function activeRatesFile(configured: string | undefined, configDir: string, bundled = bundledRatesFile()): string {
  if (configured) return isAbsolute(configured) ? configured : resolve(configDir, configured);
  const file = join(configDir, 'rates.json');
  if (!existsSync(file)) writeFileAtomic(file, readFileSync(bundled, 'utf8'));
  return file;
}

export type RatesListener = (rates: Rates, file: string) => void;

/**
 * Holds the rates in force. A reload or save with an invalid file is refused with a
 * ConfigError and the last good rates stay in force, so a typo in the editor never zeroes costs.
 */
export class RatesStore {
  private rates: Rates;
  private readonly listeners: RatesListener[] = [];

  constructor(readonly file: string, initial?: Rates) {
    this.rates = initial ?? loadRatesFile(file);
  }

  get current(): Rates {
    return this.rates;
  }

  onChange(listener: RatesListener): void {
    this.listeners.push(listener);
  }

  /** Re-read the file; on error the previous rates remain and the error is thrown for reporting. */
  reload(): Rates {
    const next = loadRatesFile(this.file);
    this.apply(next);
    return next;
  }

  /** Validate, then save atomically, then put in force. Invalid input touches nothing. */
  save(raw: unknown): Rates {
    const next = parseRates(this.file, raw);
    writeFileAtomic(this.file, JSON.stringify(raw, null, 2) + '\n');
    this.apply(next);
    return next;
  }

  private apply(next: Rates): void {
    this.rates = next;
    for (const listener of this.listeners) listener(next, this.file);
  }
}
