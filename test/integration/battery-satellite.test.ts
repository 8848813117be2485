/**
 * The battery role as a satellite: one `serve` runs the meter (and the broker), another on the
 * same machine runs only the battery role, linked over the websocket; the SunSpec simulator is in
 * this test. The satellite follows the broker's grants (covering the simulated evening's import);
 * when the meter process dies its last grant expires and the battery is commanded idle.
 */
import { issueNamedToken } from '../../main/bus/named-tokens.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SunspecBatterySimulator, type ControlWrite } from '../../main/battery/simulator/sunspec-simulator.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { WsProbe } from '../support/ws-probe.js';
import { applyChanges } from '../../shared/bus/delta.js';
import type { BusState } from '../../shared/state.js';

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
      // the garage's own satellite token (digital-meter token --satellite garage); the meter notices it within a second
      bus: { meter: { url: `${meter.origin.replace('http', 'ws')}/ws`, token: issueNamedToken(join(home, 'meter-data'), 'satellite', 'garage').token, name: 'garage' } },
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

  it('the meter shows the satellite\'s battery and plans it when its configuration describes it', async () => {
    sim = new SunspecBatterySimulator({ battery: { socPct: 80 } });
    const port = await sim.listen();
    const home = mkdtempSync(join(tmpdir(), 'dm-battery-sat-plan-'));
    const battery = { type: 'sunspec', host: '127.0.0.1', port, inverterKva: 5, revertSeconds: 30, timeoutMs: 3000 };
    const meterConfig = join(home, 'meter.json');
    // the meter runs no battery role, but knows the battery (its size and power) to plan it
    writeFileSync(meterConfig, JSON.stringify({
      dataDir: join(home, 'meter-data'), roles: ['meter'], log: { level: 'warn', file: false },
      p1: { type: 'simulator', seed: 4, start: '2026-01-14T19:00', speed: 1 },
      site: { fuse: { grid: '3x400', phases: 3, amps: 25 } }, battery,
    }));
    const meter = await startServe(['--config', meterConfig, '--port', '0'], { home: join(home, 'm') });
    running.push(meter);
    const satConfig = join(home, 'satellite.json');
    writeFileSync(satConfig, JSON.stringify({
      dataDir: join(home, 'sat-data'), roles: ['battery'], log: { level: 'warn', file: false },
      bus: { meter: { url: `${meter.origin.replace('http', 'ws')}/ws`, token: issueNamedToken(join(home, 'meter-data'), 'satellite', 'garage').token, name: 'garage' } },
      battery,
    }));
    const satellite = await startServe(['--config', satConfig, '--port', '0'], { home: join(home, 's') });
    running.push(satellite);
    const atMeter = await WsProbe.hello(`${meter.origin.replace('http', 'ws')}/ws`, meter.token);
    const state = (): BusState => {
      let st = {} as BusState;
      for (const m of atMeter.json()) {
        if (m.type === 'snapshot') st = m.state as BusState;
        if (m.type === 'delta') st = applyChanges(st, m as never);
      }
      return st;
    };
    // the simulator's battery: 10 kWh at 80 % (it may discharge a little meanwhile: 5 kW for 10 s is 0.14 %)
    await atMeter.until(() => state().battery?.link.state === 'ok' && state().battery?.socPct !== null, 'the satellite\'s battery at the meter', 60_000);
    expect(state().battery).toMatchObject({ device: 'battery', satellite: 'garage', capacityKwh: 10 });
    await atMeter.until(() => state().plan?.battery !== null && state().plan?.battery !== undefined, 'the battery in the meter\'s plan', 60_000);
    const planned = state().plan!.battery!;
    expect(planned.device).toBe('battery');
    expect(planned.capacityKwh).toBe(10);
    expect(planned.socPct).toBeGreaterThan(79);
    expect(planned.socPct).toBeLessThanOrEqual(80);
    atMeter.close();
  });
});