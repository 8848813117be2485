import type { Logger } from 'pino';
import type { CalendarStatus, Trip, TripsState } from '../../../shared/trips/state.js';
import { backoffDelay, type BackoffOptions } from '../../bus/backoff.js';
import { silentLogger } from '../../log/logger.js';
import type { Timers } from '../../p1/sources/timers.js';
import { parseNeed, tripsFromEvents, unknownCar, type ConventionOptions } from './convention.js';
import type { TripsStore } from './trips-store.js';
import { CalendarError, type CalendarEvent, type CalendarSource, type TripCar } from './types.js';
import { zonedDate, zonedToUtc } from './zoned-time.js';

export interface TripsServiceOptions {
  sources: readonly CalendarSource[];
  cars: readonly TripCar[];
  convention: ConventionOptions;
  store: TripsStore;
  timers: Timers;
  refreshMs: number;
  horizonDays: number;
  log?: Logger;
  /** every new trips state (the bus, the EV controller) */
  onState?: (state: TripsState) => void;
  /** the EV controller's verdict per trip, once it is there */
  judge?: (trip: Trip) => { met: boolean; shortKwh: number | null } | null;
  random?: () => number;
}

const DAY_MS = 86_400_000;
/** The list is recomputed this often, so a departed trip leaves it without waiting for a read. */
const RECOMPUTE_MS = 60_000;
/** After a failed read, try again sooner than the refresh interval, backing off up to it. */
const RETRY: Omit<BackoffOptions, 'maxMs'> = { initialMs: 30_000, factor: 2, jitter: 0.2 };

interface SourceSlot {
  source: CalendarSource;
  events: CalendarEvent[];
  status: CalendarStatus;
  failures: number;
  timer: unknown;
  reading: AbortController | null;
  inFlight: Promise<void> | null;
}

/**
 * Reads every configured calendar every few minutes, keeps each one's last good read (in
 * memory and in SQLite) while it cannot be read, and publishes the trips of the coming days:
 * calendar trips by the convention, plus the sudden trips asked for by command.
 */
export class TripsService {
  private readonly slots: SourceSlot[];
  private readonly log: Logger;
  private readonly cars: Map<string, TripCar>;
  private recomputeTimer: unknown = null;
  private running = false;
  private latest: TripsState | null = null;
  private judge: TripsServiceOptions['judge'];

  constructor(private readonly o: TripsServiceOptions) {
    this.log = o.log ?? silentLogger();
    this.judge = o.judge;
    this.cars = new Map(o.cars.map((c) => [c.name.toLowerCase(), c]));
    this.slots = o.sources.map((source) => {
      const stored = o.store.snapshot(source.name);
      return {
        source, events: stored?.events ?? [], failures: 0, timer: null, reading: null, inFlight: null,
        status: { name: source.name, kind: source.kind, status: 'starting', message: null, lastGoodAt: stored?.fetchedAt ?? null, failingSince: null },
      };
    });
  }

  /** the EV role sets its verdict once it runs (it knows the SoC and the charger's power) */
  setJudge(judge: TripsServiceOptions['judge']): void {
    this.judge = judge;
    this.publish();
  }

  /** compute and publish again now (the EV role's verdicts changed) */
  republish(): void {
    this.publish();
  }

  get state(): TripsState {
    return this.latest ?? this.compute();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.publish();
    for (const slot of this.slots) void this.read(slot);
    this.scheduleRecompute();
  }

  stop(): void {
    this.running = false;
    for (const slot of this.slots) {
      if (slot.timer !== null) this.o.timers.clearTimeout(slot.timer);
      slot.timer = null;
      slot.reading?.abort();
    }
    if (this.recomputeTimer !== null) this.o.timers.clearTimeout(this.recomputeTimer);
    this.recomputeTimer = null;
  }

  /** Read every calendar now (a command, or a test); resolves when all reads are over. */
  async refresh(): Promise<TripsState> {
    await Promise.all(this.slots.map((slot) => this.read(slot)));
    this.publish();
    return this.state;
  }

  /**
   * A sudden trip: the car must hold `need` by `by` (epoch ms), charged at once whatever the
   * rate or the peak. Replaces the car's earlier sudden trip.
   */
  addSudden(carName: string, by: number, need: string | null): Trip {
    const car = this.cars.get(carName.toLowerCase());
    if (!car) throw new Error(unknownCar(carName, this.o.cars));
    const now = this.o.timers.now();
    if (by <= now) throw new Error(`the time asked for (${new Date(by).toISOString()}) has passed`);
    const parsed = parseNeed(need ?? car.defaultNeed, car);
    if (typeof parsed === 'string') throw new Error(parsed);
    const title = `ready by ${new Date(by).toISOString().slice(0, 16)}Z with ${parsed.from}`;
    const trip: Trip = {
      id: `sudden:${car.name}:${by}`, car: car.name, departure: by, eventStart: by,
      needSocPct: parsed.socPct, needKwh: parsed.kwh, needFrom: need === null ? 'default' : parsed.from,
      source: 'sudden', sourceName: 'sudden', eventUid: `sudden:${now}`, eventTitle: title,
      urgent: true, met: null, shortKwh: null,
    };
    this.o.store.saveSudden(trip);
    this.log.info({ car: car.name, by: new Date(by).toISOString(), need: parsed.from }, 'sudden trip: charging for it at once');
    this.publish();
    return trip;
  }

