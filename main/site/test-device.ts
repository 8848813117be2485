/**
 * A device of kind "test" that does exactly what it is granted, at once, and reports that as its
 * draw: the site's simplest follower (config site.testDevices), used to try satellites without
 * a car or a battery and by the integration tests. Like every real device it acts only on a
 * fresh grant (grantIsFresh on its own monotonic clock) and otherwise draws nothing: its safe state.
 */
import { grantIsFresh, type SiteGrant, type SiteLink } from '../../shared/site/contract.js';
import type { TestDeviceConfig } from '../config/site-schema.js';

/** how often the device looks at its grant's age, and files its draw at the latest */
export const TEST_DEVICE_CHECK_MS = 100;
const REFILE_EVERY_MS = 1000;

export class TestDevice {
  private grant: { grant: SiteGrant; at: number } | null = null;
  private drawKw = 0;
  private lastFiledAt = -Infinity;
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly config: TestDeviceConfig,
    private readonly link: SiteLink,
    private readonly monoNow: () => number,
    private readonly onChange: () => void = () => {},
  ) {}

  get id(): string {
    return this.config.id;
  }

  start(): void {
    this.unsubscribe = this.link.onGrant(this.config.id, (grant, at) => {
      this.grant = { grant, at };
      this.follow();
    });
    this.file();
    this.timer = setInterval(() => this.follow(), TEST_DEVICE_CHECK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    this.drawKw = 0;
    this.link.withdraw(this.config.id);
  }

  state(): { device: string; drawKw: number; safe: boolean; grant: SiteGrant | null } {
    return { device: this.config.id, drawKw: this.drawKw, safe: !this.fresh(), grant: this.grant?.grant ?? null };
  }

  private fresh(): boolean {
    return this.grant !== null && grantIsFresh(this.grant.at, this.grant.grant, this.monoNow());
  }

  /** Draw the fresh grant, or nothing; file the draw when it changed (and every second). */
  private follow(): void {
    const draw = this.fresh() ? this.grant!.grant.kw : 0;
    const changed = draw !== this.drawKw;
    this.drawKw = draw;
    if (changed || this.monoNow() - this.lastFiledAt >= REFILE_EVERY_MS) this.file();
    if (changed) this.onChange();
  }

  private file(): void {
    this.lastFiledAt = this.monoNow();
    this.link.demand({
      device: this.config.id, kind: 'test', conductors: this.config.conductors, measuredKw: this.drawKw,
      band: { minKw: 0, maxKw: this.config.maxKw }, minRunKw: this.config.minRunKw,
      class: this.config.class, priority: this.config.priority,
      plannedKwh: this.config.class === 'plan' ? this.config.plannedKwh : null,
    });
  }
}
