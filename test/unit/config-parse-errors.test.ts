/**
 * Config and rates files that are not JSON: the message names the file, the line and column and
 * what was wrong, and never quotes the file (a mistaken `--config /etc/shadow` must not print
 * its first line); a UTF-8 byte order mark is named as such.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findJsonProblem } from '../../main/config/json-error.js';
import { loadConfig, parseJsonFile } from '../../main/config/load.js';
import { loadRatesFile } from '../../main/tariff/rates-load.js';

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('JSON syntax errors', () => {
  it('a shadow-like file: line and column, nothing of its content', () => {
    const text = 'root:*:20234:0:99999:7:::\nbin:*:20234:0:99999:7:::\n';
    const message = messageOf(() => parseJsonFile('/etc/shadow', text));
    expect(message).toBe('/etc/shadow: not valid JSON at line 1, column 1: unexpected character');
    expect(message).not.toContain('root');
  });

  it('names the place and the expected punctuation', () => {
    // line 3 is `  "b": 2,` + `}` on line 4: a trailing comma, the '}' at line 4, column 1
    expect(messageOf(() => parseJsonFile('c.json', '{\n  "a": 1,\n  "b": 2,\n}\n'))).toBe("c.json: not valid JSON at line 4, column 1: a property name in double quotes was expected");
    expect(messageOf(() => parseJsonFile('c.json', '{"a": secret-value}'))).toBe('c.json: not valid JSON at line 1, column 7: unexpected character');
    expect(messageOf(() => parseJsonFile('c.json', '{"a": 1'))).toBe('c.json: not valid JSON at line 1, column 8: the text ends too early');
    expect(messageOf(() => parseJsonFile('c.json', ''))).toBe('c.json: not valid JSON at line 1, column 1: the text ends too early');
  });

  it('names a UTF-8 byte order mark', () => {
    expect(messageOf(() => parseJsonFile('r.json', '\uFEFF{"a":1}'))).toBe('r.json: starts with a UTF-8 byte order mark (BOM), which JSON does not allow; save it as UTF-8 without BOM');
  });

  it('finds a problem exactly when JSON.parse refuses the text', () => {
    const jsonish = fc.oneof(
      fc.json(),
      fc.json().map((t) => t.slice(0, Math.max(0, t.length - 1))),
      fc.string(),
      fc.tuple(fc.json(), fc.integer({ min: 0, max: 40 }), fc.constantFrom(',', '}', ']', ':', '"', 'x', '\\', '\n', '\u0001'))
        .map(([t, at, c]) => t.slice(0, at) + c + t.slice(at)),
    );
    fc.assert(fc.property(jsonish, (text) => {
      let parses = true;
      try { JSON.parse(text); } catch { parses = false; }
      const problem = findJsonProblem(text);
      expect(problem === null).toBe(parses);
      if (problem) expect(problem.offset).toBeLessThanOrEqual(text.length);
    }), { numRuns: 2000 });
  });
});

describe('through the loaders', () => {
  it('config and rates files: the file named, nothing of the content', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-parse-'));
    try {
      const config = join(dir, 'config.json');
      writeFileSync(config, 'password=hunter2\n');
      const configMessage = messageOf(() => loadConfig(config, {}));
      expect(configMessage).toBe(`${config}: not valid JSON at line 1, column 1: unexpected character`);
      const rates = join(dir, 'rates.json');
      writeFileSync(rates, '\uFEFF{"Electricity":{"+":{"Day":0.4,"Night":0.3}}}');
      expect(messageOf(() => loadRatesFile(rates))).toContain(`${rates}: starts with a UTF-8 byte order mark (BOM)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
