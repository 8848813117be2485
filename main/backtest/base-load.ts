/**
 * The house's own consumption per second (without the cars and the battery): a standby floor, a
 * fridge cycling, a daily shape (morning and evening, more in winter) and the appliances as
 * seeded events. The shape is scaled so that the year comes to the household's kWh.
 */
import { streamRng, type Rng } from './rng.js';
import type { SimDay } from './calendar-days.js';

export type Appliance = 'cooking' | 'washing-machine' | 'dishwasher' | 'kettle' | 'oven';

/** the appliances' expected energy per year, kWh (from the events below) */
const APPLIANCE_KWH_PER_YEAR: Record<Appliance, number> = {
  cooking: 365 * 2.0 * (40 / 60),
  'washing-machine': 208 * (2.0 * 0.25 + 0.25 * 1.25),
  dishwasher: 365 * (2.0 * (20 / 60) + 0.1 * 1 + 2.0 * 0.25),
  kettle: 365 * 3 * 2.2 * (3 / 60),
  oven: 104 * 2.5 * 0.6,
};

/** the daily shape in kW by local hour, before the season and the scale */
const SHAPE = [0.05, 0.04, 0.04, 0.04, 0.04, 0.06, 0.15, 0.35, 0.3, 0.15, 0.12, 0.14, 0.18, 0.14, 0.12, 0.14, 0.2, 0.35, 0.45, 0.5, 0.5, 0.45, 0.3, 0.12];
const STANDBY_KW = 0.09;
const FRIDGE_KW = 0.09 * 0.4;

function shapeMean(): number {
  return SHAPE.reduce((a, b) => a + b, 0) / 24;
}

/** more light and heat pumps' helpers in winter: x1.3 in January, x0.7 in July */
function season(dayOfYear: number): number {
  return 1 + 0.3 * Math.cos((2 * Math.PI * (dayOfYear - 15)) / 365);
}

function add(out: Float32Array, fromS: number, durationS: number, kw: number, duty = 1, rng?: Rng): void {
  const from = Math.max(0, Math.round(fromS));
  const to = Math.min(out.length, Math.round(fromS + durationS));
  if (duty >= 1) {
    for (let s = from; s < to; s++) out[s] += kw;
    return;
  }
  // a thermostat: on for a share of each minute block
  for (let s = from; s < to; s += 60) {
    if ((rng?.next() ?? 0) < duty) for (let k = s; k < Math.min(to, s + 60); k++) out[k] += kw;
  }
}

export function baseKwPerSecond(seed: number, day: SimDay, kwhPerYear: number, appliances: readonly Appliance[]): Float32Array {
  const seconds = Math.round((day.end - day.start) / 1000);
  const out = new Float32Array(seconds);
  const applianceKwh = appliances.reduce((sum, a) => sum + APPLIANCE_KWH_PER_YEAR[a], 0);
  const floorKwh = (STANDBY_KW + FRIDGE_KW) * 8760;
  const scale = Math.max(0, (kwhPerYear - applianceKwh - floorKwh) / 8760 / shapeMean());
  const f = season(day.dayOfYear) * scale;
  const rng = streamRng(seed, 'base', day.index);
  // the fridge: 0.09 kW on 12 minutes of every 30
  const fridgePhase = Math.floor(rng.next() * 1800);
  for (let s = 0; s < seconds; s++) {
    const hour = Math.min(23, Math.floor(s / 3600));
    const next = Math.min(23, hour + 1);
    const w = (s % 3600) / 3600;
    out[s] = STANDBY_KW + f * (SHAPE[hour]! * (1 - w) + SHAPE[next]! * w) + (((s + fridgePhase) % 1800) < 720 ? 0.09 : 0);
  }
  const h = 3600;
  const has = (a: Appliance) => appliances.includes(a);
  if (has('cooking')) add(out, rng.between(17.75, 19.25) * h, rng.between(30, 50) * 60, 2.0);
  if (has('washing-machine') && rng.chance(4 / 7)) {
    const at = rng.between(9, 20) * h;
    add(out, at, 15 * 60, 2.0);
    add(out, at + 15 * 60, 75 * 60, 0.25);
  }
  if (has('dishwasher')) {
    const at = rng.between(20, 22) * h;
    add(out, at, 20 * 60, 2.0);
    add(out, at + 20 * 60, 60 * 60, 0.1);
    add(out, at + 80 * 60, 15 * 60, 2.0);
  }
  if (has('kettle')) for (const around of [7, 12.5, 16]) add(out, rng.between(around - 0.5, around + 0.5) * h, 3 * 60, 2.2);
  if (has('oven') && rng.chance(2 / 7)) add(out, rng.between(17, 18.5) * h, 60 * 60, 2.5, 0.6, rng);
  return out;
}
