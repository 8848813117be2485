/**
 * Graceful shutdown as a registry of hooks in two phases, so a quit (window closed, SIGTERM,
 * an update's restart) always leaves the house safe before the data is closed:
 *
 * 1. `roles`: every running role brings its devices to their safe state (the EV role stops
 *    charging on a plan, the battery role goes idle). They run concurrently, each bounded by a
 *    timeout, because one stuck charger must not keep the battery from reaching its safe state.
 * 2. `bus`: the websocket bus and the MQTT bridge close (its retained status says offline):
 *    satellites then bring their own devices to their safe state within 3 s.
 * 3. `store`: pending rows are committed and the database closed, after the roles, because a
 *    role's last action is something worth recording.
 * 4. `final`: the rest (the window's IPC, the log flush).
 *
 * A failing or slow hook is reported and the shutdown goes on: quitting must always finish.
 * Shared by the Electron shell and `digital-meter serve`; it imports nothing from Electron.
 */

export type ShutdownPhase = 'roles' | 'bus' | 'store' | 'final';
export const SHUTDOWN_PHASES: readonly ShutdownPhase[] = ['roles', 'bus', 'store', 'final'];

export interface ShutdownReport {
  /** hook names in the order they finished */
  completed: string[];
  failed: { name: string; error: string }[];
  timedOut: string[];
}

interface Hook {
  name: string;
  phase: ShutdownPhase;
  run: () => void | Promise<void>;
}

export class ShutdownRegistry {
  private readonly hooks: Hook[] = [];
  private running: Promise<ShutdownReport> | null = null;

  constructor(
    private readonly timeoutMs = 10_000,
    private readonly onProblem: (message: string) => void = () => {},
  ) {}

  /** Register a hook; returns a function that removes it (a role that stops on its own). */
  add(phase: ShutdownPhase, name: string, run: () => void | Promise<void>): () => void {
    const hook: Hook = { name, phase, run };
    this.hooks.push(hook);
    return () => {
      const at = this.hooks.indexOf(hook);
      if (at >= 0) this.hooks.splice(at, 1);
    };
  }

  get started(): boolean {
    return this.running !== null;
  }

  /** Run every phase in order; a second call gets the first call's result (quit twice = once). */
  shutdown(): Promise<ShutdownReport> {
    this.running ??= this.runPhases();
    return this.running;
  }

  private async runPhases(): Promise<ShutdownReport> {
    const report: ShutdownReport = { completed: [], failed: [], timedOut: [] };
    for (const phase of SHUTDOWN_PHASES) {
      const hooks = this.hooks.filter((h) => h.phase === phase);
      await Promise.all(hooks.map((hook) => this.runOne(hook, report)));
    }
    return report;
  }

  private async runOne(hook: Hook, report: ShutdownReport): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.timeoutMs);
    });
    try {
      const outcome = await Promise.race([Promise.resolve().then(hook.run), timeout]);
      if (outcome === 'timeout') {
        report.timedOut.push(hook.name);
        this.onProblem(`shutdown: ${hook.name} did not finish within ${this.timeoutMs} ms; going on`);
      } else {
        report.completed.push(hook.name);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      report.failed.push({ name: hook.name, error: message });
      this.onProblem(`shutdown: ${hook.name} failed: ${message}; going on`);
    } finally {
      clearTimeout(timer);
    }
  }
}
