import type { ShutdownRegistry } from '../lifecycle/shutdown.js';

/** The part of Electron's `app` the quit sequence uses. */
export interface QuittableApp {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
  /** ends at once with this code (no more 'before-quit'): after the shutdown of an error */
  exit(code: number): void;
}

/** Where signals and uncaught errors are heard: the process (tests hand in an emitter). */
export interface ProcessEvents {
  on(event: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
  on(event: 'uncaughtException', listener: (error: Error) => void): unknown;
}

export interface QuitSequence {
  /**
   * Run the ordered shutdown, then `end` instead of a plain quit: an update's install, or an
   * exit with an error's code. If a quit is already running, `end` replaces its last step
   * (the first caller's `end` wins); the shutdown itself still runs once.
   */
  shutdownThen(end: () => void): void;
}

/**
 * Every quit (window closed, Cmd-Q, SIGTERM from systemd, an uncaught error, an update's
 * restart) goes through the shutdown registry once: the first 'before-quit' is held back, the
 * roles reach their safe state, the bus closes, the store flushes, and then the app quits for
 * real. A second quit while that runs waits for the same shutdown instead of cutting it short.
 */
export function installQuitSequence(app: QuittableApp, registry: ShutdownRegistry, log: (message: string) => void): QuitSequence {
  let finished = false;
  let end: (() => void) | null = null;
  const run = (): void => {
    if (registry.started) return;
    log('shutting down: roles to their safe state, then the bus, then the store');
    void registry.shutdown().then((report) => {
      if (report.failed.length || report.timedOut.length) {
        log(`shutdown finished with problems: ${[...report.failed.map((f) => `${f.name} failed`), ...report.timedOut.map((t) => `${t} timed out`)].join(', ')}`);
      }
      finished = true;
      if (end) end(); else app.quit();
    });
  };
  app.on('before-quit', (event) => {
    if (finished) return;
    event.preventDefault();
    run();
  });
  return {
    shutdownThen(then) {
      if (finished) {
        then();
        return;
      }
      end ??= then;
      run();
    },
  };
}

/** SIGTERM (systemd, a kiosk session ending) and SIGINT (Ctrl-C in a terminal) quit gracefully. */
export function quitOnSignals(app: Pick<QuittableApp, 'quit'>, process: ProcessEvents): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => app.quit());
}

/** The exit code after an uncaught error (as `serve`'s). */
export const UNCAUGHT_EXIT_CODE = 70;

/**
 * An uncaught error in the main process takes the ordered way out too (Electron would only
 * show a dialog and carry on in an unknown state): devices safe, bus closed, store committed,
 * then exit 70. The listener stays: a second error while shutting down is logged, the
 * shutdown goes on.
 */
export function quitOnUncaughtError(app: Pick<QuittableApp, 'exit'>, sequence: QuitSequence, process: ProcessEvents, log: (message: string) => void): void {
  process.on('uncaughtException', (error: Error) => {
    log(`uncaught error: ${error.stack ?? error.message}; shutting down`);
    sequence.shutdownThen(() => app.exit(UNCAUGHT_EXIT_CODE));
  });
}
