import type { ShutdownRegistry } from '../lifecycle/shutdown.js';

/** The part of Electron's `app` the quit sequence uses. */
export interface QuittableApp {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

/**
 * Every quit (window closed, Cmd-Q, SIGTERM from systemd, an update's restart) goes through
 * the shutdown registry once: the first 'before-quit' is held back, the roles reach their safe
 * state, the store flushes, and then the app quits for real. A second quit while that runs
 * waits for the same shutdown instead of cutting it short.
 */
export function installQuitSequence(app: QuittableApp, registry: ShutdownRegistry, log: (message: string) => void): void {
  let finished = false;
  app.on('before-quit', (event) => {
    if (finished) return;
    event.preventDefault();
    if (registry.started) return;
    log('shutting down: roles to their safe state, then the store');
    void registry.shutdown().then((report) => {
      if (report.failed.length || report.timedOut.length) {
        log(`shutdown finished with problems: ${[...report.failed.map((f) => `${f.name} failed`), ...report.timedOut.map((t) => `${t} timed out`)].join(', ')}`);
      }
      finished = true;
      app.quit();
    });
  });
}

/** SIGTERM (systemd, a kiosk session ending) and SIGINT (Ctrl-C in a terminal) quit gracefully. */
export function quitOnSignals(app: QuittableApp, process: Pick<NodeJS.Process, 'on'>): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => app.quit());
}
