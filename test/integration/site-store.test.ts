/**
 * The base load's energy per quarter (what the house imported and exported without the
 * flexible devices), integrated telegram by telegram and kept in SQLite across a reopen.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BaseEnergy } from '../../main/site/base-energy.js';
import { MeterStore } from '../../main/store/meter-store.js';
import { openMeterDatabase } from '../../main/store/open-database.js';
import { captureLog } from '../support/capture-log.js';

const Q0 = Date.parse('2026-03-02T10:00:00Z');

describe('base-load energy per quarter', () => {
  it('integrates B between telegrams, splits a step at the quarter boundary, and keeps import and export apart', () => {
    const energy = new BaseEnergy();
    // 10:00:00 .. 10:14:59, one telegram a second, B = 2 kW: 899 steps of 1 s = 899 x 2 / 3600 kWh = 0.49944 kWh
    for (let s = 0; s < 900; s++) expect(energy.add(Q0 + s * 1000, 2)).toBeNull();
    // 10:15:01 (a telegram missed at 10:15:00): the 2 s step holds B = 2, 1 s on each side of the boundary
    const closed = energy.add(Q0 + 901_000, -3.6);
    expect(closed!.start).toBe(Q0);
    expect(closed!.importKwh).toBeCloseTo((899 + 1) * 2 / 3600, 9); // 0.5 kWh
    expect(closed!.exportKwh).toBe(0);
    // 10:15:02: the second just past held B = -3.6 kW: 1 Wh of export; the boundary's 1 s of import is there too
    energy.add(Q0 + 902_000, -3.6);
    expect(energy.running()).toEqual({ start: Q0 + 900_000, importKwh: expect.closeTo(2 / 3600, 9), exportKwh: expect.closeTo(0.001, 9) });
    // a 5-minute gap (no telegrams) is not filled in: at most 10 s of it is counted
    energy.add(Q0 + 1_202_000, 1);
    expect(energy.running()!.exportKwh).toBeCloseTo(0.001 + 10 * 3.6 / 3600, 9);
  });

  it('is stored per quarter and read back after a reopen', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-site-store-'));
    try {
      const file = join(dir, 'meter.sqlite');
      const { log } = captureLog();
      const store = new MeterStore(openMeterDatabase(file, log).db);
      store.queueSiteQuarter({ start: Q0, importKwh: 0.5, exportKwh: 0 });
      store.queueSiteQuarter({ start: Q0 + 900_000, importKwh: 0.01, exportKwh: 0.2 });
      store.flush();
      store.close();
      const again = new MeterStore(openMeterDatabase(file, log).db);
      expect(again.siteQuarters()).toEqual([
        { start: Q0, importKwh: 0.5, exportKwh: 0 },
        { start: Q0 + 900_000, importKwh: 0.01, exportKwh: 0.2 },
      ]);
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the meter role keeps the base load per quarter', () => {
  it('writes a site_quarters row for every quarter the site saw end', async () => {
    const { createApp } = await import('../../main/app.js');
    const dir = mkdtempSync(join(tmpdir(), 'dm-site-app-'));
    try {
      writeFileSync(join(dir, 'config.json'), JSON.stringify({
        dataDir: 'data', roles: ['meter'], log: { level: 'silent', file: false },
        // a simulated meter as fast as it goes, from 10:07 Brussels time: the 10:15 and 10:30 boundaries pass soon
        p1: { type: 'simulator', seed: 5, start: '2026-03-02T10:07:00', speed: 'max' },
        site: { fuse: { grid: '3x400', phases: 3, amps: 25 } },
      }));
      const app = await createApp({ configFile: join(dir, 'config.json'), console: null });
      app.start();
      const boundary = Date.parse('2026-03-02T09:30:00Z'); // 10:30 Brussels (UTC+1)
      for (let i = 0; i < 600 && !((app.hub.current.meter?.time ?? 0) > boundary + 5000); i++) await new Promise((r) => setTimeout(r, 50));
      await app.stop();
      const store = new MeterStore(openMeterDatabase(join(dir, 'data', 'meter.sqlite'), captureLog().log).db);
      const rows = store.siteQuarters();
      store.close();
      // the quarter 10:15-10:30 was seen whole: its base load's energy is there (the simulated house
      // always draws something)
      const whole = rows.find((r) => r.start === Date.parse('2026-03-02T09:15:00Z'));
      expect(whole).toBeDefined();
      expect(whole!.importKwh + whole!.exportKwh).toBeGreaterThan(0);
      // the first one started at 10:07: only what was seen
      expect(rows[0]!.start).toBe(Date.parse('2026-03-02T09:00:00Z'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
