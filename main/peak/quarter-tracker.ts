/**
 * The running clock quarter (:00/:15/:30/:45) and the quarters that have ended, from the import
 * counters (1-0:1.8.1 + 1-0:1.8.2) of every telegram. Pure: time is the meter's own timestamp.
 *
 * Rules (capacity-tariff.md, issue 4):
 * - E = import counters now - at the quarter start, exact to the counters' 1 Wh (kept in integer Wh
 *   so that nothing drifts).
 * - A quarter is complete when readings exist within 2 s of both its boundaries (the reading nearest
 *   to a boundary, on either side of it, stands for the counters at that boundary; on a tie the
 *   earlier one); its average is then 4 x (counters at the end - at the start). Adjacent quarters
 *   pick the same boundary reading, so their energies add up to the counters' difference exactly.
 * - Otherwise it is kept as incomplete with 4 x the energy seen.
 * - Started mid-quarter (no reading within 2 s of its start), E starts at 1-0:1.4.0 / 4 when the
 *   meter sends 1.4.0 (it reads as "energy so far x 4"); the closed quarter still reports only the
 *   energy seen. The first complete quarter carrying 1.4.0 checks that reading of 1.4.0 (seed-check).
 * - A counter step that no connection could deliver (or a decrease) is refused once as a likely
 *   corrupted frame; when the next reading continues from it, it is real (meter replaced): the
 *   counters restart from there and the quarter is marked incomplete.
 * - A meter time far ahead of the last reading (clock-jump.ts) is held until the next telegrams
 *   confirm it (then all of them are used, in order) or dropped when they do not.
 * - P is the latest readable 1-0:1.7.0: a telegram whose power line could not be read keeps the
 *   last known value; before any was read it is null (unknown, never 0).
 */
import type { Telegram } from '../../shared/p1/telegram.js';
import type { ClosedQuarter, QuarterEnergySource } from '../../shared/peak/quarter-state.js';
import type { PeakEvent, ReadingIgnoredReason } from '../../shared/peak/events.js';
import { startOfQuarter } from '../../shared/time/brussels.js';
import { ClockJumpGuard } from '../ledger/clock-jump.js';

export const QUARTER_MS = 900_000;
/** A reading this close to a boundary stands for the counters at the boundary. */
export const BOUNDARY_TOLERANCE_MS = 2_000;
/**
 * 1.4.0 against our own 4 x E: two counter readings of 1 Wh resolution (x4 = 0.008 kW) plus the
 * 0.001 kW resolution of 1.4.0 itself, rounded up. The other reading of 1.4.0 (a running mean of
 * power, 900/t times larger) differs by far more for most of the quarter.
 */
export const SEED_CHECK_TOLERANCE_KW = 0.01;
/** Above any residential connection (3 x 80 A at 230 V is 55 kW). */
export const DEFAULT_MAX_IMPORT_KW = 60;

export interface QuarterTrackerOptions {
  /** the most the connection can import; a faster counter rise is refused as corrupt */
  maxImportKw?: number;
}

/** The running quarter as the budget needs it. */
export interface RunningQuarter {
  quarterStart: number;
  quarterEnd: number;
  /** meter time of the latest reading used */
  time: number;
  /** t, seconds into the quarter */
  elapsedS: number;
  /** E, kWh */
  energyKwh: number;
  source: QuarterEnergySource;
  /** P, import power of the latest readable 1-0:1.7.0; null when none has been read (unknown) */
  powerKw: number | null;
}

export interface IngestResult {
  /** false when the telegram was not used (see events) */
  accepted: boolean;
  /** quarters that ended with this telegram, oldest first */
  closed: ClosedQuarter[];
  events: PeakEvent[];
}

interface Reading {
  time: number;
  /** 1.8.1 + 1.8.2 in Wh */
  wh: number;
}

interface OpenQuarter {
  start: number;
  end: number;
  /** a reading within 2 s of the start gave the starting counters */
  startKnown: boolean;
  /** Wh imported and seen since the start (or since the first reading) */
  seenWh: number;
  /** Wh before the first reading, from 1.4.0 (0 when not seeded) */
  seedWh: number;
  source: QuarterEnergySource;
  /** counters lost continuity inside the quarter */
  broken: boolean;
  lastInQuarter: Reading;
  powerKw: number | null;
  seedCheck: { samples: number; maxDeviationKw: number } | null;
}

function toWh(kwh: number): number {
  return Math.round(kwh * 1000);
}

