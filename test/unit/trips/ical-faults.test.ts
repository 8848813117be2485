import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tripsDb } from '../../support/trips-db.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IcalSource } from '../../../main/ev/trips/ical-source.js';
import { TripsService } from '../../../main/ev/trips/trips-service.js';
import { TripsStore } from '../../../main/ev/trips/trips-store.js';
import type { TripCar } from '../../../main/ev/trips/types.js';
import { ManualTimers } from '../../support/manual-timers.js';
import { GOOGLE_EXPORT } from './ical-shapes.js';

const CARS: TripCar[] = [{ name: 'tesla', batteryKwh: 75, consumptionKwhPer100Km: 18, defaultNeed: '80%', chargeEfficiency: 0.9 }];
const ZONE = 'Europe/Brussels';
type Mode = 'good' | 'invalid' | 'huge' | 'slow' | 'gone';
let mode: Mode = 'good';
let server: Server;
let base = '';
const sockets = new Set<import('node:net').Socket>();

beforeAll(async () => {
  server = createServer((req, res) => {
    if (!req.url?.startsWith('/calendar/private-abc123/basic.ics')) { res.statusCode = 404; res.end(); return; }
    if (mode === 'gone') { res.statusCode = 404; res.end('not found'); return; }
    res.setHeader('content-type', 'text/calendar; charset=utf-8');
    if (mode === 'good') { res.end(GOOGLE_EXPORT); return; }
    if (mode === 'invalid') { res.end('<!doctype html><title>Sign in</title>'); return; }
    if (mode === 'slow') { res.write('BEGIN:VCALENDAR\r\n'); return; /* never finishes */ }
    // huge: 20 MB of events, streamed without a content-length, as a chunked answer
    const block = Buffer.from(GOOGLE_EXPORT.replace(/END:VCALENDAR\r\n$/, '').repeat(1).slice(0, 64 * 1024).padEnd(64 * 1024, ' '));
    let sent = 0;
    const pump = () => {
      while (sent < 20 * 1024 * 1024) {
        sent += block.length;
        if (!res.write(block)) { res.once('drain', pump); return; }
      }
      res.end();
    };
    res.on('error', () => {});
    pump();
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function service(db: ReturnType<typeof tripsDb>, timers: ManualTimers, url = `${base}/calendar/private-abc123/basic.ics`, random = () => 0) {
  const source = new IcalSource({ name: 'family', url, timeoutMs: 1500, maxBytes: 5 * 1024 * 1024, zone: ZONE });
  return new TripsService({
    sources: [source], cars: CARS, store: new TripsStore(db), timers, refreshMs: 5 * 60_000, horizonDays: 7,
    convention: { marginMinutes: 30, allDayDeparture: null, zone: ZONE }, random,
  });
}

// Sunday 22 March 2026 12:00Z; the week ahead holds Mon 23 and Fri 27 at 07:30 CET -> 06:00Z
// departures (ical-parse.test.ts works them out); Mon 30 is beyond the 7 days.
const START = Date.parse('2026-03-22T12:00:00Z');
const DEPARTURES = ['2026-03-23T06:00:00.000Z', '2026-03-27T06:00:00.000Z'];
const departures = (s: TripsService) => s.state.trips.map((t) => new Date(t.departure).toISOString());

describe('iCal faults: message, last good list kept, recovery', () => {
  it('each fault says what happened, keeps the last good list and since when; a good read recovers', async () => {
    const db = tripsDb();
    const timers = new ManualTimers(START);
    const s = service(db, timers);
    mode = 'good';
    await s.refresh();
    expect(departures(s)).toEqual(DEPARTURES);
    expect(s.state.calendars[0]).toMatchObject({ status: 'ok', message: null, lastGoodAt: START, failingSince: null });

    const faults: [Mode, RegExp][] = [
      ['invalid', /not an iCalendar file/],
      ['huge', /sent more than 5 MB; not read/],
      ['slow', /no complete answer from http:\/\/127\.0\.0\.1:\d+\/… within 1\.5 s/],
      ['gone', /answered HTTP 404 \(was the private address reset/],
    ];
    const failedAt = START + 60_000;
    timers.advance(60_000);
    for (const [m, message] of faults) {
      mode = m;
      await s.refresh();
      const status = s.state.calendars[0]!;
      expect(status.status).toBe('error');
      expect(status.message).toMatch(message);
      // the secret part of the address never appears in a message
      expect(status.message).not.toContain('private-abc123');
      expect(status.lastGoodAt).toBe(START);
      expect(status.failingSince).toBe(failedAt);
      expect(departures(s)).toEqual(DEPARTURES);
    }
    mode = 'good';
    timers.advance(60_000);
    await s.refresh();
    expect(s.state.calendars[0]).toMatchObject({ status: 'ok', message: null, lastGoodAt: START + 120_000, failingSince: null });
  }, 30_000);

  it('unreachable: nothing listens at the address', async () => {
    const db = tripsDb();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const s = service(db, new ManualTimers(START), `http://127.0.0.1:${port}/x.ics`);
    await s.refresh();
    expect(s.state.calendars[0]!.message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+\/…: ECONNREFUSED/);
    expect(s.state.trips).toEqual([]);
  });

  it('a restart during an outage starts from the stored list, saying when it was read', async () => {
    const db = tripsDb();
    mode = 'good';
    await service(db, new ManualTimers(START)).refresh();
    mode = 'gone';
    const timers = new ManualTimers(START + 3_600_000);
    const restarted = service(db, timers);
    // before any read: the stored list, status starting, read an hour ago
    expect(restarted.state.calendars[0]).toMatchObject({ status: 'starting', lastGoodAt: START });
    expect(departures(restarted)).toEqual(DEPARTURES);
    await restarted.refresh();
    expect(restarted.state.calendars[0]).toMatchObject({ status: 'error', lastGoodAt: START, failingSince: START + 3_600_000 });
    expect(departures(restarted)).toEqual(DEPARTURES);
  });

  it('reads again every refresh interval on its own, sooner after a failure', async () => {
    const db = tripsDb();
    const timers = new ManualTimers(START);
    const s = service(db, timers);
    mode = 'gone';
    s.start();
    await s.refresh();
    expect(s.state.calendars[0]!.status).toBe('error');
    mode = 'good';
    // the first retry comes 24-30 s later (backoff from 30 s, jitter 20%: random 0 here -> 30 s), not after 5 minutes
    timers.advance(29_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(s.state.calendars[0]!.status).toBe('error');
    timers.advance(1_000);
    await vi.waitFor(() => expect(s.state.calendars[0]!.status).toBe('ok'), { timeout: 10_000 });
    s.stop();
  });
});

describe('the address', () => {
  it('webcal:// is read as https://; other schemes are refused naming the calendar', async () => {
    const source = new IcalSource({ name: 'family', url: 'webcal://127.0.0.1:1/private-abc123/basic.ics', timeoutMs: 5000, maxBytes: 1024, zone: ZONE });
    await expect(source.events({ start: 0, end: 1 })).rejects.toThrow(/^cannot reach https:\/\/127\.0\.0\.1:1\/…: ECONNREFUSED$/);
    expect(() => new IcalSource({ name: 'family', url: 'file:///etc/passwd', timeoutMs: 5000, maxBytes: 1024, zone: ZONE }))
      .toThrow("calendar 'family': the address must start with https:, http: or webcal:, not file:");
  });
});
