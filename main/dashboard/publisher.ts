import type { DashboardState, QuarterBar } from '../../shared/dashboard/state.js';
import type { Telegram } from '../../shared/p1/telegram.js';
import type { SourceStatus as BusSourceStatus } from '../../shared/state.js';
import { startOfBrusselsDay, startOfNextBrusselsDay } from '../../shared/time/brussels.js';
import type { StateHub } from '../bus/state-hub.js';
import type { SourceStatus } from '../p1/sources/types.js';
import type { OpenedPipeline } from '../pipeline/open-pipeline.js';
import type { Rates } from '../tariff/rates-schema.js';
import { costsAt, importPriceAt, ratesSummary } from './figures.js';
import type { SpotPrice } from '../tariff/pricing.js';
import type { LogRing } from './log-ring.js';
import { meterStateFromTelegram } from '../bus/meter-state.js';
import { PowerHistory } from './power-history.js';
import { telegramLines } from './telegram-lines.js';

export interface PublisherOptions {
  hub: StateHub;
  opened: OpenedPipeline;
  rates: () => Rates;
  ratesFile: string;
  log: LogRing;
  roles: string[];
  demo: boolean;
  /** this machine's clock (throttling only; figures follow the meter's time) */
  wallNow?: () => number;
  /** recompute the period figures, month peaks and OBIS table at most this often */
  figuresEveryMs?: number;
  /** the day-ahead price the ledger uses (dynamic contracts), for the price now */
  spot?: SpotPrice;
}

const SOURCE_STATUS: Record<SourceStatus['state'], BusSourceStatus['status']> = {
  connecting: 'starting', open: 'ok', silent: 'silent', disconnected: 'error', error: 'error', ended: 'stopped', stopped: 'stopped',
};

/**
 * Turns the pipeline's results into the published state. Per telegram: the meter and the running
 * quarter (small deltas). At most every `figuresEveryMs` of wall time: the period sums, the
 * month peaks, today's quarters and the last telegram's lines, which change slowly but cost more.
 */
export class DashboardPublisher {
  readonly power = new PowerHistory();
  private readonly wallNow: () => number;
  private readonly every: number;
  private lastFigures = -Infinity;
  private latest: Telegram | null = null;
  private latestRaw: Uint8Array | null = null;
  private today: { start: number; end: number; bars: QuarterBar[] } | null = null;
  private logPending = false;

  constructor(private readonly o: PublisherOptions) {
    this.wallNow = o.wallNow ?? Date.now;
    this.every = o.figuresEveryMs ?? 2000;
    // Never publish from inside a log call: the caller may be half-way through its own work.
    // A burst of log lines is coalesced into one publication on the next turn.
    o.log.onChange(() => {
      if (this.logPending) return;
      this.logPending = true;
      setImmediate(() => {
        this.logPending = false;
        this.publishFigures();
      });
    });
  }

  /** After the pipeline handled it. `raw` is valid only during the call. */
  telegram(t: Telegram, raw: Uint8Array): void {
    if (t.time === null) return;
    this.power.add(t);
    this.latest = t;
    this.takeClosedQuarters(t.time);
    this.o.hub.update({ meter: meterStateFromTelegram(t), quarter: this.o.opened.peaks.state() });
    if (this.latestRaw === null || this.wallNow() - this.lastFigures >= this.every) {
      this.latestRaw = Uint8Array.from(raw);
      this.publishFigures();
    }
  }

  source(name: string, status: SourceStatus, lastDataAt: number | null): void {
    const message = status.state === 'open' ? null : status.message;
    this.o.hub.update({ sources: { ...this.o.hub.current.sources, [name]: { status: SOURCE_STATUS[status.state], message, lastDataAt } } });
  }

  /** Recompute the slow parts now (also after a rates change or a log line). */
  publishFigures(): void {
    this.lastFigures = this.wallNow();
    const t = this.latest;
    if (!t || t.time === null) {
      this.o.hub.update({ dashboard: this.dashboardState(null) as unknown as Record<string, unknown> });
      return;
    }
    const rates = this.o.rates();
    const days = [...this.o.opened.ledger.allDays()];
    const costs = { ...costsAt(t.time, days, rates.Gas?.cnv?.[1] ?? null), importEurPerKwhNow: round5(importPriceAt(rates, t.time, t.tariff, this.o.spot)) };
    this.o.hub.update({
      costs: costs as unknown as Record<string, unknown>,
      dashboard: this.dashboardState(t.time) as unknown as Record<string, unknown>,
    });
  }

  private dashboardState(now: number | null): DashboardState {
    const raw = this.latestRaw;
    const lines = raw ? telegramLines(raw) : null;
    return {
      roles: this.o.roles,
      demo: this.o.demo,
      months: this.o.opened.peaks.monthState(),
      quarters: this.today?.bars ?? [],
      telegram: lines && this.latest?.time != null ? { time: this.latest.time, ...lines } : null,
      rates: ratesSummary(this.o.rates(), now ?? Date.now()),
      ratesFile: this.o.ratesFile,
      log: this.o.log.list(),
    };
  }

  /**
   * Today's bars: the store's at the first telegram of a day, then the quarters the pipeline
   * closes (taken out of its list, which would otherwise grow for as long as serve runs).
   */
  private takeClosedQuarters(time: number): void {
    if (!this.today || time >= this.today.end) {
      const start = startOfBrusselsDay(time);
      const stored = this.o.opened.store.quarters(start, startOfNextBrusselsDay(time));
      this.today = { start, end: startOfNextBrusselsDay(time), bars: stored.map((q) => ({ start: q.start, averageKw: q.averageKw, complete: q.complete })) };
    }
    const closed = this.o.opened.pipeline.quarters;
    if (closed.length === 0) return;
    const bars = this.today.bars.slice();
    for (const q of closed.splice(0)) {
      if (q.start < this.today.start || q.start >= this.today.end) continue;
      const i = bars.findIndex((b) => b.start === q.start);
      const bar = { start: q.start, averageKw: q.averageKw, complete: q.complete };
      if (i >= 0) bars[i] = bar; else bars.push(bar);
    }
    this.today.bars = bars;
  }
}

function round5(x: number): number {
  return Math.round(x * 100_000) / 100_000;
}