export class QuarterTracker {
  private readonly maxImportKw: number;
  private last: Reading | null = null;
  /** a refused reading, kept to recognise a real jump when the next one continues from it */
  private suspect: Reading | null = null;
  private open: OpenQuarter | null = null;
  private seedCheckDone = false;
  /** the latest import power read; an unreadable one (null) does not replace it */
  private lastPowerKw: number | null = null;
  private readonly clock = new ClockJumpGuard<Telegram>();

  constructor(options: QuarterTrackerOptions = {}) {
    this.maxImportKw = options.maxImportKw ?? DEFAULT_MAX_IMPORT_KW;
  }

  ingest(telegram: Telegram): IngestResult {
    const events: PeakEvent[] = [];
    const ignored = (reason: ReadingIgnoredReason, detail: string): IngestResult => {
      events.push({ type: 'reading-ignored', time: telegram.time, reason, detail });
      return { accepted: false, closed: [], events };
    };
    if (telegram.time === null) return ignored('no-time', 'telegram without 0-0:1.0.0 time');
    const counters = telegram.importKwh;
    if (!counters || counters.t1 === null || counters.t2 === null) {
      return ignored('no-import-counters', 'telegram without both 1-0:1.8.1 and 1-0:1.8.2');
    }
    const time = telegram.time;
    const decision = this.clock.offer(this.last?.time ?? null, time, telegram);
    if (decision.held) {
      return ignored('time-jump', `meter time ${new Date(time).toISOString()} jumped ahead of ${new Date(this.last!.time).toISOString()}; held until the next telegrams confirm it`);
    }
    if (decision.pass.length === 1) return this.use(telegram, toWh(counters.t1) + toWh(counters.t2));
    // a confirmed jump: the held telegrams first, in order
    const merged: IngestResult = { accepted: false, closed: [], events: [] };
    for (const held of decision.pass) {
      const c = held.importKwh!;
      const result = this.use(held, toWh(c.t1!) + toWh(c.t2!));
      merged.closed.push(...result.closed);
      merged.events.push(...result.events);
      if (held === telegram) merged.accepted = result.accepted;
    }
    return merged;
  }

  /** One telegram with a time and both import counters, past the clock check. */
  private use(telegram: Telegram, wh: number): IngestResult {
    const events: PeakEvent[] = [];
    const ignored = (reason: ReadingIgnoredReason, detail: string): IngestResult => {
      events.push({ type: 'reading-ignored', time: telegram.time, reason, detail });
      return { accepted: false, closed: [], events };
    };
    const reading: Reading = { time: telegram.time!, wh };
    const last = this.last;
    if (last && reading.time <= last.time) {
      return ignored('time-not-after-previous', `meter time ${new Date(reading.time).toISOString()} is not after ${new Date(last.time).toISOString()}`);
    }

    let continuous = false;
    if (last) {
      if (this.plausible(last, reading)) {
        continuous = true;
        this.suspect = null;
      } else if (this.suspect && this.plausible(this.suspect, reading)) {
        const reason = reading.wh < last.wh ? 'counter-decrease' : 'counter-jump';
        events.push({
          type: 'counter-break', time: reading.time, quarterStart: startOfQuarter(reading.time), reason,
          detail: `import counters went from ${last.wh / 1000} to ${reading.wh / 1000} kWh and stayed there`,
        });
        this.suspect = null;
      } else {
        this.suspect = reading;
        return ignored('implausible-jump', `import counters went from ${last.wh / 1000} to ${reading.wh / 1000} kWh in ${(reading.time - last.time) / 1000} s`);
      }
    }

    const closed: ClosedQuarter[] = [];
    const open = this.open;
    if (open && reading.time >= open.end) {
      closed.push(this.close(open, continuous ? reading : null, events));
      this.open = null;
    }
    // an unreadable power line is unknown, not 0: keep the last value read
    const read = telegram.powerKw?.import ?? null;
    if (read !== null) this.lastPowerKw = read;
    const power = this.lastPowerKw;
    if (this.open) {
      const current = this.open;
      if (continuous && last) current.seenWh += reading.wh - last.wh;
      else current.broken = true;
      current.lastInQuarter = reading;
      current.powerKw = power;
    } else {
      this.open = this.start(reading, continuous ? last : null, telegram.quarterAverageKw, power, events);
    }
    this.sampleSeedCheck(this.open, telegram.quarterAverageKw);
    this.last = reading;
    return { accepted: true, closed, events };
  }

  /** End of input (replay done, shutdown): close the running quarter with what was seen. */
  finish(): IngestResult {
    const events: PeakEvent[] = [];
    const closed: ClosedQuarter[] = [];
    if (this.open) closed.push(this.close(this.open, null, events));
    this.open = null;
    return { accepted: true, closed, events };
  }

