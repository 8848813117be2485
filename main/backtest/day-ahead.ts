/**
 * A generated Belgian day-ahead price series, EUR/MWh per hour: a seasonal level (dearer in
 * winter), the daily shape (cheap nights, a morning and a higher evening peak, cheaper weekends)
 * and a solar dip at midday that follows the day's weather and the season, going below zero on
 * sunny spring and summer middays, as Belgian prices do.
 */
import { streamRng } from './rng.js';
import type { SimDay } from './calendar-days.js';
import type { DayWeather } from './weather.js';

const DAILY = [0.82, 0.78, 0.76, 0.75, 0.77, 0.85, 1.0, 1.18, 1.22, 1.1, 1.02, 0.98, 0.95, 0.94, 0.97, 1.02, 1.12, 1.28, 1.38, 1.34, 1.2, 1.06, 0.96, 0.88];

/** EUR/MWh for each hour of the day (23, 24 or 25 values, by the day's length) */
export function dayAheadHours(seed: number, day: SimDay, weather: DayWeather): number[] {
  const rng = streamRng(seed, 'day-ahead', day.index);
  const hours = Math.round((day.end - day.start) / 3_600_000);
  const winter = 0.5 + 0.5 * Math.cos((2 * Math.PI * (day.dayOfYear - 15)) / 365); // 1 mid-January
  const level = (70 + 45 * winter) * (1 + 0.12 * rng.normal()) * (day.isoWeekday >= 6 || day.holiday ? 0.85 : 1);
  // the sun's weight: most from April to August (peak in late May)
  const solarSeason = Math.max(0, Math.cos((2 * Math.PI * (day.dayOfYear - 145)) / 365));
  const dip = weather.clearness * solarSeason * level * 1.25;
  const out: number[] = [];
  for (let h = 0; h < hours; h++) {
    const bell = Math.exp(-(((h + 0.5 - 13.5) / 2.6) ** 2));
    const price = level * DAILY[Math.min(23, h)]! * (1 + 0.06 * rng.normal()) - dip * bell;
    out.push(Math.round(price * 100) / 100);
  }
  return out;
}
