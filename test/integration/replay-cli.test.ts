import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openSqlite } from '../../main/store/sqlite.js';
import { haveRecording, noRecordingReason, recordingPath } from '../support/shared-fixtures.js';

const bin = resolve(import.meta.dirname, '../../bin/digital-meter.js');
const replay = (args: string[]) => spawnSync(process.execPath, [bin, 'replay', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });

/**
 * Hand-checked from the recording (first good telegram 17:57:07 winter time, last 18:17:07):
 * 1-0:1.8.1 3594.884 -> 3594.884, 1-0:1.8.2 3113.135 -> 3113.877 (0.742 kWh at Night 0.3 EUR:
 * 0.2226), export 0.304 / 0.149 unchanged, gas 1581.788 -> 1582.524 m3 (0.736 x 1.576 =
 * 1.159936). Quarters: 17:45 local partial from 17:57:07 (6708.019 kWh summed) to 18:00:00
 * (6708.046): 27 Wh x 4 = 0.108 kW; 18:00-18:15 complete, 6708.046 -> 6708.674: 628 Wh x 4 =
 * 2.512 kW; 18:15 partial to 18:17:07 (6708.761): 87 Wh x 4 = 0.348 kW. No 1-0:1.6.0 in the
 * recording, so the month peak is the complete quarter's.
 */
const expectedSummary = {
  telegrams: { ok: 1199, refused: 2 },
  first: '2022-11-27T16:57:07.000Z',
  last: '2022-11-27T17:17:07.000Z',
  electricity: { importKwh: { t1: 0, t2: 0.742 }, exportKwh: { t1: 0, t2: 0 }, costEur: 0.2226 },
  gas: { m3: 0.736, costEur: 1.1599 },
  water: null,
  quarters: [
    { start: '2022-11-27T16:45:00.000Z', averageKw: 0.108, complete: false },
    { start: '2022-11-27T17:00:00.000Z', averageKw: 2.512, complete: true },
    { start: '2022-11-27T17:15:00.000Z', averageKw: 0.348, complete: false },
  ],
  monthPeakKw: 2.512,
};

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'replay-cli-'));
}

describe.skipIf(!haveRecording)(`digital-meter replay on the shared recording ${haveRecording ? '' : noRecordingReason}`, () => {
  it('prints the hand-checked summary with the bundled rates and a temporary database', () => {
    const result = replay([recordingPath, '--summary']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(expectedSummary);
  });

  it('prices with --rates, VAT only when the file says so', () => {
    const dir = tempDir();
    const rates = join(dir, 'rates.json');
    writeFileSync(rates, JSON.stringify({
      Gas: { '+': 1.576, vat: 0.21 }, Electricity: { '+': { Day: 0.4, Night: 0.3 }, '-': { Day: 0.1, Night: 0.1 }, vat: 0.06 },
      Capacity: { eurPerKwYear: 50 }, FixedFees: [{ name: 'supplier', eurPerYear: 60 }],
    }));
    const summary = JSON.parse(replay([recordingPath, '--summary', '--rates', rates]).stdout);
    // 0.2226 x 1.06 = 0.235956; 1.159936 x 1.21 = 1.40352256; no fixed fee, no capacity cost
    expect(summary.electricity.costEur).toBe(0.236);
    expect(summary.gas.costEur).toBe(1.4035);
    rmSync(dir, { recursive: true });
  });

  it('resumes by meter time: a second replay into the same --db counts nothing twice', () => {
    const dir = tempDir();
    const db = join(dir, 'meter.sqlite');
    expect(JSON.parse(replay([recordingPath, '--summary', '--db', db]).stdout)).toEqual(expectedSummary);
    const again = JSON.parse(replay([recordingPath, '--summary', '--db', db]).stdout);
    expect(again.electricity).toEqual({ importKwh: { t1: 0, t2: 0 }, exportKwh: { t1: 0, t2: 0 }, costEur: 0 });
    const sqlite = openSqlite(db, { readonly: true });
    const day = sqlite.prepare('SELECT import_wh_2, import_eur, gas_litres FROM day_summaries').all();
    const quarters = sqlite.prepare('SELECT start, average_kw, complete FROM quarters ORDER BY start').all();
    sqlite.close();
    expect(day).toEqual([{ import_wh_2: 742, import_eur: expect.closeTo(0.2226, 12), gas_litres: 736 }]);
    expect(quarters).toEqual([
      { start: Date.parse('2022-11-27T16:45:00Z'), average_kw: 0.108, complete: 0 },
      { start: Date.parse('2022-11-27T17:00:00Z'), average_kw: 2.512, complete: 1 },
      { start: Date.parse('2022-11-27T17:15:00Z'), average_kw: 0.348, complete: 0 },
    ]);
    rmSync(dir, { recursive: true });
  });
});

describe('replay: refusals', () => {
  it('an invalid rates file: exit 78, the file, the field and what was expected', () => {
    const dir = tempDir();
    const rates = join(dir, 'rates.json');
    writeFileSync(rates, JSON.stringify({ Electricity: { '+': { Day: 0.4, Night: 'cheap' } } }));
    const result = replay([join(import.meta.dirname, 'replay-cli.test.ts'), '--summary', '--rates', rates]);
    expect(result.status).toBe(78);
    expect(result.stderr).toBe(`digital-meter replay: ${rates}: Electricity.+.Night: Invalid input: expected number, received string\n`);
    rmSync(dir, { recursive: true });
  });

  it('a missing input file: exit 66; a bad speed: exit 64', () => {
    const missing = replay(['/nonexistent/recording.txt', '--summary']);
    expect(missing.status).toBe(66);
    expect(missing.stderr).toBe('digital-meter replay: /nonexistent/recording.txt: no such file\n');
    const speed = replay([join(import.meta.dirname, 'replay-cli.test.ts'), '--speed', 'fast']);
    expect(speed.status).toBe(64);
    expect(speed.stderr).toBe("digital-meter replay: --speed fast: expected max or a positive number\n(see 'digital-meter replay --help')\n");
  });
});

describe('replay: a database file that cannot be used is reported and moved aside, never silently replaced', () => {
  const oneTelegram = join(import.meta.dirname, 'replay-cli.test.ts'); // no telegram inside: an empty replay

  it('a corrupted file', () => {
    const dir = tempDir();
    const db = join(dir, 'meter.sqlite');
    writeFileSync(db, 'this is not an SQLite database, just bytes that were once one'.repeat(100));
    const result = replay([oneTelegram, '--summary', '--db', db]);
    expect(result.status).toBe(0);
    const aside = readdirSync(dir).filter((n) => /^meter\.sqlite\.corrupt-\d{4}-\d{2}-\d{2}T[\d-]+Z$/.test(n));
    expect(aside).toHaveLength(1);
    expect(result.stderr).toContain(`${db} cannot be used (file is not a database); moved aside as ${aside[0]}; a new database was started`);
    expect(existsSync(db)).toBe(true);
    rmSync(dir, { recursive: true });
  });

  it('a missing file that existed before (its marker says so)', () => {
    const dir = tempDir();
    const db = join(dir, 'meter.sqlite');
    expect(replay([oneTelegram, '--summary', '--db', db]).status).toBe(0);
    rmSync(db);
    const result = replay([oneTelegram, '--summary', '--db', db]);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`${db.replace(/[.]/g, '\\.')} is missing \\(a database was created there \\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z\\); its remains moved aside as meter\\.sqlite\\.missing-[\\dTZ-]+\\.created`));
    rmSync(dir, { recursive: true });
  });
});