  cancelSudden(carName: string): boolean {
    const car = this.cars.get(carName.toLowerCase());
    const removed = car ? this.o.store.removeSudden(car.name) : false;
    if (removed) this.publish();
    return removed;
  }

  /** "17:00" -> the next 17:00 in the configured zone after now (today, or tomorrow once passed) */
  nextLocalTime(hhmm: string): number {
    const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
    if (!m) throw new Error(`'${hhmm}' is not a time of day (HH:MM)`);
    const now = this.o.timers.now();
    const zone = this.o.convention.zone;
    for (let d = 0; d < 3; d++) {
      const [year, month, day] = zonedDate(zone, now + d * DAY_MS).split('-').map(Number) as [number, number, number];
      const t = zonedToUtc(zone, { year, month, day, hour: Number(m[1]), minute: Number(m[2]), second: 0 });
      if (t > now) return t;
    }
    throw new Error(`no ${hhmm} ahead`);
  }

  /** one read per calendar at a time: a second caller waits for the read under way */
  private read(slot: SourceSlot): Promise<void> {
    slot.inFlight ??= this.readOnce(slot).finally(() => { slot.inFlight = null; });
    return slot.inFlight;
  }

  private async readOnce(slot: SourceSlot): Promise<void> {
    if (slot.timer !== null) this.o.timers.clearTimeout(slot.timer);
    slot.timer = null;
    const controller = new AbortController();
    slot.reading = controller;
    const now = this.o.timers.now();
    const window = { start: now - DAY_MS, end: now + (this.o.horizonDays + 1) * DAY_MS };
    let delay = this.o.refreshMs;
    try {
      const events = await slot.source.events(window, controller.signal);
      const at = this.o.timers.now();
      slot.events = events;
      slot.failures = 0;
      this.o.store.saveSnapshot(slot.source.name, { events, fetchedAt: at });
      if (slot.status.status !== 'ok') this.log.info({ calendar: slot.source.name, events: events.length }, 'calendar read');
      slot.status = { ...slot.status, status: 'ok', message: null, lastGoodAt: at, failingSince: null };
    } catch (error) {
      const message = error instanceof CalendarError ? error.message : `unexpected: ${(error as Error).message}`;
      const at = this.o.timers.now();
      slot.failures++;
      delay = backoffDelay(slot.failures - 1, { ...RETRY, maxMs: this.o.refreshMs }, this.o.random);
      const kept = slot.status.lastGoodAt === null ? 'no earlier list' : `keeping the list read ${new Date(slot.status.lastGoodAt).toISOString()}`;
      if (slot.status.message !== message) this.log.warn({ calendar: slot.source.name }, `calendar not read: ${message}; ${kept}`);
      slot.status = { ...slot.status, status: 'error', message, failingSince: slot.status.failingSince ?? at };
    } finally {
      slot.reading = null;
    }
    // published whether or not the service runs its own schedule (a refresh by command, a test)
    this.publish();
    if (!this.running) return;
    slot.timer = this.o.timers.setTimeout(() => { slot.timer = null; void this.read(slot); }, delay);
  }

  private scheduleRecompute(): void {
    this.recomputeTimer = this.o.timers.setTimeout(() => {
      this.publish();
      if (this.running) this.scheduleRecompute();
    }, RECOMPUTE_MS);
  }

  private publish(): void {
    this.latest = this.compute();
    this.o.onState?.(this.latest);
  }

  private compute(): TripsState {
    const now = this.o.timers.now();
    const end = now + this.o.horizonDays * DAY_MS;
    const all: Trip[] = [];
    const problems = new Set<string>();
    for (const slot of this.slots) {
      const { trips, problems: found } = tripsFromEvents(slot.events, this.o.cars, slot.source, this.o.convention);
      all.push(...trips);
      for (const p of found) problems.add(p);
    }
    for (const trip of this.o.store.sudden()) {
      if (trip.departure <= now) this.o.store.removeSudden(trip.car);
      else all.push(trip);
    }
    const trips = all
      .filter((t) => t.departure > now && t.departure <= end)
      .sort((a, b) => a.departure - b.departure || a.car.localeCompare(b.car))
      .map((t) => ({ ...t, ...(this.judge?.(t) ?? {}) }));
    return {
      trips,
      next: this.o.cars.map((car) => ({ car: car.name, name: car.label ?? car.name, trip: trips.find((t) => t.car === car.name) ?? null })),
      calendars: this.slots.map((s) => s.status),
      problems: [...problems].slice(0, 50),
      horizonDays: this.o.horizonDays,
      updatedAt: now,
    };
  }
}
