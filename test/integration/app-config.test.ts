import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../main/app.js';
import { RestartGate } from '../../main/lifecycle/restart-veto.js';
import { ShutdownRegistry } from '../../main/lifecycle/shutdown.js';
import { FileSecretStore } from '../../main/secrets/file-secret-store.js';

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the app from a configuration file', () => {
  it('starts a configured simulator at p1.start read as Brussels time when it has no offset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-app-config-'));
    try {
      writeFileSync(join(dir, 'config.json'), JSON.stringify({
        dataDir: 'data', roles: ['meter'], log: { level: 'silent', file: false },
        // 15 January 17:00 in Brussels is 16:00 UTC (winter time)
        p1: { type: 'simulator', seed: 3, start: '2025-01-15T17:00:00', speed: 50 },
      }));
      const app = await createApp({ configFile: join(dir, 'config.json'), console: null });
      app.start();
      await until(() => app.hub.current.meter?.time != null, 'a first telegram');
      const first = app.hub.current.meter!.time!;
      await app.stop();
      expect(first).toBeGreaterThanOrEqual(Date.parse('2025-01-15T16:00:00Z'));
      expect(first).toBeLessThan(Date.parse('2025-01-15T16:01:00Z'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a p1.start that is not a time, naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-app-config-'));
    try {
      writeFileSync(join(dir, 'config.json'), JSON.stringify({
        dataDir: 'data', roles: ['meter'], log: { level: 'silent', file: false },
        p1: { type: 'simulator', start: 'yesterday-ish' },
      }));
      await expect(createApp({ configFile: join(dir, 'config.json'), console: null })).rejects.toThrow(/p1\.start/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the site in the configuration', () => {
  it('refuses to control devices without the main fuse, naming site.fuse and the devices', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-app-config-'));
    try {
      writeFileSync(join(dir, 'config.json'), JSON.stringify({
        dataDir: 'data', roles: ['meter'], log: { level: 'silent', file: false }, p1: { type: 'simulator' },
        site: { testDevices: [{ id: 'testload', maxKw: 2 }] },
      }));
      await expect(createApp({ configFile: join(dir, 'config.json'), console: null }))
        .rejects.toThrow('site.fuse: required to control testload: the main fuse, e.g. {"grid": "3x400", "phases": 3, "amps": 25}');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a fuse whose phases do not fit its grid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-app-config-'));
    try {
      writeFileSync(join(dir, 'config.json'), JSON.stringify({
        dataDir: 'data', roles: ['meter'], log: { level: 'silent', file: false },
        site: { fuse: { grid: '1x230', phases: 3, amps: 40 } },
      }));
      await expect(createApp({ configFile: join(dir, 'config.json'), console: null })).rejects.toThrow(/site\.fuse\.phases: 1x230 has one phase/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the core on the lifecycle of whoever starts it (serve, the Electron shell)', () => {
  it('registers its roles\' stops and its commit in the given registry, keeps the given restart gate, opens the given secret store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-app-lifecycle-'));
    try {
      writeFileSync(join(dir, 'config.json'), JSON.stringify({
        dataDir: 'data', roles: ['meter'], log: { level: 'silent', file: false }, p1: { type: 'simulator' },
        site: { fuse: { grid: '3x400', phases: 3, amps: 25 }, testDevices: [{ id: 'lamp', maxKw: 1, minRunKw: 0.5, class: 'emergency' }] },
      }));
      const registry = new ShutdownRegistry();
      const gate = new RestartGate();
      const opened: string[] = [];
      const app = await createApp({
        configFile: join(dir, 'config.json'), console: null, shutdown: registry, restartGate: gate,
        secrets: (dataDir) => { opened.push(dataDir); return new FileSecretStore(dataDir); },
      });
      expect(app.shutdown).toBe(registry);
      expect(app.restartGate).toBe(gate);
      expect(opened).toEqual([join(dir, 'data')]);
      app.start();
      // the shell's quit runs its own registry: the test device's stop (roles) before the core's commit (store)
      const report = await registry.shutdown();
      expect(report.completed).toEqual(['test devices: withdrawn, drawing nothing', 'meter read, committed and closed']);
      expect(report.failed).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
