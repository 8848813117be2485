/**
 * The simulator as a P1 source (`p1.type: "simulator"`), beside the serial, TCP and replay
 * sources: the same bytes `digital-meter simulate` writes, delivered in-process.
 */
import type { Logger } from '../../log/logger.js';
import type { P1Source, SourceSink, SourceStatus } from '../sources/types.js';
import type { GridKind } from './grid.js';
import { SimulatedMeter } from './meter.js';
import { paceTelegrams } from './pacer.js';
import { parseStart } from './run-options.js';

export interface SimulatorSourceConfig {
  seed: number;
  /** ISO time; without an offset Brussels time; absent: now */
  start?: string;
  speed: number | 'max';
  grid: GridKind;
}

export class SimulatorSource implements P1Source {
  readonly kind = 'simulator';
  readonly description: string;
  private current: SourceStatus;
  private abort: AbortController | null = null;
  private running: Promise<unknown> | null = null;
  /** the meter, once started: tests and controllers drive it (injectLoad, setEvPower ...) */
  meter: SimulatedMeter | null = null;

  constructor(private readonly config: SimulatorSourceConfig, private readonly log?: Logger, private readonly now: () => number = Date.now) {
    this.description = `simulator (seed ${config.seed}, ${config.grid}, speed ${config.speed})`;
    this.current = { state: 'connecting', reason: 'starting', message: 'starting the simulated meter', since: now() };
  }

  status(): SourceStatus {
    return this.current;
  }

  start(sink: SourceSink): void {
    let start: number;
    try {
      start = parseStart(this.config.start, this.now);
    } catch (error) {
      this.report(sink, { state: 'error', reason: 'bad-start', message: `p1.start: ${(error as Error).message}`, since: this.now() });
      return;
    }
    this.meter = new SimulatedMeter({ seed: this.config.seed, start, grid: this.config.grid });
    this.abort = new AbortController();
    this.report(sink, { state: 'open', reason: 'simulating', message: `simulated meter from ${new Date(start).toISOString()}`, since: this.now() });
    const meter = this.meter;
    this.running = paceTelegrams(meter, { write: (chunk) => { sink.data(chunk); return true; }, drained: async () => {} },
      { speed: this.config.speed, count: Infinity, signal: this.abort.signal })
      .catch((error: unknown) => this.log?.error({ err: error }, 'simulator stopped unexpectedly'));
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    await this.running;
    this.current = { state: 'stopped', reason: 'stopped', message: 'stopped', since: this.now() };
  }

  private report(sink: SourceSink, status: SourceStatus): void {
    this.current = status;
    sink.status(status);
  }
}

export function createSimulatorSource(config: SimulatorSourceConfig, log?: Logger): SimulatorSource {
  return new SimulatorSource(config, log);
}
