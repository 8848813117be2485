/**
 * The Electron shell (electron mocked: test/support/fake-electron.ts) with the real core it
 * starts (startElectronCore: createApp on the shell's shutdown registry, restart gate and secret
 * store, plus the bus and the MQTT bridge), driving the real NRGkick simulator (HTTP), SunSpec
 * battery simulator (Modbus TCP) and a real Mosquitto. Three ways out, one order each time: the
 * charger's pause and the battery's hand-back reach the devices before the bus closes, the bus
 * closes (MQTT "offline") before the store commits, and the store commits before the app quits,
 * exits 70, or the update's install starts.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logTime, startDeviceRig, type DeviceRig } from '../support/device-rig.js';
import { FakeUpdater, fakeApp, resetFakeElectron, timeline, when } from '../support/fake-electron.js';
import { waitFor } from '../support/scaled-timers.js';

vi.mock('electron', async () => (await import('../support/fake-electron.js')).electronModule);

const { runShell } = await import('../../main/electron/shell.js');
const { startElectronCore } = await import('../../main/electron/core.js');
type CoreOptions = import('../../main/electron/shell.js').CoreOptions;

const dir = mkdtempSync(join(tmpdir(), 'dm-shell-stop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let rig: DeviceRig | null = null;
let stopCore: (() => Promise<void>) | null = null;
beforeEach(() => resetFakeElectron());
afterEach(async () => {
  await stopCore?.(); // a test that failed before its quit: nothing stays open
  stopCore = null;
  await rig?.close();
  rig = null;
});

interface Kiosk {
  lines: string[];
  events: EventEmitter;
  updater: FakeUpdater;
  options: CoreOptions;
  /** the data directories the shell's secret store was opened for (by createApp) */
  secretsFor: string[];
}

/** the kiosk (meter, ev, battery) on the rig's devices, until the charger charges and the battery is forced */
async function startKiosk(): Promise<Kiosk> {
  rig = await startDeviceRig();
  const home = mkdtempSync(join(dir, 'kiosk-'));
  const config = join(home, 'kiosk.json');
  writeFileSync(config, JSON.stringify(rig.config({ dataDir: join(home, 'data') })));
  const lines: string[] = [];
  const console = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(...chunk.toString().split('\n').filter(Boolean)); done(); } });
  const events = new EventEmitter();
  const updater = new FakeUpdater();
  fakeApp.isPackaged = true;
  let options: CoreOptions | null = null;
  const secretsFor: string[] = [];
  const shell = runShell({
    startCore: async (o) => {
      options = o;
      const secrets = (dataDir: string) => { secretsFor.push(dataDir); return o.secrets(dataDir); };
      const core = await startElectronCore({ ...o, secrets, env: { DM_TOKEN: 'kiosk-dashboard-token-0123456789' }, console });
      stopCore = () => core.stop();
      return core;
    },
    argv: ['electron', '.', '--kiosk', '--config', config],
    preloadFile: '/app/dist/preload/preload.cjs',
    rendererRoot: '/app/dist/renderer',
    settingsFile: () => ({ store: { autoUpdate: true } as Record<string, unknown> }),
    loadUpdater: async () => updater,
    processEvents: events,
  })!;
  await shell.ready;
  await rig.underControl(90_000);
  return { lines, events, updater, options: options!, secretsFor };
}

/**
 * Causal order on this machine's wall clock: a simulator records a command when it arrives,
 * before it answers; the core logs "bus closed" after the roles' stops have their answers and
 * the MQTT bridge said offline; it logs the commit after that; the shell's last step comes last.
 */
function expectSafeFirst(kiosk: Kiosk, lastStep: string) {
  const { chargerPause, batteryOwnMode } = rig!.lastCommands();
  const busClosed = logTime(kiosk.lines, 'bus closed');
  const committed = logTime(kiosk.lines, 'stopped; everything committed');
  const last = when(lastStep);
  expect(chargerPause).not.toBeNull();
  expect(rig!.charger.current().paused).toBe(true);
  expect(batteryOwnMode).not.toBeNull();
  expect(rig!.battery.battery.forced).toBe(false);
  expect([busClosed, committed, last]).not.toContain(null);
  expect(chargerPause!.atMs).toBeLessThanOrEqual(busClosed!);
  expect(batteryOwnMode!.wallMs).toBeLessThanOrEqual(busClosed!);
  expect(busClosed!).toBeLessThanOrEqual(committed!);
  expect(committed!).toBeLessThanOrEqual(last!);
  const offline = rig!.status.findLast((s) => s.payload === 'offline');
  expect(offline).toBeDefined();
  expect(offline!.at).toBeGreaterThanOrEqual(Math.max(chargerPause!.atMs, batteryOwnMode!.wallMs));
  stopCore = null;
}

describe('the Electron shell stops the real core in order (electron mocked)', { timeout: 180_000 }, () => {
  it('quit: charger paused and battery handed back, then the bus, then the store, then the app quits', async () => {
    const kiosk = await startKiosk();
    // createApp opened the secret store the shell handed it, for its data directory
    expect(kiosk.secretsFor).toEqual([expect.stringMatching(/kiosk-\w+\/data$/)]);
    fakeApp.quit(); // the window closed, or SIGTERM
    await waitFor('the app quits', () => when('quit for real') !== null, 30_000);
    expectSafeFirst(kiosk, 'quit for real');
  });

  it('an uncaught error in the main process: the same order, then exit 70', async () => {
    const kiosk = await startKiosk();
    kiosk.events.emit('uncaughtException', new Error('a bug in a role'));
    await waitFor('exit 70', () => when('app.exit 70') !== null, 30_000);
    expectSafeFirst(kiosk, 'app.exit 70');
    expect(kiosk.lines.some((l) => l.includes('uncaught error: Error: a bug in a role'))).toBe(true);
  });

  it('the restart for an update: the same order, and only then the install (which quits)', async () => {
    const kiosk = await startKiosk();
    kiosk.updater.emit('update-downloaded', { version: '9.9.9' });
    await waitFor('the install quits the app', () => when('quit for real') !== null, 30_000);
    expectSafeFirst(kiosk, 'quitAndInstall');
    expect(when('quitAndInstall')!).toBeLessThanOrEqual(when('quit for real')!);
    expect(timeline.filter((t) => t.what === 'quitAndInstall')).toHaveLength(1);
  });
});
