/**
 * One local day of the simulated house, second by second, computed in one go when the day
 * starts: load per circuit, PV output, gas and water flow, grid voltage. The per-second hot
 * path then only reads arrays, which keeps a simulated year within seconds of CPU, and makes
 * every day a pure function of (seed, date).
 */
import { brusselsOffsetMs, brusselsParts, startOfBrusselsDay, startOfNextBrusselsDay } from '../../../shared/time/brussels.js';
import { Prng, mixSeed } from './prng.js';
import type { Household } from './household.js';
import { applianceEvents, dayRoutine, isActive, type ApplianceEvent, type DayRoutine } from './appliances.js';
import { dayWeather, clearSkyPvFraction, type DayWeather } from './weather.js';
import { sunElevationDeg } from './sun.js';

export interface DayPlan {
  startUtc: number;
  /** 82,800, 86,400 or 90,000 (daylight saving days) */
  lengthS: number;
  /** watts per circuit: index second * 3 + (circuit - 1) */
  load: Int32Array;
  /** PV output in watts per second */
  pv: Int32Array;
  /** gas flow, millilitres per second */
  gasMl: Uint16Array;
  /** water flow, millilitres per second */
  waterMl: Uint16Array;
  /** grid voltage before the house's own load, decivolts: index second * 3 + (phase - 1) */
  voltageDv: Uint16Array;
  weather: DayWeather;
  routine: DayRoutine;
  events: ApplianceEvent[];
}

const H = 3600;

/** Map between wall-clock seconds after local midnight and seconds elapsed since it (differ on DST days). */
class DayClock {
  readonly transitionS: number;
  readonly deltaS: number;

  constructor(startUtc: number, endUtc: number) {
    this.deltaS = (brusselsOffsetMs(endUtc - 1) - brusselsOffsetMs(startUtc)) / 1000;
    this.transitionS = this.deltaS > 0 ? 2 * H : 3 * H; // 01:00 UTC is 02:00 winter / 03:00 summer
  }

  wall(elapsedS: number): number {
    return elapsedS < this.transitionS || this.deltaS === 0 ? elapsedS : elapsedS + this.deltaS;
  }

  elapsed(wallS: number): number {
    return wallS < this.transitionS || this.deltaS === 0 ? wallS : Math.max(this.transitionS, wallS - this.deltaS);
  }
}

function addLoad(plan: DayPlan, circuit: number, fromS: number, toS: number, watts: number, onS = 0, offS = 0): void {
  const from = Math.max(0, fromS);
  const to = Math.min(plan.lengthS, toS);
  const period = onS + offS;
  for (let s = from; s < to; s++) {
    if (period > 0 && (s - fromS) % period >= onS) continue;
    if (circuit === 0) {
      const third = Math.floor(watts / 3);
      plan.load[s * 3] += watts - 2 * third;
      plan.load[s * 3 + 1] += third;
      plan.load[s * 3 + 2] += third;
    } else {
      plan.load[s * 3 + circuit - 1] += watts;
    }
  }
}

function addFlow(flow: Uint16Array, fromS: number, seconds: number, mlPerS: number): void {
  const to = Math.min(flow.length, fromS + seconds);
  for (let s = Math.max(0, fromS); s < to; s++) flow[s] = Math.min(65535, flow[s]! + mlPerS);
}

/** Paint appliance events; `shiftS` moves them (minus the previous day's length: its runs past midnight). */
function paintEvents(plan: DayPlan, events: ApplianceEvent[], clock: DayClock, shiftS = 0): void {
  for (const event of events) {
    let at = clock.elapsed(event.startWallS) + shiftS;
    if (event.waterLitres && event.waterSeconds) addFlow(plan.waterMl, at, event.waterSeconds, Math.round((event.waterLitres * 1000) / event.waterSeconds));
    for (const segment of event.segments) {
      addLoad(plan, event.circuit, at, at + segment.seconds, segment.watts, segment.onS ?? 0, segment.offS ?? 0);
      at += segment.seconds;
    }
  }
}

function paintAlwaysOn(plan: DayPlan, household: Household, rng: Prng): void {
  const shares = [0.45, 0.3, 0.25];
  for (let s = 0; s < plan.lengthS; s++) {
    const noise = rng.int(-4, 4);
    for (let c = 0; c < 3; c++) plan.load[s * 3 + c] += Math.round(household.standbyW * shares[c]!) + (c === 0 ? noise : 0);
  }
  addLoad(plan, 2, -rng.int(0, 2400), plan.lengthS, 110, 13 * 60, 27 * 60); // fridge
  addLoad(plan, 3, -rng.int(0, 2400), plan.lengthS, 90, 10 * 60, 30 * 60); // freezer
}

