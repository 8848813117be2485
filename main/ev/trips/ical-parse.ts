import ICAL from 'ical.js';
import { CalendarError, type CalendarEvent, type TimeWindow } from './types.js';
import { isKnownZone, zonedDate, zonedToUtc } from './zoned-time.js';

type IcalTime = InstanceType<typeof ICAL.Time>;
type IcalComponent = InstanceType<typeof ICAL.Component>;

export interface ParseOptions {
  /** floating times and all-day dates are read in this zone */
  zone: string;
  /** stop expanding one recurring event after this many occurrences (a FREQ=MINUTELY trap) */
  maxOccurrencesPerEvent?: number;
}

const DEFAULT_MAX_OCCURRENCES = 20_000;
const ZONE_SLACK_MS = 2 * 86_400_000;

/**
 * The occurrences of a VCALENDAR's events that start inside the window: recurring events
 * expanded (RRULE, RDATE) minus their EXDATEs, a moved or retitled occurrence (a VEVENT with
 * the master's UID and a RECURRENCE-ID) in place of the original, cancelled ones left out.
 * Times with a TZID the runtime knows (IANA) go through its zone database; other TZIDs
 * (Outlook's "Romance Standard Time") through the file's VTIMEZONE; floating times and
 * all-day dates are read in `options.zone`.
 */
export function parseIcal(text: string, window: TimeWindow, options: ParseOptions): CalendarEvent[] {
  let root: IcalComponent;
  try {
    root = new ICAL.Component(ICAL.parse(withoutPastSingles(text, window.start)) as unknown as unknown[]);
  } catch (error) {
    throw new CalendarError('invalid', `not an iCalendar file: ${(error as Error).message.slice(0, 200)}`);
  }
  if (root.name !== 'vcalendar') throw new CalendarError('invalid', `not an iCalendar file: it holds a ${root.name.toUpperCase()}, not a VCALENDAR`);
  rememberZoneLookups(root);

  const masters = new Map<string, IcalComponent>();
  const exceptions = new Map<string, IcalComponent[]>();
  for (const vevent of root.getAllSubcomponents('vevent')) {
    const uid = String(vevent.getFirstPropertyValue('uid') ?? '');
    if (vevent.hasProperty('recurrence-id')) {
      const list = exceptions.get(uid) ?? [];
      list.push(vevent);
      exceptions.set(uid, list);
    } else if (!masters.has(uid) || !uid) {
      masters.set(uid || `no-uid-${masters.size}`, vevent);
    }
  }

  const out: CalendarEvent[] = [];
  const inWindow = (e: CalendarEvent) => e.start >= window.start && e.start < window.end;
  for (const [uid, master] of masters) {
    const own = exceptions.get(uid) ?? [];
    exceptions.delete(uid);
    try {
      for (const e of occurrences(uid, master, own, window, options)) if (inWindow(e)) out.push(e);
    } catch (error) {
      throw new CalendarError('invalid', `event ${uid || '(no UID)'}: ${(error as Error).message.slice(0, 200)}`);
    }
  }
  // exceptions whose master is not in the file (some exports cut the series): each on its own
  for (const [uid, list] of exceptions) {
    for (const vevent of list) {
      const e = single(uid, vevent, options.zone);
      if (e && inWindow(e)) out.push(e);
    }
  }
  return out.sort((a, b) => a.start - b.start || a.uid.localeCompare(b.uid));
}

const SLACK_DAYS_MS = 2 * 86_400_000;

/**
 * A calendar of many years is mostly single events long past, and they cannot start inside the
 * window: drop them from the text before parsing (a scan of the text, far cheaper than building
 * ical.js objects for each), so a large calendar does not hold the meter loop for seconds.
 * Kept: anything recurring or an exception to a series (RRULE, RDATE, RECURRENCE-ID), and every
 * event whose DTSTART date is not clearly (two days, whatever the zone) before the window.
 */
export function withoutPastSingles(text: string, windowStart: number): string {
  const unfolded = text.replace(/\r?\n[ \t]/g, '');
  const cutoff = new Date(windowStart - SLACK_DAYS_MS).toISOString().slice(0, 10).replace(/-/g, '');
  return unfolded.replace(/BEGIN:VEVENT\r?\n[\s\S]*?END:VEVENT\r?\n?/g, (block) => {
    if (/^(RRULE|RDATE|RECURRENCE-ID)[;:]/m.test(block)) return block;
    const start = /^DTSTART[^:\r\n]*:(\d{8})/m.exec(block);
    return start && start[1]! < cutoff ? '' : block;
  });
}

/**
 * ical.js looks a TZID up among the calendar's components at every time it reads, and caches
 * only the ones it finds: a file naming "Europe/Brussels" without a VTIMEZONE (common) made that
 * a scan of every event per time read, quadratic in the file's size (a 10 MB calendar took over
 * a minute). Remember every answer, found or not.
 */
