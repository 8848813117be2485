import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../main/config/load.js';
import { ConfigError } from '../../main/config/errors.js';
import { defaultConfigDir, defaultDataDir } from '../../main/config/paths.js';

function configFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dm-config-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, text);
  return file;
}

function errorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('configuration', () => {
  it('reads a serial meter and resolves a relative data directory next to the file', () => {
    const file = configFile(JSON.stringify({ dataDir: 'data', p1: { type: 'serial', port: '/dev/ttyUSB0' } }));
    const loaded = loadConfig(file);
    expect(loaded.config.p1).toMatchObject({ type: 'serial', port: '/dev/ttyUSB0', baudRate: 115200 });
    expect(loaded.dataDir).toBe(join(file, '..', 'data'));
    expect(loaded.file).toBe(file);
  });

  it('runs the demo (simulator) when there is no configuration file at all', () => {
    const home = mkdtempSync(join(tmpdir(), 'dm-home-'));
    const loaded = loadConfig(undefined, { XDG_CONFIG_HOME: join(home, 'cfg'), XDG_DATA_HOME: join(home, 'data') });
    expect(loaded.file).toBeNull();
    expect(loaded.config.p1.type).toBe('simulator');
    expect(loaded.dataDir).toBe(join(home, 'data', 'digital-meter'));
  });

  it('names the file, the field and what was expected for a wrong value', () => {
    const file = configFile(JSON.stringify({ p1: { type: 'serial', port: 42 } }));
    const error = errorOf(() => loadConfig(file));
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/p1\.port: .*expected string/i);
  });

  it('names an unknown field instead of ignoring a typo', () => {
    const error = errorOf(() => loadConfig(configFile(JSON.stringify({ p1: { type: 'serial', port: '/dev/ttyUSB0', baudrate: 9600 } }))));
    expect(error.message).toMatch(/p1.*baudrate/);
  });

  it('names an unknown source type', () => {
    const error = errorOf(() => loadConfig(configFile(JSON.stringify({ p1: { type: 'usb' } }))));
    expect(error.message).toMatch(/p1\.type/);
  });

  it('gives the line and column of a JSON syntax error', () => {
    const error = errorOf(() => loadConfig(configFile('{\n  "p1": {"type": "serial",\n  }\n}')));
    expect(error.message).toMatch(/not valid JSON at line 3, column \d+/);
  });

  it('says so when an explicitly named file does not exist', () => {
    expect(errorOf(() => loadConfig('/nonexistent/dm/config.json')).message).toBe('/nonexistent/dm/config.json: no such file');
  });

  it('follows XDG on Linux and Application Support on macOS', () => {
    expect(defaultConfigDir({ XDG_CONFIG_HOME: '/x/cfg' }, 'linux')).toBe('/x/cfg/digital-meter');
    expect(defaultDataDir({ XDG_DATA_HOME: '/x/data' }, 'linux')).toBe('/x/data/digital-meter');
    expect(defaultConfigDir({}, 'darwin')).toMatch(/Library\/Application Support\/digital-meter$/);
  });
});
