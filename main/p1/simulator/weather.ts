/**
 * A day's Belgian weather: outdoor temperature (for the heat pump) and cloud cover over the
 * day (for PV). Drawn per date, so a date has the same weather whatever the run's start.
 */
import type { Prng } from './prng.js';

export type Sky = 'clear' | 'broken' | 'overcast';

export interface DayWeather {
  sky: Sky;
  /** daily mean outdoor temperature, °C */
  meanC: number;
  /** fraction of clear-sky PV output per minute of the day (index 0..1440, UTC minutes after the day start) */
  cloudFactor: Float32Array;
}

/** @param dayOfYear 1..366 */
export function dayWeather(dayOfYear: number, rng: Prng): DayWeather {
  // Uccle climate, roughly: 3 °C in mid-January, 18 °C in mid-July
  const seasonal = 10.5 - 7.5 * Math.cos((2 * Math.PI * (dayOfYear - 15)) / 365.25);
  const meanC = seasonal + rng.range(-4, 4);
  const summerness = 0.5 - 0.5 * Math.cos((2 * Math.PI * (dayOfYear - 15)) / 365.25); // 0 in January, 1 in July
  const clearChance = 0.15 + 0.3 * summerness;
  const overcastChance = 0.45 - 0.25 * summerness;
  const roll = rng.next();
  const sky: Sky = roll < clearChance ? 'clear' : roll < clearChance + overcastChance ? 'overcast' : 'broken';
  const cloudFactor = new Float32Array(1441);
  if (sky === 'clear') {
    const haze = rng.range(0.9, 1);
    for (let i = 0; i < cloudFactor.length; i++) cloudFactor[i] = haze;
  } else if (sky === 'overcast') {
    let level = rng.range(0.1, 0.3);
    for (let i = 0; i < cloudFactor.length; i++) {
      level = Math.min(0.4, Math.max(0.05, level + rng.range(-0.01, 0.01)));
      cloudFactor[i] = level;
    }
  } else {
    // cumulus: sunny spells and cloud passages of a few minutes each
    const sunnyShare = rng.range(0.3, 0.8);
    let sunny = rng.chance(sunnyShare);
    for (let i = 0; i < cloudFactor.length;) {
      const spell = sunny ? rng.int(2, 25) : rng.int(2, 15);
      const level = sunny ? rng.range(0.85, 1.08) : rng.range(0.2, 0.45); // cloud edges can boost
      for (let j = 0; j < spell && i < cloudFactor.length; j++, i++) cloudFactor[i] = level;
      sunny = rng.chance(sunnyShare);
    }
  }
  return { sky, meanC, cloudFactor };
}

/** Clear-sky PV output as a fraction of kWp for a sun elevation (panels tilted south, losses included). */
export function clearSkyPvFraction(elevationDeg: number): number {
  if (elevationDeg <= 0) return 0;
  const s = Math.sin((elevationDeg * Math.PI) / 180);
  // tilted panels gain at low sun; 0.82 for inverter, wiring and temperature losses
  return Math.min(0.9, 0.82 * Math.pow(s, 0.85) * (1 + 0.35 * (1 - s)));
}
