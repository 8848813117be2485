/**
 * The recent days' sky in the net base load forecast. The weekday average over four weeks gives
 * every day the month's average sun; weather comes in spells, so the last day seen says more
 * about the next one than the average does. Where the sun is up, a future quarter's forecast
 * moves toward the most recent quarter at the same clock time (the net base load there less the
 * four weeks' average at that clock: more sun than usual reads negative), smoothed over an hour
 * either side so that one appliance's switching is not taken for weather, by half in the first
 * 24 h of the forecast and a quarter after (persistence fades). Only what the site stores is used:
 * the net base load per quarter.
 */

/** how much of the recent anomaly a quarter gets: within 24 h of the forecast's start, later */
export const RECENT_WEIGHT_FIRST_DAY = 0.5;
export const RECENT_WEIGHT_LATER = 0.25;
/** clocks (quarters) either side averaged into one clock's anomaly */
export const SMOOTH_QUARTERS = 4;
/** the sun counts as up above this elevation (degrees); below it panels give next to nothing */
export const SUN_UP_DEGREES = 5;

const LAT = (50.85 * Math.PI) / 180;
const LON_DEG = 4.35;
const QUARTER_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

/** the sun's elevation over Brussels at a UTC instant, degrees (declination by day of year, no equation of time) */
export function sunElevationDeg(utcMs: number): number {
  const d = new Date(utcMs);
  const dayOfYear = Math.floor((utcMs - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS) + 1;
  const decl = ((23.44 * Math.PI) / 180) * Math.sin((2 * Math.PI * (284 + dayOfYear)) / 365);
  const utcHours = (utcMs % DAY_MS) / 3_600_000;
  const hourAngle = ((utcHours + LON_DEG / 15 - 12) * 15 * Math.PI) / 180;
  const sinEl = Math.sin(LAT) * Math.sin(decl) + Math.cos(LAT) * Math.cos(decl) * Math.cos(hourAngle);
  return (Math.asin(sinEl) * 180) / Math.PI;
}

/**
 * The anomaly per clock (quarter of the local day): the most recent quarter at that clock less
 * the average at that clock, averaged over the clocks within SMOOTH_QUARTERS either side where
 * both are known.
 * @param latest clock -> the most recent net base load at it (kWh)
 * @param mean clock -> the average net base load at it over the recent weeks (kWh)
 */
export function recentAnomaly(latest: ReadonlyMap<number, number>, mean: ReadonlyMap<number, number>): Map<number, number> {
  const raw = new Map<number, number>();
  for (const [clock, kwh] of latest) {
    const m = mean.get(clock);
    if (m !== undefined) raw.set(clock, kwh - m);
  }
  const out = new Map<number, number>();
  for (const clock of raw.keys()) {
    let sum = 0;
    let count = 0;
    for (let c = clock - SMOOTH_QUARTERS; c <= clock + SMOOTH_QUARTERS; c++) {
      const v = raw.get(c);
      if (v !== undefined) { sum += v; count++; }
    }
    out.set(clock, sum / count);
  }
  return out;
}

/**
 * Moves `kwh` (the forecast from `start`, one value per quarter, `clocks[i]` its clock) by the
 * recent anomaly where the sun is up in that quarter; returns a new array.
 */
export function withRecentSky(kwh: readonly number[], clocks: readonly number[], start: number, anomaly: ReadonlyMap<number, number>): number[] {
  return kwh.map((v, i) => {
    const a = anomaly.get(clocks[i]!);
    if (a === undefined) return v;
    const t = start + i * QUARTER_MS;
    if (sunElevationDeg(t + QUARTER_MS / 2) < SUN_UP_DEGREES) return v;
    return v + (t - start < DAY_MS ? RECENT_WEIGHT_FIRST_DAY : RECENT_WEIGHT_LATER) * a;
  });
}

/**
 * Today's sky so far (a nowcast). Yesterday's anomaly says little about an afternoon whose
 * morning has already shown its sky; the last hours do. Their anomaly per unit of sun (the net
 * base load less the average at its clock, over the sine of the sun's elevation) is carried to
 * the coming daylight quarters in proportion to the sun's sine there, until the sun next sets.
 * Only with sun enough behind it: a dawn quarter's appliance would read as weather.
 */
/** the last daylight quarters looked at */
export const TODAY_QUARTERS = 8;
/** the least sum of the sun's sine over them (one hour at 17 degrees) to read a sky from */
export const TODAY_MIN_SUN = 1.2;
/** how much of today's sky the next quarter gets, and the quarter six hours on (linear between) */
export const TODAY_WEIGHT_NOW = 0.8;
export const TODAY_WEIGHT_6H = 0.5;

const sunSine = (utcMs: number): number => Math.max(0, Math.sin((sunElevationDeg(utcMs) * Math.PI) / 180));

export interface PastQuarter {
  /** the quarter's start, UTC ms */
  start: number;
  /** its net base load less the recent average at its clock (kWh) */
  anomalyKwh: number;
}

/**
 * The sky index: kWh of anomaly per unit of the sun's sine, from the daylight quarters among the
 * last TODAY_QUARTERS before `start` (all within two hours of it), or null with too little sun.
 */
export function todaySkyIndex(past: readonly PastQuarter[], start: number): number | null {
  let anomaly = 0;
  let sun = 0;
  for (const q of past) {
    if (q.start >= start || q.start < start - TODAY_QUARTERS * QUARTER_MS) continue;
    const mid = q.start + QUARTER_MS / 2;
    if (sunElevationDeg(mid) < SUN_UP_DEGREES) continue;
    anomaly += q.anomalyKwh;
    sun += sunSine(mid);
  }
  return sun >= TODAY_MIN_SUN ? anomaly / sun : null;
}

/**
 * Replaces the recent-sky move of the quarters from `start` until the sun next sets by today's
 * sky: `withRecent` is the forecast with the last day's anomaly, `plain` the one without; returns a new array.
 */
export function withTodaySky(plain: readonly number[], withRecent: readonly number[], start: number, index: number | null): number[] {
  const out = withRecent.slice();
  if (index === null) return out;
  for (let i = 0; i < plain.length; i++) {
    const mid = start + i * QUARTER_MS + QUARTER_MS / 2;
    if (sunElevationDeg(mid) < SUN_UP_DEGREES) break;
    const hours = (i * QUARTER_MS) / 3_600_000;
    const w = hours >= 6 ? TODAY_WEIGHT_6H : TODAY_WEIGHT_NOW + ((TODAY_WEIGHT_6H - TODAY_WEIGHT_NOW) * hours) / 6;
    out[i] = plain[i]! + w * index * sunSine(mid);
  }
  return out;
}
