import { describe, expect, it } from 'vitest';
import { tripsFromEvents } from '../../../main/ev/trips/convention.js';
import { parseIcal } from '../../../main/ev/trips/ical-parse.js';
import type { TripCar } from '../../../main/ev/trips/types.js';
import { GOOGLE_EXPORT, NO_VTIMEZONE, OUTLOOK_EXPORT, RFC_STYLE } from './ical-shapes.js';

const ZONE = 'Europe/Brussels';
const CARS: TripCar[] = [
  { name: 'tesla', batteryKwh: 75, consumptionKwhPer100Km: 18, defaultNeed: '80%', chargeEfficiency: 0.9 },
  { name: 'zoe', batteryKwh: 52, consumptionKwhPer100Km: 17, defaultNeed: '60%', chargeEfficiency: 0.88 },
];
const utc = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString().replace('.000', '');

function trips(text: string, from: string, to: string, allDayDeparture: string | null = null) {
  const events = parseIcal(text, { start: utc(from), end: utc(to) }, { zone: ZONE });
  return tripsFromEvents(events, CARS, { kind: 'ical', name: 'family' }, { marginMinutes: 30, allDayDeparture, zone: ZONE });
}

describe('iCal shapes -> departures (margin 30 min)', () => {
  it('Google export: weekly series, EXDATE, a moved occurrence, across the March DST change', () => {
    const { trips: got, problems } = trips(GOOGLE_EXPORT, '2026-03-23T00:00:00Z', '2026-04-02T00:00:00Z');
    // Mon 23 Mar 07:30 CET (+1) = 06:30Z, minus 30 min -> 06:00Z
    // Wed 25 Mar: EXDATE, no trip
    // Fri 27 Mar 07:30 CET = 06:30Z -> 06:00Z
    // Sat 28 Mar: all-day "Oma", ignored (all-day not configured)
    // Sun 29 Mar 02:00 -> 03:00: summer time from here on
    // Mon 30 Mar moved to 09:00 CEST (+2) = 07:00Z -> 06:30Z, with the exception's title
    // Wed 1 Apr 07:30 CEST = 05:30Z -> 05:00Z
    expect(got.map((t) => [iso(t.departure), t.car, t.needSocPct, t.needKwh])).toEqual([
      ['2026-03-23T06:00:00Z', 'tesla', 80, 60],
      ['2026-03-27T06:00:00Z', 'tesla', 80, 60],
      ['2026-03-30T06:30:00Z', 'tesla', 80, 60],
      ['2026-04-01T05:00:00Z', 'tesla', 80, 60],
    ]);
    expect(got[2]!.eventTitle).toBe('Werk Gent (later) @car_tesla@ 80%');
    expect(got[2]!.eventUid).toBe('5k3v9q2m1c0example@google.com');
    expect(problems).toEqual([]);
  });

  it('Google export: an all-day event counts once configured, departing at the set local time', () => {
    const { trips: got } = trips(GOOGLE_EXPORT, '2026-03-27T12:00:00Z', '2026-03-28T12:00:00Z', '08:00');
    // (an all-day event starts at local midnight: 28 Mar 00:00 CET = 27 Mar 23:00Z)
    // Sat 28 Mar 08:00 CET = 07:00Z, minus 30 min -> 06:30Z; zoe's default 60% of 52 kWh = 31.2 kWh
    expect(got.map((t) => [iso(t.departure), t.car, t.needSocPct, t.needKwh, t.needFrom])).toEqual([
      ['2026-03-28T06:30:00Z', 'zoe', 60, 31.2, 'default'],
    ]);
  });

  it('Outlook export: Windows zone name through its VTIMEZONE, daily across the October change, EXDATE', () => {
    const { trips: got } = trips(OUTLOOK_EXPORT, '2026-10-20T00:00:00Z', '2026-10-31T00:00:00Z');
    // Fri 23 Oct 07:00 CEST = 05:00Z -> 04:30Z
    // Sat 24 Oct: EXDATE
    // Sun 25 Oct 03:00 -> 02:00: winter time from here on
    // Sun 25 Oct 07:00 CET = 06:00Z -> 05:30Z; Mon 26 Oct -> 05:30Z (COUNT=4 ends there)
    // 120 km x 17 kWh/100 km = 20.4 kWh = 39.23% of 52 kWh
    expect(got.map((t) => [iso(t.departure), t.car, t.needSocPct, t.needKwh, t.needFrom])).toEqual([
      ['2026-10-23T04:30:00Z', 'zoe', 39.23, 20.4, '120km'],
      ['2026-10-25T05:30:00Z', 'zoe', 39.23, 20.4, '120km'],
      ['2026-10-26T05:30:00Z', 'zoe', 39.23, 20.4, '120km'],
    ]);
  });

  it('Outlook export: one all-day event for two cars, each with its own need', () => {
    const { trips: got } = trips(OUTLOOK_EXPORT, '2026-10-23T12:00:00Z', '2026-10-24T12:00:00Z', '07:00');
    // (local midnight 24 Oct 00:00 CEST = 23 Oct 22:00Z; the 07:00 series is outside this window)
    // Sat 24 Oct 07:00 CEST = 05:00Z -> 04:30Z
    // zoe: no need after its token -> default 60% (31.2 kWh); tesla: 300 km x 18/100 = 54 kWh = 72% of 75
    expect(got.map((t) => [iso(t.departure), t.car, t.needSocPct, t.needKwh])).toEqual([
      ['2026-10-24T04:30:00Z', 'zoe', 60, 31.2],
      ['2026-10-24T04:30:00Z', 'tesla', 72, 54],
    ]);
  });

  it('RFC 5545 style: UTC series, a cancelled occurrence, an unknown car reported for each occurrence', () => {
    const { trips: got, problems } = trips(RFC_STYLE, '2026-06-01T00:00:00Z', '2026-06-08T00:00:00Z');
    // 1 and 3 June 05:00Z -> 04:30Z; 2 June is cancelled; 250 km x 18/100 = 45 kWh = 60% of 75
    expect(got.map((t) => [iso(t.departure), t.car, t.needSocPct, t.needKwh])).toEqual([
      ['2026-06-01T04:30:00Z', 'tesla', 60, 45],
      ['2026-06-03T04:30:00Z', 'tesla', 60, 45],
    ]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain("no car 'bike' in ev.cars (@car_<id>@ names a car by its id; known: tesla, zoe)");
    expect(problems[0]).toContain('Conference');
  });

  it('a TZID without VTIMEZONE and a floating time are read in Brussels time; car names ignore case', () => {
    const { trips: got } = trips(NO_VTIMEZONE, '2026-07-01T00:00:00Z', '2026-11-01T00:00:00Z');
    // floating 15 Jul 08:00 read as CEST = 06:00Z -> 05:30Z
    // 26 Oct 06:30 CET (after the change on the 25th) = 05:30Z -> 05:00Z
    expect(got.map((t) => [iso(t.departure), t.car, t.needSocPct])).toEqual([
      ['2026-07-15T05:30:00Z', 'zoe', 90],
      ['2026-10-26T05:00:00Z', 'tesla', 80],
    ]);
  });

  it('needs the battery cannot hold and levels above 100% are reported', () => {
    const text = NO_VTIMEZONE.replace('Dokter @CAR_Tesla@', 'Far @car_tesla@ 500km').replace('Zee @car_zoe@ 90%', 'Zee @car_zoe@ 120%');
    const { trips: got, problems } = trips(text, '2026-07-01T00:00:00Z', '2026-11-01T00:00:00Z');
    expect(got).toEqual([]);
    // 500 km x 18/100 = 90 kWh > 75 kWh
    expect(problems.some((p) => p.includes('500km needs 90 kWh'))).toBe(true);
    expect(problems.some((p) => p.includes('120% is not a battery level'))).toBe(true);
  });

  it('a file that is not iCalendar is refused with a clear error', () => {
    expect(() => parseIcal('<html>login</html>', { start: 0, end: 1 }, { zone: ZONE })).toThrow(/not an iCalendar file/);
    expect(() => parseIcal('BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n', { start: 0, end: 1 }, { zone: ZONE })).toThrow(/VCARD, not a VCALENDAR/);
  });
});

describe('a large calendar', () => {
  it('years of past single events are skipped before parsing; series, exceptions and events in the window stay', () => {
    const past = (i: number) => `BEGIN:VEVENT\r\nUID:old${i}\r\nDTSTAMP:20200101T000000Z\r\nDTSTART;TZID=Europe/Brussels:2019${String(1 + (i % 12)).padStart(2, '0')}15T073000\r\nSUMMARY:Old meeting ${i} @car_tesla@\r\nDESCRIPTION:${'x'.repeat(300)}\r\nEND:VEVENT\r\n`;
    let body = '';
    for (let i = 0; body.length < 10 * 1024 * 1024; i++) body += past(i);
    // the Google export's series (weekly since 23 March 2026, EXDATE, moved Monday) and, folded
    // over two lines as exporters do, a single event on 31 March 2026 08:00 CEST
    const series = GOOGLE_EXPORT.slice(GOOGLE_EXPORT.indexOf('BEGIN:VEVENT'), GOOGLE_EXPORT.lastIndexOf('END:VCALENDAR'));
    const folded = 'BEGIN:VEVENT\r\nUID:new1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/\r\n Brussels:20260331T080000\r\nSUMMARY:Tandarts \r\n @car_zoe@ 50%\r\nEND:VEVENT\r\n';
    const text = `BEGIN:VCALENDAR\r\nVERSION:2.0\r\n${body}${series}${folded}END:VCALENDAR\r\n`;
    expect(text.length).toBeGreaterThan(10 * 1024 * 1024);
    const { trips: got } = trips(text, '2026-03-29T00:00:00Z', '2026-04-02T00:00:00Z');
    // the moved Monday 30 March (09:00 CEST = 07:00Z -> 06:30Z), Tuesday 31 March 08:00 CEST = 06:00Z -> 05:30Z,
    // Wednesday 1 April 07:30 CEST = 05:30Z -> 05:00Z; none of the 2019 events
    expect(got.map((t) => [iso(t.departure), t.car, t.needSocPct])).toEqual([
      ['2026-03-30T06:30:00Z', 'tesla', 80],
      ['2026-03-31T05:30:00Z', 'zoe', 50],
      ['2026-04-01T05:00:00Z', 'tesla', 80],
    ]);
  });
});

describe('occurrences moved across the window edge', () => {
  const text = [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Hand//Written//EN',
    'BEGIN:VEVENT', 'UID:s1', 'DTSTAMP:20250101T000000Z', 'DTSTART;TZID=Europe/Brussels:20250106T073000', 'RRULE:FREQ=WEEKLY;BYDAY=MO', 'SUMMARY:Gym @car_tesla@', 'END:VEVENT',
    // the Monday of 5 January 2026, long before the window, moved to Tuesday 31 March 2026 10:00
    'BEGIN:VEVENT', 'UID:s1', 'DTSTAMP:20250101T000000Z', 'RECURRENCE-ID;TZID=Europe/Brussels:20260105T073000', 'DTSTART;TZID=Europe/Brussels:20260331T100000', 'SUMMARY:Gym (catch-up) @car_tesla@', 'END:VEVENT',
    // the Monday of 30 March moved out of the window, to 20 April
    'BEGIN:VEVENT', 'UID:s1', 'DTSTAMP:20250101T000000Z', 'RECURRENCE-ID;TZID=Europe/Brussels:20260330T073000', 'DTSTART;TZID=Europe/Brussels:20260420T073000', 'SUMMARY:Gym @car_tesla@', 'END:VEVENT',
    'END:VCALENDAR', '',
  ].join('\r\n');

  it('an occurrence moved into the window counts, one moved out of it does not', () => {
    const { trips: got } = trips(text, '2026-03-29T00:00:00Z', '2026-04-07T00:00:00Z');
    // Tue 31 March 10:00 CEST = 08:00Z -> 07:30Z (moved in); Mon 30 March moved out;
    // Mon 6 April 07:30 CEST = 05:30Z -> 05:00Z (the series, after a year of weekly occurrences)
    expect(got.map((t) => [iso(t.departure), t.eventTitle])).toEqual([
      ['2026-03-31T07:30:00Z', 'Gym (catch-up) @car_tesla@'],
      ['2026-04-06T05:00:00Z', 'Gym @car_tesla@'],
    ]);
  });
});