  /** The running quarter, or null before the first usable telegram. */
  running(): RunningQuarter | null {
    const q = this.open;
    if (!q) return null;
    return {
      quarterStart: q.start,
      quarterEnd: q.end,
      time: q.lastInQuarter.time,
      elapsedS: (q.lastInQuarter.time - q.start) / 1000,
      energyKwh: (q.seedWh + q.seenWh) / 1000,
      source: q.source,
      powerKw: q.powerKw,
    };
  }

  /** 0 <= rise <= what maxImportKw delivers in the time between, plus 2 Wh of counter resolution. */
  private plausible(from: Reading, to: Reading): boolean {
    const rise = to.wh - from.wh;
    const possible = (this.maxImportKw * (to.time - from.time)) / 3600 + 2;
    return rise >= 0 && rise <= possible;
  }

  private start(reading: Reading, previous: Reading | null, meterQuarterKw: number | null, powerKw: number | null, events: PeakEvent[]): OpenQuarter {
    const start = startOfQuarter(reading.time);
    const sinceStart = reading.time - start;
    const beforeStart = previous ? start - previous.time : Infinity;
    let startKnown = false;
    let seenWh = 0;
    if (previous && beforeStart <= BOUNDARY_TOLERANCE_MS && beforeStart <= sinceStart) {
      // The previous quarter's last reading is the nearer one: it ended that quarter too.
      startKnown = true;
      seenWh = reading.wh - previous.wh;
    } else if (sinceStart <= BOUNDARY_TOLERANCE_MS) {
      startKnown = true;
    }
    let source: QuarterEnergySource = 'counters';
    let seedWh = 0;
    if (!startKnown) {
      if (meterQuarterKw !== null) {
        // 1.4.0 is "energy so far x 4": energy so far = 1.4.0 / 4 kWh = 1.4.0 x 250 Wh.
        seedWh = Math.round(meterQuarterKw * 250_000) / 1000;
        source = 'meter-1.4.0+counters';
        events.push({ type: 'quarter-seeded', quarterStart: start, time: reading.time, meterKw: meterQuarterKw, seedKwh: seedWh / 1000 });
      } else {
        source = 'counters-partial';
      }
    }
    return {
      start, end: start + QUARTER_MS, startKnown, seenWh, seedWh, source, broken: false,
      lastInQuarter: reading, powerKw, seedCheck: null,
    };
  }

  /** `next` is the first reading after the quarter, when continuous with its last one. */
  private close(q: OpenQuarter, next: Reading | null, events: PeakEvent[]): ClosedQuarter {
    const last = q.lastInQuarter;
    const lastToEnd = q.end - last.time;
    const endToNext = next ? next.time - q.end : Infinity;
    let seenWh = q.seenWh;
    let endKnown = false;
    if (next && endToNext <= BOUNDARY_TOLERANCE_MS && endToNext < lastToEnd) {
      seenWh += next.wh - last.wh;
      endKnown = true;
    } else if (lastToEnd <= BOUNDARY_TOLERANCE_MS) {
      endKnown = true;
    }
    const complete = q.startKnown && endKnown && !q.broken;
    if (complete && q.seedCheck && q.seedCheck.samples > 0 && !this.seedCheckDone) {
      this.seedCheckDone = true;
      events.push({
        type: 'seed-check', quarterStart: q.start, samples: q.seedCheck.samples,
        maxDeviationKw: Math.round(q.seedCheck.maxDeviationKw * 1000) / 1000,
        toleranceKw: SEED_CHECK_TOLERANCE_KW, agrees: q.seedCheck.maxDeviationKw <= SEED_CHECK_TOLERANCE_KW + 1e-9,
      });
    }
    return { start: q.start, end: q.end, averageKw: (4 * seenWh) / 1000, complete };
  }

  /**
   * In a quarter measured from its start, compare 1.4.0 with 4 x E on every telegram, except those
   * within 2 s of the start: E is then about 0 and 1.4.0 may still show the previous quarter.
   */
  private sampleSeedCheck(q: OpenQuarter, meterQuarterKw: number | null): void {
    if (this.seedCheckDone || meterQuarterKw === null || !q.startKnown || q.broken) return;
    if (q.lastInQuarter.time - q.start <= BOUNDARY_TOLERANCE_MS) return;
    const deviation = Math.abs(meterQuarterKw - (4 * q.seenWh) / 1000);
    const check = (q.seedCheck ??= { samples: 0, maxDeviationKw: 0 });
    check.samples += 1;
    check.maxDeviationKw = Math.max(check.maxDeviationKw, deviation);
  }
}
