/**
 * Wall-clock time in a named IANA zone -> epoch ms, through the runtime's own time zone
 * database (Intl), so a calendar that names "Europe/Brussels" without a VTIMEZONE block (Google
 * exports, hand-written files) is still right on both sides of a DST change.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** true when the runtime knows the zone ("Europe/Brussels" yes, "Romance Standard Time" no) */
export function isKnownZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** the zone's offset from UTC at `utcMs`, in ms (Brussels in summer: +7 200 000) */
export function zoneOffsetMs(zone: string, utcMs: number): number {
  const parts = new Map<string, string>(formatter(zone).formatToParts(new Date(utcMs)).map((p) => [p.type, p.value]));
  const get = (type: string) => Number(parts.get(type));
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

export interface WallTime {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/**
 * The instant a wall time names in a zone. In the spring gap (02:30 that does not exist) the
 * later offset applies, so the result is 03:30 summer time; in the autumn overlap the first
 * (summer) of the two instants is taken, as calendar programs do.
 */
export function zonedToUtc(zone: string, t: WallTime): number {
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  const first = wall - zoneOffsetMs(zone, wall);
  const second = wall - zoneOffsetMs(zone, first);
  if (first === second) {
    // the overlap: an hour earlier may name the same wall time with the summer offset
    const earlier = first - 3_600_000;
    return earlier + zoneOffsetMs(zone, earlier) === wall ? earlier : first;
  }
  // offsets disagree around a change: take the candidate that maps back, else (gap) the later one
  if (second + zoneOffsetMs(zone, second) === wall) return second;
  if (first + zoneOffsetMs(zone, first) === wall) return first;
  return Math.max(first, second);
}

/** YYYY-MM-DD of an instant in a zone */
export function zonedDate(zone: string, utcMs: number): string {
  const local = new Date(utcMs + zoneOffsetMs(zone, utcMs));
  return local.toISOString().slice(0, 10);
}
