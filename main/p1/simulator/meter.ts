/**
 * The simulated Belgian meter: one e-MUCS 50217 telegram per simulated second, generated as
 * fast as the caller asks (pacing is the caller's job, so the bytes never depend on speed).
 * Counters integrate the generated power exactly (joules in, watt-hours out, the remainder
 * kept), and the demand registers follow from the same energy.
 *
 * Controls for tests and controllers: injectLoad, setPv, setEvPower, jumpClock,
 * corruptNextBytes, dropNextBytes.
 */
import { startOfBrusselsDay } from '../../../shared/time/brussels.js';
import { ByteWriter } from './byte-writer.js';
import { buildDayPlan, type DayPlan } from './day-plan.js';
import { DemandRegisters } from './demand.js';
import { FaultInjector } from './faults.js';
import { measure, PhaseReadings, type GridKind } from './grid.js';
import { createHousehold, type Household, type HouseholdOptions } from './household.js';
import { MeterClock } from './meter-clock.js';
import { TelegramFormatter, type MeterReadings } from './telegram-format.js';

export interface SimulatorOptions extends HouseholdOptions {
  /** default 1 */
  seed?: number;
  /** epoch ms of the first telegram (truncated to the second) */
  start: number;
  /** default 3x400 */
  grid?: GridKind;
}

/** What the meter measured in the last generated second (for controllers and tests). */
export interface LastSecond {
  time: number;
  importW: number;
  exportW: number;
  register: 1 | 2;
  /** the running quarter's average demand as 1-0:1.4.0 showed it, W */
  quarterAverageW: number;
}

const MBUS_PERIOD_MS = 300_000;
const EMPTY = new Uint8Array(0);

interface Injection { circuit: 0 | 1 | 2 | 3; watts: number; untilMs: number }

export class SimulatedMeter {
  readonly household: Household;
  readonly grid: GridKind;
  private timeMs: number;
  private plan: DayPlan | null = null;
  private readonly clock = new MeterClock();
  private readonly demand: DemandRegisters;
  private readonly importJ = new Float64Array(2);
  private readonly exportJ = new Float64Array(2);
  private readonly readings: MeterReadings;
  private readonly formatter: TelegramFormatter;
  private readonly writer = new ByteWriter(2048);
  private readonly faults = new FaultInjector();
  private readonly net = new Int32Array(3);
  private injections: Injection[] = [];
  private pvOverrideW: number | null = null;
  /** advance() runs next() without formatting: the model moves, no bytes are made */
  private quiet = false;
  private evW = 0;
  private evPhases: 1 | 3 = 3;
  private gasMl = 0;
  private waterMl = 0;
  private nextMbusAt = 0;
  private readonly last: LastSecond = { time: Number.NaN, importW: 0, exportW: 0, register: 1, quarterAverageW: 0 };

  constructor(options: SimulatorOptions) {
    if (!Number.isFinite(options.start)) throw new RangeError('start must be a time (epoch ms)');
    this.household = createHousehold(options.seed ?? 1, options);
    this.grid = options.grid ?? '3x400';
    this.timeMs = Math.floor(options.start / 1000) * 1000;
    this.demand = new DemandRegisters(this.timeMs);
    this.readings = {
      time: this.timeMs, register: 1,
      importWh: new Float64Array(2), exportWh: new Float64Array(2),
      phases: new PhaseReadings(), demand: this.demand,
    };
    this.formatter = new TelegramFormatter(this.household, this.grid);
    this.snapshotMbus(this.timeMs);
  }

  /** Time of the next telegram, epoch ms. */
  get time(): number {
    return this.timeMs;
  }

  /** The last generated second (null before the first). Live: it changes with the next call to next(). */
  get lastSecond(): Readonly<LastSecond> | null {
    return Number.isNaN(this.last.time) ? null : this.last;
  }

  /** Generate the telegram for `time` and advance one second. The bytes are valid until the next call. */
  next(): Uint8Array {
    const t = this.timeMs;
    this.clock.update(t);
    if (!this.plan || t >= this.plan.startUtc + this.plan.lengthS * 1000) this.plan = buildDayPlan(this.household, startOfBrusselsDay(t));
    this.demand.advanceTo(t);
    if (t >= this.nextMbusAt) this.snapshotMbus(t);
    const plan = this.plan;
    const s = (t - plan.startUtc) / 1000;
    this.netPower(plan, s, t);
    const phases = this.readings.phases;
    measure(this.grid, this.net, plan.voltageDv, s * 3, phases);

    const register = this.clock.register;
    const r = this.readings;
    r.time = t;
    r.register = register;
    for (let i = 0; i < 2; i++) {
      r.importWh[i] = this.household.startImportWh[i]! + Math.floor(this.importJ[i]! / 3600);
      r.exportWh[i] = this.household.startExportWh[i]! + Math.floor(this.exportJ[i]! / 3600);
    }
    if (!this.quiet) {
      this.writer.reset();
      this.formatter.format(this.writer, this.clock, r);
    }
    const last = this.last;
    last.time = t;
    last.importW = phases.totalImportW;
    last.exportW = phases.totalExportW;
    last.register = register;
    last.quarterAverageW = this.demand.runningAverageW;

    // the power shown holds for the coming second: integrate it after the telegram
    this.importJ[register - 1] += phases.totalImportW;
    this.exportJ[register - 1] += phases.totalExportW;
    this.demand.addImport(phases.totalImportW);
    this.gasMl += plan.gasMl[s]!;
    this.waterMl += plan.waterMl[s]!;
    this.timeMs = t + 1000;
    if (this.quiet) return EMPTY;
    return this.faults.apply(this.writer.buffer.subarray(0, this.writer.length));
  }

