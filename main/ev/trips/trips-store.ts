import type { Database } from 'better-sqlite3';
import { tripSchema, type Trip } from '../../../shared/trips/state.js';
import type { CalendarEvent } from './types.js';

/**
 * The last good read of each calendar and the standing sudden trips, in the meter's SQLite
 * database, so a restart during an internet outage still knows Monday's trip. The tables are
 * the store's migration 5 (main/store/migrations.ts): the caller opens a migrated database.
 */
export interface CalendarSnapshot {
  events: CalendarEvent[];
  fetchedAt: number;
}

export class TripsStore {
  private readonly putSnapshot;
  private readonly getSnapshot;
  private readonly putSudden;
  private readonly deleteSudden;
  private readonly allSudden;

  constructor(db: Database) {
    this.putSnapshot = db.prepare<[string, string, number]>(
      'INSERT INTO calendar_snapshots (source, events, fetched_at) VALUES (?, ?, ?) ON CONFLICT (source) DO UPDATE SET events = excluded.events, fetched_at = excluded.fetched_at');
    this.getSnapshot = db.prepare<[string], { events: string; fetched_at: number }>('SELECT events, fetched_at FROM calendar_snapshots WHERE source = ?');
    this.putSudden = db.prepare<[string, string]>('INSERT INTO sudden_trips (car, trip) VALUES (?, ?) ON CONFLICT (car) DO UPDATE SET trip = excluded.trip');
    this.deleteSudden = db.prepare<[string]>('DELETE FROM sudden_trips WHERE car = ?');
    this.allSudden = db.prepare<[], { trip: string }>('SELECT trip FROM sudden_trips ORDER BY car');
  }

  saveSnapshot(source: string, snapshot: CalendarSnapshot): void {
    this.putSnapshot.run(source, JSON.stringify(snapshot.events), snapshot.fetchedAt);
  }

  /** null when never read, or when the row cannot be understood (then it is as if never read) */
  snapshot(source: string): CalendarSnapshot | null {
    const row = this.getSnapshot.get(source);
    if (!row) return null;
    try {
      const events = JSON.parse(row.events) as unknown;
      if (!Array.isArray(events)) return null;
      return { events: events as CalendarEvent[], fetchedAt: row.fetched_at };
    } catch {
      return null;
    }
  }

  saveSudden(trip: Trip): void {
    this.putSudden.run(trip.car, JSON.stringify(trip));
  }

  removeSudden(car: string): boolean {
    return this.deleteSudden.run(car).changes > 0;
  }

  sudden(): Trip[] {
    const out: Trip[] = [];
    for (const row of this.allSudden.all()) {
      try {
        const parsed = tripSchema.safeParse(JSON.parse(row.trip));
        if (parsed.success) out.push(parsed.data);
      } catch {
        // a row this version cannot read is skipped, not fatal
      }
    }
    return out;
  }
}
