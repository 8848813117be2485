/**
 * What to do when the dashboard's renderer dies: a kiosk has nobody to click "reload", so the
 * window reloads itself, after 1 s, doubling for crashes in a row up to a minute (a page that
 * crashes at once must not spin the Pi's CPU), and the log says so once per run of crashes,
 * not every time. Five quiet minutes end a run.
 */
export class CrashRecovery {
  private streak = 0;
  private lastCrashAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly now: () => number = () => performance.now()) {}

  onCrash(): { delayMs: number; report: boolean } {
    const at = this.now();
    if (at - this.lastCrashAt > 5 * 60_000) this.streak = 0;
    this.lastCrashAt = at;
    const delayMs = Math.min(60_000, 1000 * 2 ** this.streak);
    const report = this.streak === 0;
    this.streak++;
    return { delayMs, report };
  }
}
