import type { Logger } from 'pino';
import type { Telegram } from '../../shared/p1/telegram.js';
import { brusselsDateKey, startOfBrusselsDay, startOfNextBrusselsDay, startOfQuarter } from '../../shared/time/brussels.js';
import { electricityEur, gasEur, nextBandEdge, waterEur, type SpotPrice } from '../tariff/pricing.js';
import { CounterChannel, type ChannelEvent, type ChannelState, type CounterReading } from './counter-channel.js';
import { emptyDay, type DaySummary } from './day-summary.js';
import type { RateSchedule } from './rate-schedule.js';
import { ClockJumpGuard } from './clock-jump.js';

export type ChannelName = 'electricity' | 'gas' | 'water';

export interface LedgerLimits {
  /** largest import or export power the connection can carry (3 x 230 V x 63 A ~ 43.5 kW) */
  maxKw: number;
  gasM3PerHour: number;
  waterM3PerHour: number;
}

export const DEFAULT_LIMITS: LedgerLimits = { maxKw: 43.5, gasM3PerHour: 16, waterM3PerHour: 10 };

/** Intervals longer than this that cross a day boundary are shared out and marked estimated. */
const ESTIMATE_AFTER_MS: Record<ChannelName, number> = { electricity: 10_000, gas: 360_000, water: 360_000 };

/** Counter values at a day boundary: measured, or interpolated between the readings around it. */
export interface BoundaryReading {
  channel: ChannelName;
  time: number;
  values: number[];
  estimated: boolean;
}

export interface LedgerState {
  channels: Partial<Record<ChannelName, ChannelState>>;
}

export interface LedgerOptions {
  schedule: RateSchedule;
  log: Logger;
  limits?: LedgerLimits;
  spot?: SpotPrice;
  state?: LedgerState;
  days?: Iterable<DaySummary>;
}

/** What this ledger has added since it was created (the replay summary). */
export interface SessionTotals extends Omit<DaySummary, 'day' | 'start' | 'estimated'> {
  gasSeen: boolean;
  waterSeen: boolean;
}

/**
 * Usage and money per Brussels day from the meter's cumulative counters. Each accepted pair of
 * readings gives a delta over (t0, t1]; it is cut at day boundaries, rate changes and clock-band
 * edges, shared out linearly in time, and each piece is priced at the rates in force then.
 * Pure: time comes only from the readings.
 */
export class Ledger {
  private readonly channels: Record<ChannelName, CounterChannel>;
  /** a meter time far ahead of the channel's last reading waits for confirmation (clock-jump.ts) */
  private readonly clocks: Record<ChannelName, ClockJumpGuard<CounterReading>> = {
    electricity: new ClockJumpGuard(), gas: new ClockJumpGuard(), water: new ClockJumpGuard(),
  };
  private readonly days = new Map<string, DaySummary>();
  private readonly dirty = new Set<string>();
  private boundaries: BoundaryReading[] = [];
  private cachedDay: DaySummary | null = null;
  private cachedDayEnd = 0;
  readonly session: SessionTotals = {
    importWh: [0, 0], exportWh: [0, 0], importEur: 0, exportEur: 0,
    gasLitres: 0, gasEur: 0, waterLitres: 0, waterEur: 0, gasSeen: false, waterSeen: false,
  };
  private readonly schedule: RateSchedule;
  private readonly log: Logger;
  private readonly spot: SpotPrice | undefined;

  constructor(options: LedgerOptions) {
    const limits = options.limits ?? DEFAULT_LIMITS;
    const state = options.state?.channels ?? {};
    this.schedule = options.schedule;
    this.log = options.log;
    this.spot = options.spot;
    this.channels = {
      electricity: new CounterChannel('electricity', { groups: [[0, 1], [2, 3]], maxPerHour: limits.maxKw * 1000, slack: 1 }, state.electricity),
      gas: new CounterChannel('gas', { groups: [[0]], maxPerHour: limits.gasM3PerHour * 1000, slack: 1 }, state.gas),
      water: new CounterChannel('water', { groups: [[0]], maxPerHour: limits.waterM3PerHour * 1000, slack: 1 }, state.water),
    };
    for (const day of options.days ?? []) this.days.set(day.day, day);
  }

