import type { RestartGate } from '../lifecycle/restart-veto.js';

/** The part of electron-updater's autoUpdater used here (injected: tests hand in a fake). */
export interface Updater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowPrerelease: boolean;
  allowDowngrade: boolean;
  channel: string | null;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
}

export interface UpdatePolicy {
  /** opt-in: nothing is checked or downloaded unless the user turned it on */
  autoUpdate: boolean;
  updateChannel: 'stable' | 'beta';
}

export interface UpdateTimers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Checks GitHub releases (electron-builder's publish: github) on the chosen channel, downloads
 * in the background and restarts into the new version, unless a role vetoes the restart: then
 * it asks again every `retryMs` (the EV role says no while a car charges on a plan; the update
 * waits for the charge to end). A quit by the user installs it too, as electron-updater does.
 */
export class UpdateController {
  private retry: unknown = null;
  private nextCheck: unknown = null;
  private pendingVersion: string | null = null;
  private lastReasons = '';

  constructor(
    private readonly updater: Updater,
    private readonly gate: RestartGate,
    private readonly log: (message: string) => void,
    private readonly timers: UpdateTimers = { setTimeout: (run, ms) => setTimeout(run, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
    private readonly retryMs = 5 * 60_000,
    /** a kiosk runs for months: look again this often while updates are on */
    private readonly checkEveryMs = 6 * 3600_000,
    /**
     * How the install is started: the shell runs the ordered shutdown first (devices safe, bus
     * closed, store committed), because the install may start the new version at once.
     */
    private readonly restart: (install: () => void) => void = (install) => install(),
  ) {
    updater.on('update-downloaded', (info) => {
      this.pendingVersion = info.version;
      this.log(`update ${info.version} downloaded`);
      this.tryRestart();
    });
    updater.on('error', (error) => this.log(`update check failed: ${error.message}`));
  }

  /** Apply the policy; returns whether a check was started. */
  async apply(policy: UpdatePolicy): Promise<boolean> {
    this.updater.autoDownload = policy.autoUpdate;
    this.updater.autoInstallOnAppQuit = policy.autoUpdate;
    this.updater.allowDowngrade = false;
    // electron-updater's channels: 'latest' is stable; 'beta' also takes prereleases tagged beta.
    this.updater.allowPrerelease = policy.updateChannel === 'beta';
    this.updater.channel = policy.updateChannel === 'beta' ? 'beta' : 'latest';
    this.cancelCheck();
    if (!policy.autoUpdate) return false;
    this.nextCheck = this.timers.setTimeout(() => {
      this.nextCheck = null;
      this.apply(policy).catch((error: Error) => this.log(`update check failed: ${error.message}`));
    }, this.checkEveryMs);
    await this.updater.checkForUpdates();
    return true;
  }

  private cancelCheck(): void {
    if (this.nextCheck !== null) this.timers.clearTimeout(this.nextCheck);
    this.nextCheck = null;
  }

  /** Restart into the downloaded update now, unless a role vetoes; then ask again later. */
  tryRestart(): boolean {
    if (this.pendingVersion === null) return false;
    if (this.retry !== null) {
      this.timers.clearTimeout(this.retry);
      this.retry = null;
    }
    const decision = this.gate.check();
    if (decision.allowed) {
      this.log(`restarting into update ${this.pendingVersion}`);
      this.stop();
      this.restart(() => this.updater.quitAndInstall(false, true));
      return true;
    }
    const reasons = decision.reasons.join('; ');
    if (reasons !== this.lastReasons) {
      this.log(`update ${this.pendingVersion} waits: ${reasons}`); // once per change of reasons
      this.lastReasons = reasons;
    }
    this.retry = this.timers.setTimeout(() => { this.retry = null; this.tryRestart(); }, this.retryMs);
    return false;
  }

  stop(): void {
    if (this.retry !== null) this.timers.clearTimeout(this.retry);
    this.retry = null;
    this.cancelCheck();
  }
}
