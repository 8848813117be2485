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
