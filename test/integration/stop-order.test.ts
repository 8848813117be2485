/**
 * Order at stop: SIGTERM to `serve` with devices attached -> each device's safe-state command
 * comes before the bus closes, which comes before the store commits, and the process exits.
 * First with the site's test device (its safe state logged), then with the real simulators:
 * the NRGkick on HTTP and the SunSpec battery on Modbus TCP in this test's process, which record
 * each command with its wall-clock time, and a real Mosquitto for the retained "offline". An
 * uncaught error takes the same way out (exit 70): the serve process is started with a node
 * --import that throws an error nobody catches when it gets SIGUSR2, as a bug would.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { connectAsync } from 'mqtt';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BusClient } from '../../main/bus/client.js';
import type { BusState } from '../../shared/state.js';
import { logTime, startDeviceRig, type DeviceRig } from '../support/device-rig.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { eventually } from '../support/ws-probe.js';

const dir = mkdtempSync(join(tmpdir(), 'dm-stop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('serve stops in order', () => {
  it('SIGTERM: the device reaches its safe state, then the bus closes, then the store commits', async () => {
    writeFileSync(join(dir, 'meter.json'), JSON.stringify({
      roles: ['meter'], dataDir: 'data', log: { level: 'info', file: false }, p1: { type: 'simulator' },
      site: { fuse: { grid: '3x400', phases: 3, amps: 25 }, testDevices: [{ id: 'testload', maxKw: 2, minRunKw: 1, class: 'emergency' }] },
    }));
    const serve = await startServe(['--config', join(dir, 'meter.json'), '--port', '0']);
    const viewer = new BusClient({ url: serve.origin.replace('http://', 'ws://') + '/ws', token: serve.token, role: 'viewer' });
    let state: BusState | null = null;
    viewer.on('snapshot', (s) => { state = s; });
    viewer.on('delta', (_d, s) => { state = s; });
    viewer.start();
    try {
      // the device draws its grant (an emergency class: at least its 1 kW minimum) before the stop
      await eventually(() => (state?.site?.devices.find((d) => d.device === 'testload')?.measuredKw ?? 0) >= 1, 'testload drawing', 30_000);
    } finally {
      await viewer.close();
    }
    const code = await serve.stop();
    expect(code).toBe(0);
    const lines = serve.stderr().split('\n');
    const at = (text: string) => lines.findIndex((l) => l.includes(text));
    const safe = at('test device: safe state');
    const busClosed = at('bus closed');
    const committed = at('stopped; everything committed');
    expect(safe).toBeGreaterThan(-1);
    expect(lines[safe]).toContain('testload');
    expect(busClosed).toBeGreaterThan(safe);
    expect(committed).toBeGreaterThan(busClosed);
  }, 90_000);
});

describe('serve stops in order with the real device simulators', { timeout: 180_000 }, () => {
  let rig: DeviceRig | null = null;
  let serve: ServeProcess | null = null;
  afterEach(async () => {
    if (serve && serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGKILL');
    await rig?.close();
    rig = null;
    serve = null;
  });

  /** serve with the charger charging and the battery forced, then `end` it; resolves with the exit code and time */
  async function runUntil(end: (serve: ServeProcess) => void, nodeArgs: string[] = []) {
    rig = await startDeviceRig();
    const home = mkdtempSync(join(dir, 'serve-'));
    writeFileSync(join(home, 'config.json'), JSON.stringify(rig.config({ dataDir: join(home, 'data') })));
    serve = await startServe(['--config', join(home, 'config.json'), '--port', '0'], { home, nodeArgs });
    await rig.underControl(90_000);
    const exited = new Promise<{ code: number | null; at: number }>((resolve) => serve!.child.once('exit', (code) => resolve({ code, at: Date.now() })));
    end(serve);
    const exit = await exited;
    return { ...exit, lines: serve.stderr().split('\n') };
  }

  /**
   * Causal order, all on this machine's wall clock: a simulator records a command when it
   * arrives, before it answers; serve logs "bus closed" after the roles' stops have their
   * answers; it commits after that; this test sees the exit after the process is gone.
   */
  function expectSafeFirst(rig: DeviceRig, run: { at: number; lines: string[] }) {
    const { chargerPause, batteryOwnMode } = rig.lastCommands();
    const busClosed = logTime(run.lines, 'bus closed');
    const committed = logTime(run.lines, 'stopped; everything committed');
    // the charger's last command is the pause, and it holds it; the battery's last write hands it back (StorCtl_Mod 0)
    expect(chargerPause).not.toBeNull();
    expect(rig.charger.current().paused).toBe(true);
    expect(batteryOwnMode).not.toBeNull();
    expect(rig.battery.battery.forced).toBe(false);
    expect(busClosed).not.toBeNull();
    expect(committed).not.toBeNull();
    expect(chargerPause!.atMs).toBeLessThanOrEqual(busClosed!);
    expect(batteryOwnMode!.wallMs).toBeLessThanOrEqual(busClosed!);
    expect(busClosed!).toBeLessThanOrEqual(committed!);
    expect(committed!).toBeLessThanOrEqual(run.at);
    // MQTT said offline after the devices were safe (the bridge publishes it in the bus phase)
    const offline = rig.status.findLast((s) => s.payload === 'offline');
    expect(offline).toBeDefined();
    expect(offline!.at).toBeGreaterThanOrEqual(Math.max(chargerPause!.atMs, batteryOwnMode!.wallMs));
  }

  /** a new MQTT client gets the retained status: offline */
  async function retainedStatus(rig: DeviceRig): Promise<string | null> {
    const late = await connectAsync(rig.broker.url, { clientId: `late-${process.pid}` });
    let seen: string | null = null;
    late.on('message', (_t, payload) => { seen = payload.toString(); });
    await late.subscribeAsync('dm-stop/status', { qos: 1 });
    await eventually(() => seen !== null, 'the retained status', 5000);
    await late.endAsync();
    return seen;
  }

  it('SIGTERM: the charger paused and the battery handed back before the bus closes, the store commits and the process exits', async () => {
    const run = await runUntil((serve) => serve.child.kill('SIGTERM'));
    expect(run.code).toBe(0);
    expectSafeFirst(rig!, run);
    expect(await retainedStatus(rig!)).toBe('offline');
  });

  it('an uncaught error: the same ordered stop, exit 70', async () => {
    // the fault: a preload that throws from a callback of the event loop on SIGUSR2 (the product has no such hook)
    const fault = join(dir, 'throw-on-sigusr2.mjs');
    writeFileSync(fault, "process.on('SIGUSR2', () => setImmediate(() => { throw new Error('injected fault: SIGUSR2'); }));\n");
    const run = await runUntil((serve) => serve.child.kill('SIGUSR2'), ['--import', pathToFileURL(fault).href]);
    expect(run.code).toBe(70);
    expect(run.lines.some((l) => l.includes('uncaught error: shutting down') && l.includes('injected fault: SIGUSR2'))).toBe(true);
    expectSafeFirst(rig!, run);
    expect(await retainedStatus(rig!)).toBe('offline');
  });
});