  /**
   * Live `seconds` simulated seconds without making telegrams: counters, demand registers and
   * M-Bus readings move exactly as with next(), about ten times faster (formatting is most of
   * next()'s cost). For filling a demo's history with a telegram every few minutes.
   */
  advance(seconds: number): void {
    this.quiet = true;
    try {
      for (let i = 0; i < seconds; i++) this.next();
    } finally {
      this.quiet = false;
    }
  }

  /** Add a load of `kw` for `seconds`, on circuit 1-3 (a phase, or a phase pair on 3x230) or 0 = spread over three. */
  injectLoad(kw: number, seconds: number, circuit: 0 | 1 | 2 | 3 = 1): void {
    if (!Number.isFinite(kw) || !(seconds > 0)) throw new RangeError(`injectLoad: need a power in kW and a positive duration (got ${kw}, ${seconds})`);
    this.injections.push({ circuit, watts: Math.round(kw * 1000), untilMs: this.timeMs + Math.round(seconds) * 1000 });
  }

  /** Force the PV output to `kw` (null: back to the weather model). */
  setPv(kw: number | null): void {
    if (kw !== null && !(kw >= 0)) throw new RangeError(`setPv: need kW >= 0 or null (got ${kw})`);
    this.pvOverrideW = kw === null ? null : Math.round(kw * 1000);
  }

  /**
   * EV charging power in kW (0 = not charging). A three-phase charge is a balanced load on all
   * three circuits (3x400 and 3x230); a single-phase one, or any on 1x230, is on circuit 1.
   */
  setEvPower(kw: number, phases: 1 | 3 = 3): void {
    if (!(kw >= 0)) throw new RangeError(`setEvPower: need kW >= 0 (got ${kw})`);
    this.evW = Math.round(kw * 1000);
    this.evPhases = phases;
  }

  /**
   * Jump the meter's clock forward to `utcMs`: the time in between passes without telegrams
   * and without energy (as if the house were off); quarters and months that end in the gap close.
   */
  jumpClock(utcMs: number): void {
    const to = Math.floor(utcMs / 1000) * 1000;
    if (!(to >= this.timeMs)) throw new RangeError(`jumpClock: the meter's clock only moves forward (now ${new Date(this.timeMs).toISOString()})`);
    this.timeMs = to;
  }

  /** Corrupt the next `count` bytes sent (after `skip` bytes). */
  corruptNextBytes(count: number, skip = 0): void {
    this.faults.corrupt(count, skip);
  }

  /** Drop the next `count` bytes sent (after `skip` bytes), as a bad line or a reader attaching late would. */
  dropNextBytes(count: number, skip = 0): void {
    this.faults.drop(count, skip);
  }

  private netPower(plan: DayPlan, s: number, t: number): void {
    const net = this.net;
    net[0] = plan.load[s * 3]!;
    net[1] = plan.load[s * 3 + 1]!;
    net[2] = plan.load[s * 3 + 2]!;
    const threePhase = this.grid === '3x400';
    spread(net, threePhase ? 0 : 1, -(this.pvOverrideW ?? plan.pv[s]!));
    spread(net, this.grid !== '1x230' && this.evPhases === 3 ? 0 : 1, this.evW);
    if (this.injections.length > 0) {
      this.injections = this.injections.filter((i) => i.untilMs > t);
      for (const injection of this.injections) spread(net, injection.circuit, injection.watts);
    }
  }

  private snapshotMbus(t: number): void {
    const at = t - (t % MBUS_PERIOD_MS);
    this.formatter.setGas({ time: at, litres: this.household.startGasLitres + Math.floor(this.gasMl / 1000) });
    if (this.household.water) this.formatter.setWater({ time: at, litres: this.household.startWaterLitres + Math.floor(this.waterMl / 1000) });
    this.nextMbusAt = at + MBUS_PERIOD_MS;
  }
}

function spread(net: Int32Array, circuit: 0 | 1 | 2 | 3, watts: number): void {
  if (watts === 0) return;
  if (circuit !== 0) {
    net[circuit - 1] += watts;
    return;
  }
  const third = Math.trunc(watts / 3);
  net[0] += watts - 2 * third;
  net[1] += third;
  net[2] += third;
}