  /**
   * Feed every counter a telegram carries; returns the events (for tests and logging). A time
   * far ahead of the channel's last reading is held until the following telegrams confirm it.
   * `unseenMs`: how long the meter's clock stood behind the last reading (the pipeline skipped
   * those telegrams): the electricity counters may have risen that much more since it.
   */
  addTelegram(t: Telegram, unseenMs = 0): ChannelEvent[] {
    const events: ChannelEvent[] = [];
    const i = t.importKwh;
    const x = t.exportKwh;
    if (t.time !== null && i && x && i.t1 !== null && i.t2 !== null && x.t1 !== null && x.t2 !== null) {
      events.push(...this.addChecked('electricity', { time: t.time, values: [wh(i.t1), wh(i.t2), wh(x.t1), wh(x.t2)] }, unseenMs));
    }
    let gasDone = false;
    let waterDone = false;
    for (const m of t.mbus) {
      if (m.time === null || m.value === null) continue;
      // the gas meter's own timestamp: its value may arrive minutes after it was read
      if (m.kind === 'gas' && !gasDone) { events.push(...this.addChecked('gas', { time: m.time, values: [wh(m.value)] })); gasDone = true; }
      if (m.kind === 'water' && !waterDone) { events.push(...this.addChecked('water', { time: m.time, values: [wh(m.value)] })); waterDone = true; }
    }
    return events;
  }

  private addChecked(channel: ChannelName, reading: CounterReading, unseenMs = 0): ChannelEvent[] {
    const last = this.channels[channel].lastReading;
    const decision = this.clocks[channel].offer(last?.time ?? null, reading.time, reading);
    if (decision.dropped > 0) {
      this.log.warn({ channel, dropped: decision.dropped }, `${channel}: a meter time that jumped ahead was not confirmed by the next reading; dropped as a corrupted frame`);
    }
    if (decision.held) {
      const reason = `meter time ${new Date(reading.time).toISOString()} jumped ahead of ${new Date(last!.time).toISOString()}; held until the next readings confirm it`;
      if (this.clocks[channel].holding === 1) this.log.warn({ channel, last, reading }, `${channel} reading refused: ${reason}`);
      return [{ kind: 'refused', reason, last: last!, reading }];
    }
    if (decision.pass.length > 1) {
      this.log.warn({ channel, before: last, time: new Date(decision.pass[0]!.time).toISOString() }, `${channel}: the meter's clock jumped ahead and the following readings confirmed it; following the new time`);
    }
    const events: ChannelEvent[] = [];
    for (const r of decision.pass) events.push(...this.add(channel, r, unseenMs));
    return events;
  }

  /** Electricity counters in kWh as the meter writes them (3 decimals). */
  addElectricity(time: number, importKwh: [number, number], exportKwh: [number, number]): ChannelEvent[] {
    return this.add('electricity', { time, values: [wh(importKwh[0]), wh(importKwh[1]), wh(exportKwh[0]), wh(exportKwh[1])] });
  }

  /** Gas or water counter in m3 (3 decimals). */
  addVolume(channel: 'gas' | 'water', time: number, m3: number): ChannelEvent[] {
    return this.add(channel, { time, values: [wh(m3)] });
  }

  private add(channel: ChannelName, reading: CounterReading, unseenMs = 0): ChannelEvent[] {
    const events = this.channels[channel].add(reading, unseenMs);
    for (const event of events) {
      if (event.kind === 'delta') this.book(channel, event.from, event.to);
      else if (event.kind === 'first') this.noteExactBoundary(channel, event.reading);
      else if (event.kind === 'segment') {
        this.log.warn({ channel, reason: event.reason, before: event.before, after: event.reading }, `${channel} meter counters restarted (${event.reason === 'decrease' ? 'a counter went down: new meter or reset' : 'a jump confirmed by the following readings'}); a new segment starts, the interval between is not counted`);
        this.noteExactBoundary(channel, event.reading);
      } else if (event.kind === 'refused') {
        this.log.warn({ channel, last: event.last, reading: event.reading }, `${channel} reading refused: ${event.reason}`);
      }
    }
    return events;
  }

  private noteExactBoundary(channel: ChannelName, reading: CounterReading): void {
    if (startOfBrusselsDay(reading.time) === reading.time) this.boundaries.push({ channel, time: reading.time, values: [...reading.values], estimated: false });
  }