function rememberZoneLookups(root: IcalComponent): void {
  const lookup = root.getTimeZoneByID.bind(root);
  const answers = new Map<string, ReturnType<typeof lookup>>();
  root.getTimeZoneByID = (tzid: string) => {
    if (!answers.has(tzid)) answers.set(tzid, lookup(tzid));
    return answers.get(tzid)!;
  };
}

function occurrences(uid: string, master: IcalComponent, own: IcalComponent[], window: TimeWindow, options: ParseOptions): CalendarEvent[] {
  if (!master.hasProperty('rrule') && !master.hasProperty('rdate')) {
    const e = single(uid, master, options.zone);
    return e ? [e] : [];
  }
  const event = new ICAL.Event(master, { strictExceptions: false, exceptions: own.map((c) => new ICAL.Event(c)) });
  const out: CalendarEvent[] = [];
  // wall times compared without their zone are within a day of the instant: two days of slack
  const near = { start: window.start - ZONE_SLACK_MS, end: window.end + ZONE_SLACK_MS };
  const visited = new Set<string>();
  const iterator = event.iterator(fastForward(master, event.startDate, near.start));
  const limit = options.maxOccurrencesPerEvent ?? DEFAULT_MAX_OCCURRENCES;
  for (let n = 0; n < limit; n++) {
    const recurrence = iterator.next();
    if (!recurrence) break;
    const wall = Date.UTC(recurrence.year, recurrence.month - 1, recurrence.day, recurrence.hour, recurrence.minute);
    if (wall > near.end) break;
    if (wall < near.start) continue;
    visited.add(recurrence.toString());
    const details = event.getOccurrenceDetails(recurrence);
    const item = details.item.component;
    if (isCancelled(item)) continue;
    out.push(toEvent(uid, item, details.startDate, tzidOf(item), options.zone));
  }
  // an occurrence moved from outside the window into it was not visited above: each exception
  // not yet seen stands on its own (the caller keeps those that start in the window)
  for (const exception of own) {
    const recurrence = exception.getFirstPropertyValue('recurrence-id') as IcalTime | null;
    if (!recurrence || visited.has(recurrence.toString())) continue;
    const e = single(uid, exception, options.zone);
    if (e) out.push(e);
  }
  return out;
}

/**
 * A start for the expansion close to the window, for a daily or weekly rule without COUNT: the
 * original start moved by whole periods keeps every later occurrence where it was (same
 * weekday, same phase of the interval), and a series started years ago is not walked occurrence
 * by occurrence from its first one. Other rules (COUNT counts from the first; monthly and yearly
 * rules have few occurrences) start where they start.
 */
function fastForward(master: IcalComponent, dtstart: IcalTime, before: number): IcalTime {
  const rules = master.getAllProperties('rrule');
  if (rules.length !== 1 || master.hasProperty('rdate')) return dtstart;
  const rule = rules[0]!.getFirstValue() as InstanceType<typeof ICAL.Recur>;
  if (rule.count || (rule.freq !== 'DAILY' && rule.freq !== 'WEEKLY')) return dtstart;
  const periodDays = (rule.freq === 'DAILY' ? 1 : 7) * (rule.interval || 1);
  const first = Date.UTC(dtstart.year, dtstart.month - 1, dtstart.day);
  const periods = Math.floor((before - first) / (periodDays * 86_400_000));
  if (periods <= 0) return dtstart;
  const moved = dtstart.clone();
  moved.adjust(periods * periodDays, 0, 0, 0);
  return moved;
}

function single(uid: string, vevent: IcalComponent, zone: string): CalendarEvent | null {
  if (isCancelled(vevent)) return null;
  const start = vevent.getFirstPropertyValue('dtstart') as IcalTime | null;
  if (!start) return null;
  return toEvent(uid, vevent, start, tzidOf(vevent), zone);
}

function toEvent(uid: string, vevent: IcalComponent, start: IcalTime, tzid: string | null, zone: string): CalendarEvent {
  const title = String(vevent.getFirstPropertyValue('summary') ?? '');
  const at = instant(start, tzid, zone);
  return { uid, title, start: at, allDay: start.isDate, date: start.isDate ? zonedDate(zone, at) : null };
}

function isCancelled(vevent: IcalComponent): boolean {
  return String(vevent.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED';
}

function tzidOf(vevent: IcalComponent): string | null {
  const tzid = vevent.getFirstProperty('dtstart')?.getParameter('tzid');
  return typeof tzid === 'string' && tzid ? tzid : null;
}

/** The instant an iCal time names: UTC, a known IANA zone, the file's VTIMEZONE, or floating in `zone`. */
function instant(t: IcalTime, tzid: string | null, zone: string): number {
  const wall = { year: t.year, month: t.month, day: t.day, hour: t.isDate ? 0 : t.hour, minute: t.isDate ? 0 : t.minute, second: t.isDate ? 0 : t.second };
  if (t.isDate) return zonedToUtc(zone, wall);
  if (t.zone?.tzid === 'UTC') return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  if (tzid && isKnownZone(tzid)) return zonedToUtc(tzid, wall);
  if (t.zone?.component) return t.toUnixTime() * 1000;
  return zonedToUtc(zone, wall);
}