/** Lights when someone is up and it is dark; screens in the evening; a laptop on home-office days. */
function paintPresence(plan: DayPlan, clock: DayClock, rng: Prng): void {
  const lightsW = rng.int(160, 320);
  for (let minute = 0; minute * 60 < plan.lengthS; minute++) {
    const from = minute * 60;
    const wall = clock.wall(from);
    if (!isActive(plan.routine, wall)) continue;
    const elevation = sunElevationDeg(plan.startUtc + from * 1000 + 30_000);
    const darkBelow = plan.weather.sky === 'overcast' ? 10 : 4;
    if (elevation < darkBelow) addLoad(plan, 1, from, from + 60, lightsW);
    if (wall >= 19 * H) addLoad(plan, 2, from, from + 60, 150);
    if (plan.routine.homeOffice && wall >= 9 * H && wall < 17 * H) addLoad(plan, 3, from, from + 60, 120);
  }
}

/**
 * Space heating: heat loss to the outside divided by the COP, a cooler setpoint at night and
 * while away, and the reheat after a setback that makes winter mornings and evenings heavy.
 */
function paintHeatPump(plan: DayPlan, household: Household, clock: DayClock): void {
  if (!household.heatPump || plan.weather.meanC >= 15) return;
  let reheatUntil = -1;
  let wasSetback = true;
  for (let minute = 0; minute * 60 < plan.lengthS; minute++) {
    const from = minute * 60;
    const wall = clock.wall(from);
    const outdoorC = plan.weather.meanC + 3 * Math.sin(((wall / H - 9) * Math.PI) / 12);
    const comfort = isActive(plan.routine, wall) || (wall >= plan.routine.wakeS - H && wall < plan.routine.sleepS);
    const setback = !comfort || (plan.routine.leaveS !== null && wall >= plan.routine.leaveS && wall < plan.routine.returnS! - H);
    if (wasSetback && !setback) reheatUntil = wall + 90 * 60;
    wasSetback = setback;
    const targetC = setback ? 17 : 20.5;
    const thermalW = Math.max(0, household.heatLossWPerK * (targetC - outdoorC)) * (wall < reheatUntil ? 1.5 : 1);
    const cop = Math.min(4.5, Math.max(2, 2.5 + 0.08 * (outdoorC + 7)));
    const electricW = Math.min(3000, thermalW / cop);
    if (electricW < 60) continue;
    if (electricW >= 500) addLoad(plan, 0, from, from + 60, Math.round(electricW) + 30);
    else if ((minute % 20) < Math.round((electricW / 500) * 20)) addLoad(plan, 0, from, from + 60, 530); // cycling below minimum modulation
  }
}

function paintPv(plan: DayPlan, household: Household): void {
  if (household.pvKwp <= 0) return;
  const peakW = household.pvKwp * 1000;
  for (let minute = 0; minute * 60 < plan.lengthS; minute++) {
    const t = plan.startUtc + minute * 60_000;
    const a = clearSkyPvFraction(sunElevationDeg(t)) * plan.weather.cloudFactor[Math.min(1440, minute)]!;
    const b = clearSkyPvFraction(sunElevationDeg(t + 60_000)) * plan.weather.cloudFactor[Math.min(1440, minute + 1)]!;
    if (a <= 0 && b <= 0) continue;
    const end = Math.min(plan.lengthS, minute * 60 + 60);
    for (let s = minute * 60; s < end; s++) plan.pv[s] = Math.round(peakW * (a + ((b - a) * (s - minute * 60)) / 60));
  }
}

