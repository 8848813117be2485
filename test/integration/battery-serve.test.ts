/**
 * The battery role in `digital-meter serve` (a real process) with the broker beside the meter,
 * a simulated P1 meter, and the SunSpec simulator in this test on a real Modbus TCP socket.
 * SIGKILL mid-discharge: nothing hands the battery back, its revert timeout does; a restart
 * resumes control. The simulator's clock runs in real time plus an offset this test can jump, so
 * the 10 s revert timeout is checked without waiting for it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SunspecBatterySimulator, type ControlWrite } from '../../main/battery/simulator/sunspec-simulator.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

const REVERT_S = 10;
let serve: ServeProcess | null = null;
let sim: SunspecBatterySimulator | null = null;
afterEach(async () => {
  if (serve && serve.child.exitCode === null && serve.child.signalCode === null) await serve.stop();
  await sim?.close();
  serve = null;
  sim = null;
});

function nextDischarge(s: SunspecBatterySimulator, timeoutMs: number): Promise<ControlWrite> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { off(); reject(new Error(`no discharge written within ${timeoutMs} ms`)); }, timeoutMs);
    const off = s.onControlWrite((w) => {
      if (w.storCtlMod !== 0 && (w.inWRte ?? 0) < 0) { clearTimeout(timer); off(); resolve(w); }
    });
  });
}

describe('battery role in serve', { timeout: 180_000 }, () => {
  it('SIGKILL mid-discharge: the revert timeout returns the battery to its own mode; the restart resumes', async () => {
    let offset = 0;
    sim = new SunspecBatterySimulator({ battery: { socPct: 80 }, now: () => performance.now() + offset });
    const port = await sim.listen();
    const home = mkdtempSync(join(tmpdir(), 'dm-battery-serve-'));
    const config = join(home, 'config.json');
    // a winter evening: the simulated house imports, so the battery covers it (auto mode)
    writeFileSync(config, JSON.stringify({
      dataDir: join(home, 'data'), roles: ['meter', 'battery'], log: { level: 'info', file: false },
      p1: { type: 'simulator', seed: 4, start: '2026-01-14T19:00', speed: 1 },
      site: { fuse: { grid: '3x400', phases: 3, amps: 25 } },
      battery: { type: 'sunspec', host: '127.0.0.1', port, inverterKva: 5, revertSeconds: REVERT_S, timeoutMs: 3000 },
    }));
    const args = ['--config', config, '--port', '0'];
    const firstDischarge = nextDischarge(sim, 90_000);
    serve = await startServe(args, { home });
    const write = await firstDischarge;
    expect(write.revertS).toBe(REVERT_S);
    expect(sim.battery.forced).toBe(true);
    expect(sim.battery.powerKw(performance.now() + offset)).toBeLessThan(0);

    serve.child.kill('SIGKILL');
    await new Promise((r) => serve!.child.once('exit', r));
    // nothing handed it back: still forcing just after the kill ...
    expect(sim.battery.forced).toBe(true);
    // ... and back in its own mode once the revert timeout has run out since the last write
    offset += (REVERT_S + 1) * 1000;
    expect(sim.battery.powerKw(performance.now() + offset)).toBe(0);
    expect(sim.battery.forced).toBe(false);
    expect(sim.battery.reverts).toBe(1);
    sim.refresh();
    expect(sim.image.getRaw(124, 'StorCtl_Mod')).toBe(0);

    const resumed = nextDischarge(sim, 90_000);
    serve = await startServe(args, { home });
    await resumed;
    expect(sim.battery.forced).toBe(true);
    // a clean stop hands it back at once
    await serve.stop();
    expect(sim.battery.forced).toBe(false);
    expect(serve.stderr()).toMatch(/battery: stopped; handed back to its own mode/);
  });
});
