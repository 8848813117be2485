/**
 * A Belgian day-by-day weather pattern and the solar power it gives. Each day is sunny, mixed or
 * overcast, with persistence (weather comes in spells) and more sun in summer; a mixed day has
 * clouds passing minute by minute. Solar power follows the sun's position over Brussels
 * (51 N, 4.4 E) on the panels' plane, a clear-sky irradiance and the day's clouds.
 */
import { Rng, streamRng } from './rng.js';
import type { SimDay } from './calendar-days.js';

export type Sky = 'sunny' | 'mixed' | 'overcast';

export interface DayWeather {
  sky: Sky;
  /** the day's share of clear-sky irradiance, on average (0..1) */
  clearness: number;
}

const LAT = (51.0 * Math.PI) / 180;
const LON_DEG = 4.4;
const TILT = (35 * Math.PI) / 180;
/** inverter, wiring, temperature and soiling losses */
const PERFORMANCE = 0.85;

/** probability of a sunny / overcast day by day of the year: more sun from April to August */
function skyOdds(dayOfYear: number): { sunny: number; overcast: number } {
  const summer = 0.5 - 0.5 * Math.cos((2 * Math.PI * (dayOfYear - 15)) / 365); // 0 mid-January, 1 mid-July
  return { sunny: 0.12 + 0.3 * summer, overcast: 0.5 - 0.3 * summer };
}

/** Weather for every day, in order (a spell continues with probability 0.45). */
export function weatherFor(seed: number, days: readonly SimDay[]): DayWeather[] {
  const rng = streamRng(seed, 'weather', days[0]?.dayOfYear ?? 0);
  const out: DayWeather[] = [];
  let sky: Sky | null = null;
  for (const day of days) {
    const odds = skyOdds(day.dayOfYear);
    if (sky === null || !rng.chance(0.45)) {
      const r = rng.next();
      sky = r < odds.sunny ? 'sunny' : r < odds.sunny + odds.overcast ? 'overcast' : 'mixed';
    }
    const clearness = sky === 'sunny' ? rng.between(0.85, 0.97) : sky === 'mixed' ? rng.between(0.45, 0.7) : rng.between(0.12, 0.3);
    out.push({ sky, clearness });
  }
  return out;
}

/** Solar power in kW per second of the day (the day's length in seconds). */
export function solarKwPerSecond(seed: number, day: SimDay, weather: DayWeather, kwp: number, orientation: 'south' | 'east-west'): Float32Array {
  const seconds = Math.round((day.end - day.start) / 1000);
  const out = new Float32Array(seconds);
  if (kwp <= 0) return out;
  const rng = streamRng(seed, 'clouds', day.index);
  const minutes = Math.ceil(seconds / 60) + 1;
  const perMinute = new Float32Array(minutes);
  const decl = ((23.44 * Math.PI) / 180) * Math.sin((2 * Math.PI * (284 + day.dayOfYear)) / 365);
  let cloud = 0.5;
  for (let m = 0; m < minutes; m++) {
    const t = day.start + m * 60_000;
    const utcHours = (t / 3_600_000) % 24;
    const hourAngle = ((utcHours + LON_DEG / 15 - 12) * 15 * Math.PI) / 180;
    const e = -Math.cos(decl) * Math.sin(hourAngle);
    const n = Math.cos(LAT) * Math.sin(decl) - Math.sin(LAT) * Math.cos(decl) * Math.cos(hourAngle);
    const u = Math.sin(LAT) * Math.sin(decl) + Math.cos(LAT) * Math.cos(decl) * Math.cos(hourAngle);
    // clouds: a minute-by-minute spell process on mixed days
    cloud = Math.min(1, Math.max(0, cloud + 0.15 * rng.normal()));
    if (u <= 0.01) continue;
    const airMass = 1 / u;
    const direct = 1000 * Math.pow(0.7, Math.pow(airMass, 0.678));
    const diffuse = 0.12 * direct + 20 * u;
    const onPlane = (ne: number, nn: number, nu: number) => direct * Math.max(0, e * ne + n * nn + u * nu) + diffuse * (1 + nu) / 2;
    const plane = orientation === 'south'
      ? onPlane(0, -Math.sin(TILT), Math.cos(TILT))
      : (onPlane(Math.sin(TILT), 0, Math.cos(TILT)) + onPlane(-Math.sin(TILT), 0, Math.cos(TILT))) / 2;
    let factor = weather.clearness;
    if (weather.sky === 'mixed') factor = cloud > 0.55 ? 0.25 : 1.0;
    else factor *= 1 + 0.04 * rng.normal();
    perMinute[m] = Math.max(0, (kwp * plane * PERFORMANCE * factor) / 1000);
  }
  for (let s = 0; s < seconds; s++) {
    const m = Math.floor(s / 60);
    const f = (s % 60) / 60;
    out[s] = perMinute[m]! * (1 - f) + perMinute[m + 1]! * f;
  }
  return out;
}

export { Rng };
