/**
 * The battery role as a satellite: one `serve` runs the meter (and the broker), another on the
 * same machine runs only the battery role, linked over the websocket; the SunSpec simulator is in
 * this test. The satellite follows the broker's grants (covering the simulated evening's import);
 * when the meter process dies its last grant expires and the battery is commanded idle.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SunspecBatterySimulator, type ControlWrite } from '../../main/battery/simulator/sunspec-simulator.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

const running: ServeProcess[] = [];
let sim: SunspecBatterySimulator | null = null;
afterEach(async () => {
  for (const s of running.splice(0)) if (s.child.exitCode === null && s.child.signalCode === null) await s.stop();
  await sim?.close();
  sim = null;
});

function nextWrite(s: SunspecBatterySimulator, test: (w: ControlWrite) => boolean, timeoutMs: number): Promise<ControlWrite> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { off(); reject(new Error(`no such write within ${timeoutMs} ms`)); }, timeoutMs);
    const off = s.onControlWrite((w) => { if (test(w)) { clearTimeout(timer); off(); resolve(w); } });
  });
}

describe('battery satellite', { timeout: 180_000 }, () => {
  it('follows the meter\'s grants over the websocket, and goes idle when the meter is gone', async () => {
    sim = new SunspecBatterySimulator({ battery: { socPct: 80 } });
    const port = await sim.listen();
    const home = mkdtempSync(join(tmpdir(), 'dm-battery-sat-'));
    const meterConfig = join(home, 'meter.json');
    writeFileSync(meterConfig, JSON.stringify({
      dataDir: join(home, 'meter-data'), roles: ['meter'], log: { level: 'info', file: false },
      p1: { type: 'simulator', seed: 4, start: '2026-01-14T19:00', speed: 1 },
      site: { fuse: { grid: '3x400', phases: 3, amps: 25 } },
    }));
    const meter = await startServe(['--config', meterConfig, '--port', '0'], { home: join(home, 'm') });
    running.push(meter);
    const satConfig = join(home, 'satellite.json');
    writeFileSync(satConfig, JSON.stringify({
      dataDir: join(home, 'sat-data'), roles: ['battery'], log: { level: 'info', file: false },
      bus: { meter: { url: `${meter.origin.replace('http', 'ws')}/ws`, token: meter.token, name: 'garage' } },
      battery: { type: 'sunspec', host: '127.0.0.1', port, inverterKva: 5, revertSeconds: 30, timeoutMs: 3000 },
    }));
    const discharging = nextWrite(sim, (w) => w.storCtlMod !== 0 && (w.inWRte ?? 0) < 0, 90_000);
    const satellite = await startServe(['--config', satConfig, '--port', '0'], { home: join(home, 's') });
    running.push(satellite);
    const write = await discharging;
    expect(write.revertS).toBe(30);

    const idle = nextWrite(sim, (w) => w.storCtlMod !== 0 && w.inWRte === 0 && w.outWRte === 0, 30_000);
    meter.child.kill('SIGKILL');
    const idleWrite = await idle;
    expect(idleWrite.at).toBeGreaterThan(write.at);
    expect(satellite.child.exitCode).toBeNull();
  });
});
