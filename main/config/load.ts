import { readFileSync, existsSync } from 'node:fs';
import { join, resolve, dirname, isAbsolute } from 'node:path';
import { configSchema, type Config } from './schema.js';
import { ConfigError, describeZodIssues } from './errors.js';
import { findJsonProblem } from './json-error.js';
import { defaultConfigDir, defaultDataDir } from './paths.js';
import { moveTripCars } from './trip-cars-migration.js';

export interface LoadedConfig {
  config: Config;
  /** the file it came from, or null when none exists (demo defaults) */
  file: string | null;
  configDir: string;
  dataDir: string;
  /** what the user should change in an older file that still loads (logged at start) */
  notices?: string[];
}

/**
 * Parse JSON text, naming the file and the line and column of a syntax error. The message never
 * quotes the file (a mistaken --config /etc/shadow must not print its first line) and names a
 * UTF-8 byte order mark, which some editors put first and JSON does not allow.
 */
export function parseJsonFile(file: string, text: string): unknown {
  if (text.startsWith('\uFEFF')) {
    throw new ConfigError(file, ['starts with a UTF-8 byte order mark (BOM), which JSON does not allow; save it as UTF-8 without BOM']);
  }
  try {
    return JSON.parse(text);
  } catch {
    const problem = findJsonProblem(text);
    if (!problem) throw new ConfigError(file, ['not valid JSON']);
    const before = text.slice(0, problem.offset);
    const line = before.split('\n').length;
    const column = problem.offset - before.lastIndexOf('\n');
    throw new ConfigError(file, [`not valid JSON at line ${line}, column ${column}: ${problem.what}`]);
  }
}

/**
 * Load the configuration: `explicitFile` when given (it must exist), else config.json in the
 * platform's configuration directory when present, else the defaults (the demo).
 */
export function loadConfig(explicitFile?: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const configDir = explicitFile ? dirname(resolve(explicitFile)) : defaultConfigDir(env);
  const file = explicitFile ? resolve(explicitFile) : join(configDir, 'config.json');
  let raw: unknown = {};
  let source: string | null = null;
  if (existsSync(file)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(file, [`cannot be read: ${(error as Error).message}`]);
    }
    raw = parseJsonFile(file, text);
    source = file;
  } else if (explicitFile) {
    throw new ConfigError(file, ['no such file']);
  }
  const moved = moveTripCars(raw);
  if (moved.problems.length) throw new ConfigError(file, moved.problems);
  const parsed = configSchema.safeParse(moved.raw);
  if (!parsed.success) throw new ConfigError(file, describeZodIssues(parsed.error));
  const config = parsed.data;
  const dataDir = config.dataDir
    ? (isAbsolute(config.dataDir) ? config.dataDir : resolve(configDir, config.dataDir))
    : defaultDataDir(env);
  return { config, file: source, configDir, dataDir, notices: moved.notices };
}
