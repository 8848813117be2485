import type { SimulatedMeter } from '../p1/simulator/meter.js';
import { systemTimers, type TimerHandle, type Timers } from '../p1/sources/timers.js';
import type { P1Source, SourceSink, SourceStatus } from '../p1/sources/types.js';

/** Telegrams handed over per timer tick at most, so a high speed never blocks the event loop. */
const MAX_PER_TICK = 500;

/**
 * The simulated meter as a P1 source (p1.type "simulator" and the demo): telegram n is due at
 * start + n / speed seconds of this machine's clock; each tick sends what is due. The simulator
 * makes the bytes, this only decides when, so the bytes never depend on the speed.
 */
export class SimulatorSource implements P1Source {
  readonly kind = 'simulator' as const;
  readonly description: string;
  private current: SourceStatus;
  private timer: TimerHandle | null = null;
  private sink: SourceSink | null = null;
  private origin = 0;
  private sent = 0;

  constructor(private readonly meter: SimulatedMeter, private readonly speed: number | 'max', private readonly timers: Timers = systemTimers) {
    this.description = `simulated meter (seed ${meter.household.seed}, ${speed === 'max' ? 'max' : `${speed}x`} speed)`;
    this.current = { state: 'connecting', reason: 'starting', message: 'starting the simulated meter', since: timers.now() };
  }

  start(sink: SourceSink): void {
    this.sink = sink;
    this.origin = this.timers.now();
    this.setStatus({ state: 'open', reason: 'open', message: this.description, since: this.origin });
    this.tick();
  }

  async stop(): Promise<void> {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.setStatus({ state: 'stopped', reason: 'stopped', message: 'stopped', since: this.timers.now() });
    this.sink = null;
  }

  status(): SourceStatus {
    return this.current;
  }

  private tick(): void {
    this.timer = null;
    const sink = this.sink;
    if (!sink) return;
    const elapsed = this.timers.now() - this.origin;
    const due = this.speed === 'max' ? this.sent + MAX_PER_TICK : Math.floor((elapsed * this.speed) / 1000) + 1;
    const until = Math.min(due, this.sent + MAX_PER_TICK);
    while (this.sent < until && this.sink) {
      sink.data(this.meter.next());
      this.sent++;
    }
    if (!this.sink) return;
    const wait = this.speed === 'max' ? 1 : Math.max(5, this.origin + (this.sent * 1000) / this.speed - this.timers.now());
    this.timer = this.timers.setTimeout(() => this.tick(), wait);
  }

  private setStatus(status: SourceStatus): void {
    this.current = status;
    this.sink?.status(status);
  }
}
