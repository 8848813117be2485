import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { RestartGate } from '../../main/lifecycle/restart-veto.js';
import { UpdateController } from '../../main/electron/updater.js';

/** electron-updater's autoUpdater, recorded (the real one needs a packaged app and GitHub). */
class FakeUpdater extends EventEmitter {
  autoDownload = true;
  autoInstallOnAppQuit = true;
  allowPrerelease = false;
  allowDowngrade = true;
  channel: string | null = null;
  checks = 0;
  installs: [boolean | undefined, boolean | undefined][] = [];
  async checkForUpdates(): Promise<unknown> { this.checks++; return null; }
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void { this.installs.push([isSilent, isForceRunAfter]); }
}

/** Timers the test fires by hand. */
function manualTimers() {
  const pending = new Map<number, { run: () => void; ms: number }>();
  let next = 1;
  return {
    pending,
    setTimeout: (run: () => void, ms: number) => { pending.set(next, { run, ms }); return next++; },
    clearTimeout: (handle: unknown) => { pending.delete(handle as number); },
    fire() { const all = [...pending.values()]; pending.clear(); for (const t of all) t.run(); },
  };
}

describe('auto-update', () => {
  it('is opt-in: off means no check and no download', async () => {
    const updater = new FakeUpdater();
    const controller = new UpdateController(updater, new RestartGate(), () => {});
    expect(await controller.apply({ autoUpdate: false, updateChannel: 'stable' })).toBe(false);
    expect(updater.checks).toBe(0);
    expect(updater).toMatchObject({ autoDownload: false, autoInstallOnAppQuit: false });
  });

  it('stable takes releases only; beta also prereleases; never a downgrade', async () => {
    const updater = new FakeUpdater();
    const controller = new UpdateController(updater, new RestartGate(), () => {});
    await controller.apply({ autoUpdate: true, updateChannel: 'stable' });
    expect(updater).toMatchObject({ channel: 'latest', allowPrerelease: false, allowDowngrade: false, autoDownload: true, checks: 1 });
    await controller.apply({ autoUpdate: true, updateChannel: 'beta' });
    expect(updater).toMatchObject({ channel: 'beta', allowPrerelease: true, allowDowngrade: false, checks: 2 });
  });

  it('looks again every 6 hours while on, not at all once turned off', async () => {
    const updater = new FakeUpdater();
    const timers = manualTimers();
    const controller = new UpdateController(updater, new RestartGate(), () => {}, timers);
    await controller.apply({ autoUpdate: true, updateChannel: 'stable' });
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([6 * 3600_000]);
    timers.fire();
    await Promise.resolve();
    expect(updater.checks).toBe(2);
    expect(timers.pending.size).toBe(1);
    await controller.apply({ autoUpdate: false, updateChannel: 'stable' });
    expect(timers.pending.size).toBe(0);
    expect(updater.checks).toBe(2);
  });

  it('restarts into a downloaded update when no role objects', () => {
    const updater = new FakeUpdater();
    const log: string[] = [];
    new UpdateController(updater, new RestartGate(), (m) => log.push(m));
    updater.emit('update-downloaded', { version: '0.2.0' });
    expect(updater.installs).toEqual([[false, true]]);
    expect(log).toEqual(['update 0.2.0 downloaded', 'restarting into update 0.2.0']);
  });

  it('a role vetoes the restart while a car charges on a plan; the update waits and goes in when the charge ends', () => {
    const updater = new FakeUpdater();
    const gate = new RestartGate();
    let charging = true;
    gate.addVeto('ev', () => (charging ? 'charging on plan until 07:00' : null));
    gate.addVeto('battery', () => null);
    const timers = manualTimers();
    const log: string[] = [];
    new UpdateController(updater, gate, (m) => log.push(m), timers, 300_000);

    updater.emit('update-downloaded', { version: '0.2.0' });
    expect(updater.installs).toEqual([]);
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([300_000]);
    timers.fire(); // five minutes later: still charging
    timers.fire();
    expect(updater.installs).toEqual([]);
    expect(log).toEqual(['update 0.2.0 downloaded', 'update 0.2.0 waits: ev: charging on plan until 07:00']); // said once

    charging = false;
    timers.fire();
    expect(updater.installs).toEqual([[false, true]]);
    expect(timers.pending.size).toBe(0);
    expect(log.at(-1)).toBe('restarting into update 0.2.0');
  });

  it('a veto that throws counts as a veto; a removed veto no longer counts', () => {
    const gate = new RestartGate();
    const remove = gate.addVeto('battery', () => { throw new Error('modbus timeout'); });
    expect(gate.check()).toEqual({ allowed: false, reasons: ['battery: could not tell (modbus timeout)'] });
    expect(() => gate.addVeto('battery', () => null)).toThrow("a restart veto for 'battery' is already registered");
    remove();
    expect(gate.check()).toEqual({ allowed: true, reasons: [] });
  });
});