  /** Book the delta from -> to over (from.time, to.time], cut where a price or a day changes. */
  private book(channel: ChannelName, from: CounterReading, to: CounterReading): void {
    const span = to.time - from.time;
    const delta = to.values.map((v, i) => v - from.values[i]!);
    const long = span > ESTIMATE_AFTER_MS[channel];
    let a = from.time;
    let dayEnd = 0;
    while (a < to.time) {
      const day = this.dayFor(a);
      dayEnd = this.cachedDayEnd;
      const rates = this.schedule.at(a);
      let b = Math.min(to.time, dayEnd);
      const rateChange = this.schedule.nextChange(a);
      if (rateChange !== null && rateChange < b) b = rateChange;
      if (channel === 'electricity') {
        const edge = nextBandEdge(rates, a);
        if (edge !== null && edge < b) b = edge;
        if (rates.Electricity.dynamic && this.spot) b = Math.min(b, startOfQuarter(a) + 900_000);
      }
      // a whole interval keeps its exact integer delta; only a split one is shared out
      const piece = a === from.time && b === to.time ? delta : delta.map((d) => (d * (b - a)) / span);
      if (long && b - a < span) day.estimated = true;
      this.apply(channel, day, piece, a);
      if (b === dayEnd && b < to.time) {
        this.boundaries.push({ channel, time: b, values: from.values.map((v, i) => v + (delta[i]! * (b - from.time)) / span), estimated: long });
      }
      a = b;
    }
    if (to.time === dayEnd) this.boundaries.push({ channel, time: to.time, values: [...to.values], estimated: false });
  }

  private apply(channel: ChannelName, day: DaySummary, piece: number[], time: number): void {
    const rates = this.schedule.at(time);
    const s = this.session;
    if (channel === 'electricity') {
      const money = electricityEur(rates, time, [piece[0]!, piece[1]!], [piece[2]!, piece[3]!], this.spot);
      day.importWh[0] += piece[0]!; day.importWh[1] += piece[1]!;
      day.exportWh[0] += piece[2]!; day.exportWh[1] += piece[3]!;
      day.importEur += money.importEur; day.exportEur += money.exportEur;
      s.importWh[0] += piece[0]!; s.importWh[1] += piece[1]!;
      s.exportWh[0] += piece[2]!; s.exportWh[1] += piece[3]!;
      s.importEur += money.importEur; s.exportEur += money.exportEur;
    } else if (channel === 'gas') {
      const eur = gasEur(rates, piece[0]!);
      day.gasLitres += piece[0]!; day.gasEur += eur;
      s.gasLitres += piece[0]!; s.gasEur += eur;
    } else {
      const eur = waterEur(rates, piece[0]!);
      day.waterLitres += piece[0]!; day.waterEur += eur;
      s.waterLitres += piece[0]!; s.waterEur += eur;
    }
    if (channel === 'gas') s.gasSeen = true;
    if (channel === 'water') s.waterSeen = true;
  }

  /** The day containing `time`; the last one is cached with its end (the hot path: same day every second). */
  private dayFor(time: number): DaySummary {
    let day = this.cachedDay;
    if (!day || time < day.start || time >= this.cachedDayEnd) {
      const key = brusselsDateKey(time);
      day = this.days.get(key) ?? null;
      if (!day) {
        day = emptyDay(key, startOfBrusselsDay(time));
        this.days.set(key, day);
      }
      this.cachedDay = day;
      this.cachedDayEnd = startOfNextBrusselsDay(time);
    }
    this.dirty.add(day.day);
    return day;
  }

  day(key: string): DaySummary | undefined {
    return this.days.get(key);
  }

  allDays(): IterableIterator<DaySummary> {
    return this.days.values();
  }

  /** Days changed since the last call (for the store). */
  takeDirtyDays(): DaySummary[] {
    const out = [...this.dirty].map((k) => this.days.get(k)!);
    this.dirty.clear();
    return out;
  }

  takeBoundaryReadings(): BoundaryReading[] {
    const out = this.boundaries;
    this.boundaries = [];
    return out;
  }

  state(): LedgerState {
    return { channels: { electricity: this.channels.electricity.state(), gas: this.channels.gas.state(), water: this.channels.water.state() } };
  }

  lastReading(channel: ChannelName): CounterReading | null {
    return this.channels[channel].lastReading;
  }
}

/** kWh or m3 with 3 decimals -> integer Wh or litres, so sums are exact. */
function wh(value: number): number {
  return Math.round(value * 1000);
}
