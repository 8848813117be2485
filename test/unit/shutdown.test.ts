import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { ShutdownRegistry } from '../../main/lifecycle/shutdown.js';
import { installQuitSequence, quitOnUncaughtError } from '../../main/electron/quit.js';

/** A hook that records when it starts and ends, finishing after `ms` of (fake) time. */
function recorder(log: string[]) {
  return (name: string, ms = 0, fail = false) => async () => {
    log.push(`${name} start`);
    await new Promise((r) => setTimeout(r, ms));
    log.push(`${name} end`);
    if (fail) throw new Error(`${name} broke`);
  };
}

describe('shutdown registry', () => {
  it('every role reaches its safe state before the store flushes, then the rest closes', async () => {
    vi.useFakeTimers();
    try {
      const log: string[] = [];
      const hook = recorder(log);
      const registry = new ShutdownRegistry(10_000);
      // registered in the "wrong" order on purpose: the phase decides, not the order of registration
      registry.add('final', 'websocket server', hook('websocket server'));
      registry.add('store', 'store flush', hook('store flush', 50));
      registry.add('roles', 'ev: stop charging', hook('ev: stop charging', 300));
      registry.add('roles', 'battery: idle', hook('battery: idle', 100));
      const done = registry.shutdown();
      await vi.runAllTimersAsync();
      const report = await done;
      expect(log).toEqual([
        'ev: stop charging start', 'battery: idle start', // roles together
        'battery: idle end', 'ev: stop charging end',
        'store flush start', 'store flush end', // only after the slowest role
        'websocket server start', 'websocket server end',
      ]);
      expect(report).toEqual({ completed: ['battery: idle', 'ev: stop charging', 'store flush', 'websocket server'], failed: [], timedOut: [] });
    } finally {
      vi.useRealTimers();
    }
  });

  it('a failing or stuck role is reported and the store still flushes', async () => {
    vi.useFakeTimers();
    try {
      const log: string[] = [];
      const problems: string[] = [];
      const hook = recorder(log);
      const registry = new ShutdownRegistry(2_000, (m) => problems.push(m));
      registry.add('roles', 'ev', hook('ev', 0, true));
      registry.add('roles', 'battery', () => new Promise<void>(() => {})); // never answers
      registry.add('store', 'store flush', hook('store flush'));
      const done = registry.shutdown();
      await vi.runAllTimersAsync();
      const report = await done;
      expect(report).toEqual({ completed: ['store flush'], failed: [{ name: 'ev', error: 'ev broke' }], timedOut: ['battery'] });
      expect(problems).toEqual(['shutdown: ev failed: ev broke; going on', 'shutdown: battery did not finish within 2000 ms; going on']);
      expect(log).toEqual(['ev start', 'ev end', 'store flush start', 'store flush end']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('runs once however often it is asked; a removed hook does not run', async () => {
    const calls: string[] = [];
    const registry = new ShutdownRegistry();
    const remove = registry.add('roles', 'ev', () => { calls.push('ev'); });
    registry.add('store', 'store', () => { calls.push('store'); });
    remove();
    const [a, b] = [registry.shutdown(), registry.shutdown()];
    expect(a).toBe(b);
    await a;
    expect(calls).toEqual(['store']);
  });
});

describe('quit sequence (Electron app mocked)', () => {
  class FakeApp extends EventEmitter {
    quits = 0;
    quit(): void {
      this.quits++;
      // Electron emits before-quit on every quit(); a prevented one does not quit.
      let prevented = false;
      this.emit('before-quit', { preventDefault: () => { prevented = true; } });
      if (!prevented) this.emit('quitted');
    }
    exit(code: number): void {
      this.emit('exited', code);
    }
  }

  it('holds the first quit until roles are safe and the store flushed, then quits for real', async () => {
    const app = new FakeApp();
    const order: string[] = [];
    const registry = new ShutdownRegistry();
    registry.add('store', 'store flush', async () => { order.push('store flush'); });
    registry.add('roles', 'ev: safe', async () => { await new Promise((r) => setTimeout(r, 20)); order.push('ev: safe'); });
    installQuitSequence(app, registry, (m) => order.push(m));
    const quitted = new Promise<void>((resolve) => app.once('quitted', () => { order.push('quit'); resolve(); }));

    app.quit(); // the user closed the window
    app.quit(); // and pressed Ctrl-Q while it shut down: same shutdown, not a second one
    await quitted;
    expect(order).toEqual(['shutting down: roles to their safe state, then the bus, then the store', 'ev: safe', 'store flush', 'quit']);
    expect(app.quits).toBe(3);
  });

  it('an update\'s restart: the shutdown runs first, then the install (which quits for real)', async () => {
    const app = new FakeApp();
    const order: string[] = [];
    const registry = new ShutdownRegistry();
    registry.add('store', 'store flush', () => { order.push('store flush'); });
    registry.add('roles', 'ev: safe', async () => { await new Promise((r) => setTimeout(r, 20)); order.push('ev: safe'); });
    const sequence = installQuitSequence(app, registry, () => {});
    const quitted = new Promise<void>((resolve) => app.once('quitted', () => { order.push('quit'); resolve(); }));
    // electron-updater's quitAndInstall: spawns the installer (or the new AppImage), then app.quit()
    sequence.shutdownThen(() => { order.push('install'); app.quit(); });
    app.quit(); // a quit meanwhile joins the same shutdown and does not replace the install
    await quitted;
    expect(order).toEqual(['ev: safe', 'store flush', 'install', 'quit']);
  });

  it('an uncaught error: the same shutdown, then exit 70; a second error while it runs changes nothing', async () => {
    const app = new FakeApp();
    const order: string[] = [];
    const registry = new ShutdownRegistry();
    registry.add('store', 'store flush', () => { order.push('store flush'); });
    registry.add('bus', 'bus closed', () => { order.push('bus closed'); });
    registry.add('roles', 'battery: idle', async () => { await new Promise((r) => setTimeout(r, 20)); order.push('battery: idle'); });
    const sequence = installQuitSequence(app, registry, () => {});
    const events = new EventEmitter();
    const logged: string[] = [];
    quitOnUncaughtError(app, sequence, events, (m) => logged.push(m));
    const exited = new Promise<number>((resolve) => app.once('exited', resolve));
    events.emit('uncaughtException', new Error('a role failed'));
    events.emit('uncaughtException', new Error('and another'));
    expect(await exited).toBe(70);
    expect(order).toEqual(['battery: idle', 'bus closed', 'store flush']);
    expect(app.quits).toBe(0);
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatch(/^uncaught error: Error: a role failed/);
  });
});