/** Showers, taps and toilet flushes: gas for hot water (combi boiler), water for all. */
function paintHotWaterAndTaps(plan: DayPlan, household: Household, clock: DayClock, rng: Prng): void {
  const routine = plan.routine;
  for (let p = 0; p < household.persons; p++) {
    const showerAt = clock.elapsed(rng.chance(0.8) ? routine.wakeS + rng.int(5 * 60, 45 * 60) : rng.int(20 * H, 22 * H));
    const seconds = rng.int(300, 720);
    addFlow(plan.gasMl, showerAt, seconds, 590); // about 2.1 m3/h
    addFlow(plan.waterMl, showerAt, seconds, 133); // 8 l/min
    for (let flush = rng.int(3, 6); flush > 0; flush--) {
      let wall = rng.int(routine.wakeS, routine.sleepS);
      if (routine.leaveS !== null && wall >= routine.leaveS && wall < routine.returnS!) wall = routine.returnS! + rng.int(0, 3 * H);
      addFlow(plan.waterMl, clock.elapsed(wall), 60, 100);
    }
  }
  for (let tap = rng.int(4, 10); tap > 0; tap--) {
    const wall = rng.int(routine.wakeS, routine.sleepS);
    if (!isActive(routine, wall)) continue;
    const seconds = rng.int(20, 90);
    addFlow(plan.gasMl, clock.elapsed(wall), seconds, 300);
    addFlow(plan.waterMl, clock.elapsed(wall), seconds, 100);
  }
}

/** Grid voltage: sags in the evening, rises when the neighbourhood's PV pushes power back. */
function paintVoltage(plan: DayPlan, clock: DayClock, rng: Prng): void {
  const phaseOffsetDv = [rng.int(-15, 15), rng.int(-15, 15), rng.int(-15, 15)];
  let walk = 0;
  for (let s = 0; s < plan.lengthS; s++) {
    if (s % 10 === 0) walk = Math.max(-20, Math.min(20, walk + rng.int(-2, 2)));
    const wallH = clock.wall(s) / H;
    const evening = wallH >= 17 && wallH < 22 ? -25 : 0;
    const solar = Math.round((plan.pv[s]! / 1000) * 8);
    for (let c = 0; c < 3; c++) plan.voltageDv[s * 3 + c] = 2310 + phaseOffsetDv[c]! + walk + evening + solar;
  }
}

function dayOfYear(utcMs: number): number {
  const p = brusselsParts(utcMs);
  return Math.round((Date.UTC(p.year, p.month - 1, p.day) - Date.UTC(p.year, 0, 1)) / 86_400_000) + 1;
}

interface DayBasics {
  lengthS: number;
  clock: DayClock;
  weather: DayWeather;
  routine: DayRoutine;
  events: ApplianceEvent[];
  stream: (name: number) => Prng;
}

/** Weather, routine and appliance runs of the Brussels day starting at `startUtc`. */
function dayBasics(household: Household, startUtc: number): DayBasics {
  const endUtc = startOfNextBrusselsDay(startUtc);
  const parts = brusselsParts(startUtc);
  const dayNumber = Math.round(Date.UTC(parts.year, parts.month - 1, parts.day) / 86_400_000);
  const stream = (name: number) => new Prng(mixSeed(household.seed, dayNumber, name));
  const weather = dayWeather(dayOfYear(startUtc), stream(1));
  const routine = dayRoutine(household, parts.isoWeekday, stream(2));
  const events = applianceEvents(household, routine, weather.meanC < 10, stream(3));
  return { lengthS: (endUtc - startUtc) / 1000, clock: new DayClock(startUtc, endUtc), weather, routine, events, stream };
}

/** The plan for the Brussels day starting at `startUtc` (a local midnight). */
export function buildDayPlan(household: Household, startUtc: number): DayPlan {
  const today = dayBasics(household, startUtc);
  const { lengthS, clock, stream } = today;
  const plan: DayPlan = {
    startUtc, lengthS,
    load: new Int32Array(lengthS * 3),
    pv: new Int32Array(lengthS),
    gasMl: new Uint16Array(lengthS),
    waterMl: new Uint16Array(lengthS),
    voltageDv: new Uint16Array(lengthS * 3),
    weather: today.weather, routine: today.routine, events: today.events,
  };
  paintAlwaysOn(plan, household, stream(4));
  paintPresence(plan, clock, stream(5));
  paintEvents(plan, today.events, clock);
  // yesterday's late runs (a dishwasher started at 22:30) finish after midnight
  const yesterday = dayBasics(household, startOfBrusselsDay(startUtc - 1));
  paintEvents(plan, yesterday.events, yesterday.clock, -yesterday.lengthS);
  paintHeatPump(plan, household, clock);
  paintPv(plan, household);
  paintHotWaterAndTaps(plan, household, clock, stream(6));
  paintVoltage(plan, clock, stream(7));
  return plan;
}
