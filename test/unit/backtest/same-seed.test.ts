import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** The command as a user runs it (dist/, worker threads): the same seed twice gives the same JSON. */
describe('digital-meter backtest --json', () => {
  it('gives the same JSON for the same seed, in the shape of issue 21, and another for another seed', async () => {
    const args = ['bin/digital-meter.js', 'backtest', '--days', '1', '--household', 'flanders-dynamic-230', '--json'];
    const a = await run(process.execPath, [...args, '--seed', '5'], { maxBuffer: 1 << 20 });
    const b = await run(process.execPath, [...args, '--seed', '5'], { maxBuffer: 1 << 20 });
    expect(a.stdout).toBe(b.stdout);
    const json = JSON.parse(a.stdout) as { days: number; strategies: Record<string, Record<string, unknown>> };
    expect(json.days).toBe(1);
    expect(Object.keys(json.strategies)).toEqual(['plugAndCharge', 'instantCap30s', 'ours', 'optimum']);
    for (const s of Object.values(json.strategies)) {
      expect(Object.keys(s)).toEqual(['totalEur', 'energyEur', 'capacityEur', 'monthPeaksKw', 'tripsMissed', 'kwhShort', 'exportKwh']);
      expect(s.totalEur).toBeCloseTo((s.energyEur as number) + (s.capacityEur as number), 1);
    }
    const c = await run(process.execPath, [...args, '--seed', '6'], { maxBuffer: 1 << 20 });
    expect(c.stdout).not.toBe(a.stdout);
  }, 600_000);

  it('names a bad option value', async () => {
    const error = await run(process.execPath, ['bin/digital-meter.js', 'backtest', '--days', 'ten']).catch((e: { code: number; stderr: string }) => e);
    expect((error as { code: number }).code).toBe(64);
    expect((error as { stderr: string }).stderr).toContain('--days ten: expected a number from 1 to 366');
  });
});
