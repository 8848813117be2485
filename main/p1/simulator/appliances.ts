/**
 * A day of appliance use: which appliances run, when (local wall-clock seconds after
 * midnight), on which circuit, with which power profile. Pure: the same day context and
 * random stream give the same events.
 */
import type { Prng } from './prng.js';
import type { Household } from './household.js';

/** Circuit 1, 2 or 3 (a phase, or a phase pair on 3x230); 0 = a three-phase appliance. */
export type Circuit = 0 | 1 | 2 | 3;

/** A stretch of constant power; with onS/offS the power cycles (thermostats, motors). */
export interface Segment {
  seconds: number;
  watts: number;
  onS?: number;
  offS?: number;
}

export interface ApplianceEvent {
  name: string;
  circuit: Circuit;
  startWallS: number;
  segments: Segment[];
  /** water drawn at the start, for the water meter */
  waterLitres?: number;
  /** over how many seconds the water is drawn */
  waterSeconds?: number;
}

/** The household's schedule for one day (wall-clock seconds after local midnight). */
export interface DayRoutine {
  weekend: boolean;
  homeOffice: boolean;
  wakeS: number;
  leaveS: number | null;
  returnS: number | null;
  sleepS: number;
}

const H = 3600;
const M = 60;

export function dayRoutine(household: Household, isoWeekday: number, rng: Prng): DayRoutine {
  const weekend = isoWeekday >= 6;
  const homeOffice = !weekend && rng.chance(household.homeOfficeChance);
  const wakeS = weekend ? rng.int(7.5 * H, 9 * H) : rng.int(6.25 * H, 7.1 * H);
  const away = !weekend && !homeOffice;
  return {
    weekend,
    homeOffice,
    wakeS,
    leaveS: away ? wakeS + rng.int(60 * M, 90 * M) : null,
    returnS: away ? rng.int(16.75 * H, 18 * H) : null,
    sleepS: rng.int(22.25 * H, 23.5 * H),
  };
}

/** Is someone at home and awake at this wall-clock second? */
export function isActive(routine: DayRoutine, wallS: number): boolean {
  if (wallS < routine.wakeS || wallS >= routine.sleepS) return false;
  if (routine.leaveS !== null && routine.returnS !== null) return wallS < routine.leaveS || wallS >= routine.returnS;
  return true;
}

function kettle(rng: Prng, atS: number): ApplianceEvent {
  return { name: 'kettle', circuit: 1, startWallS: atS, segments: [{ seconds: rng.int(120, 230), watts: rng.int(2000, 2200) }] };
}

/** The evening meal: an induction hob almost every day, the oven some days. */
function cooking(rng: Prng, routine: DayRoutine, events: ApplianceEvent[]): void {
  const dinnerS = Math.max(routine.returnS ?? 0, rng.int(17.75 * H, 18.75 * H)) + rng.int(10 * M, 30 * M);
  const hobSegments: Segment[] = [];
  for (let i = rng.int(3, 6); i > 0; i--) hobSegments.push({ seconds: rng.int(3 * M, 9 * M), watts: rng.int(900, 3400) });
  events.push({ name: 'hob', circuit: 2, startWallS: dinnerS, segments: hobSegments });
  if (rng.chance(routine.weekend ? 0.55 : 0.3)) {
    const heatUpS = rng.int(10 * M, 14 * M);
    events.push({
      name: 'oven', circuit: 2, startWallS: dinnerS - rng.int(35 * M, 55 * M),
      segments: [{ seconds: heatUpS, watts: 2600 }, { seconds: rng.int(30 * M, 50 * M), watts: 2600, onS: 45, offS: 75 }],
    });
  }
  if (routine.weekend && rng.chance(0.5)) {
    events.push({ name: 'hob', circuit: 2, startWallS: rng.int(12 * H, 12.75 * H), segments: [{ seconds: rng.int(8 * M, 20 * M), watts: rng.int(1200, 2400) }] });
  }
}

function laundry(rng: Prng, routine: DayRoutine, winter: boolean, events: ApplianceEvent[]): void {
  if (!rng.chance(routine.weekend ? 0.7 : 0.3)) return;
  const start = routine.leaveS !== null ? rng.int(routine.returnS! + 15 * M, 20.5 * H) : rng.int(9 * H, 16 * H);
  events.push({
    name: 'washing machine', circuit: 3, startWallS: start, waterLitres: 45, waterSeconds: 6 * M,
    segments: [
      { seconds: 3 * M, watts: 120 },
      { seconds: rng.int(12 * M, 18 * M), watts: 2050 },
      { seconds: rng.int(50 * M, 70 * M), watts: 250, onS: 40, offS: 20 },
      { seconds: rng.int(8 * M, 12 * M), watts: 480 },
    ],
  });
  if (winter && rng.chance(0.6)) {
    events.push({ name: 'tumble dryer', circuit: 3, startWallS: start + 100 * M, segments: [{ seconds: rng.int(60 * M, 100 * M), watts: 2300, onS: 240, offS: 60 }] });
  }
}

function dishwasher(rng: Prng, routine: DayRoutine, events: ApplianceEvent[]): void {
  if (!rng.chance(0.65)) return;
  // many Belgian homes start it on the night register
  const start = rng.chance(0.5) ? rng.int(22 * H, 22.5 * H) : rng.int(20 * H, 21.25 * H);
  events.push({
    name: 'dishwasher', circuit: 3, startWallS: start, waterLitres: 12, waterSeconds: 4 * M,
    segments: [
      { seconds: 5 * M, watts: 60 }, { seconds: rng.int(14 * M, 20 * M), watts: 2000 },
      { seconds: 50 * M, watts: 90 }, { seconds: rng.int(10 * M, 15 * M), watts: 2000 }, { seconds: 25 * M, watts: 20 },
    ],
  });
}

/** Every appliance event of one day, in wall-clock seconds. */
export function applianceEvents(household: Household, routine: DayRoutine, winter: boolean, rng: Prng): ApplianceEvent[] {
  const events: ApplianceEvent[] = [];
  events.push(kettle(rng, routine.wakeS + rng.int(5 * M, 25 * M)));
  if (rng.chance(0.5)) events.push(kettle(rng, routine.wakeS + rng.int(30 * M, 50 * M)));
  const afternoonKettles = routine.leaveS === null ? rng.int(1, 3) : rng.int(0, 1);
  for (let i = 0; i < afternoonKettles; i++) {
    const at = routine.leaveS === null ? rng.int(10 * H, 16.5 * H) : rng.int(routine.returnS!, routine.returnS! + 40 * M);
    events.push(kettle(rng, at));
  }
  if (rng.chance(0.4)) events.push(kettle(rng, rng.int(20 * H, 21.5 * H)));
  if (rng.chance(0.2)) events.push({ name: 'microwave', circuit: 1, startWallS: rng.int(12 * H, 13 * H), segments: [{ seconds: rng.int(60, 240), watts: 1250 }] });
  cooking(rng, routine, events);
  laundry(rng, routine, winter, events);
  dishwasher(rng, routine, events);
  if (rng.chance(0.35)) {
    events.push({ name: 'vacuum cleaner', circuit: 1, startWallS: rng.int(10 * H, 17 * H), segments: [{ seconds: rng.int(10 * M, 25 * M), watts: 900 }] });
  }
  return events;
}
