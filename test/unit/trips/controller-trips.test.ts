import { describe, expect, it } from 'vitest';
import { carSchema, evControlSchema } from '../../../main/config/ev-schema.js';
import type { ChargerReading } from '../../../main/ev/charger.js';
import { EvController, type ChargeIntent, type ControllerInputs } from '../../../main/ev/controller.js';
import { StateHub } from '../../../main/bus/state-hub.js';
import { combineIntents } from '../../../main/ev/role.js';
import { eurosIn, judgeTripsFromChargers, tripIntentFor, verdictsFor } from '../../../main/ev/trips/charger-trips.js';
import { TripsService } from '../../../main/ev/trips/trips-service.js';
import { TripsStore } from '../../../main/ev/trips/trips-store.js';
import type { EvChargerState } from '../../../shared/ev/state.js';
import { ManualTimers } from '../../support/manual-timers.js';
import { tripsDb } from '../../support/trips-db.js';
import type { SiteGrant } from '../../../shared/site/contract.js';
import type { Trip, TripsState } from '../../../shared/trips/state.js';

/**
 * The trips' part of the EV controller: the trip a charger charges for, what it asks the broker
 * (a deadline; a sudden trip as an emergency at the power its energy needs), how register 2
 * carries a calendar trip until its deadline must take over, and the verdict per trip.
 * Grants are made up by the test; expected figures are worked out in the comments.
 */
const car = carSchema.parse({ id: 'tesla', name: 'Tesla', batteryKwh: 60, maxPhases: 3, maxCurrentA: 16, tripNeed: '80%' });
const NOW = Date.parse('2026-01-15T14:00:00Z');
const HOUR = 3_600_000;

const reading: ChargerReading = { state: 'connected', chargerWords: 'CONNECTED', powerKw: 0, phases: [], sessionKwh: 0, currentSetA: 6, paused: true, phaseCount: 3, atMonoMs: 0 };
let seq = 0;
const grant = (kw: number, at: number, code: SiteGrant['reason']['code'] = 'budget', text = 'within the quarter budget'): ControllerInputs['grant'] =>
  ({ grant: { device: 'garage', kw, validForMs: 2500, reason: { code, text }, seq: seq++, time: 0 }, receivedAtMonoMs: at });

function controller(): EvController {
  return new EvController({
    device: 'garage', grid: '3x400', car, chargerMaxCurrentA: 16, chargerMinCurrentA: 6, phaseSwitching: false,
    phaseSwitchGuardMs: 120_000, firstPhase: 1, safeCurrentA: 0, control: evControlSchema.parse({}),
  });
}

function inputs(now: number, intent: ChargeIntent, over: Partial<ControllerInputs> = {}): ControllerInputs {
  return {
    nowMono: now, mode: 'smart', reading, health: { ok: true, problem: null, message: null, sinceMonoMs: 0 },
    soc: { percent: 50, source: 'user', basedOn: 'user', readAtMonoMs: 0 }, tariff: 1, meterAgeMs: 0, grant: grant(11.04, now), intent, ...over,
  };
}

const trip = (over: Partial<Trip>): Trip => ({
  id: 'gezin:werk:1', car: 'tesla', departure: NOW + 10 * HOUR, eventStart: NOW + 10 * HOUR, needSocPct: 80, needKwh: 48, needFrom: '80%',
  source: 'ical', sourceName: 'gezin', eventUid: 'werk', eventTitle: 'Werk @car_tesla@ 80%', urgent: false, met: null, shortKwh: null, ...over,
});
const state = (trips: Trip[]): TripsState => ({ trips, next: [], calendars: [], problems: [], horizonDays: 7, updatedAt: NOW });

describe('the trip a charger charges for', () => {
  it('the next trip of the car on it, the energy from the grid its SoC lacks, the wall time it was worked out at', () => {
    // 80% of 60 kWh = 48 kWh; at 50% the battery holds 30: 18 kWh lacking / 0.9 = 20 kWh from the grid
    expect(tripIntentFor(state([trip({})]), car, 50, NOW)).toEqual({
      id: 'gezin:werk:1', time: NOW + 10 * HOUR, kwh: 20, label: 'Werk @car_tesla@ 80%', urgent: false, now: NOW,
    });
    // another car's trip, or no car on the charger: none
    expect(tripIntentFor(state([trip({ car: 'zoe' })]), car, 50, NOW)).toBeNull();
    expect(tripIntentFor(state([trip({})]), null, 50, NOW)).toBeNull();
    expect(tripIntentFor(null, car, 50, NOW)).toBeNull();
  });

  it('judges each trip at the charger\'s most: met, or short by the battery kWh the hours left cannot bring', () => {
    const soon = trip({ id: 'soon', departure: NOW + HOUR });
    // 20 kWh from the grid; 1 h at 11.04 kW = 11.04 kWh: 8.96 short from the grid x 0.9 = 8.06 kWh in the battery
    expect(verdictsFor(state([soon, trip({})]), car, 50, 11.04, NOW)).toEqual([
      { tripId: 'soon', met: false, shortKwh: 8.06 },
      { tripId: 'gezin:werk:1', met: true, shortKwh: null },
    ]);
    // no SoC, no verdict
    expect(verdictsFor(state([soon]), car, null, 11.04, NOW)).toEqual([]);
  });

  it('the trips\' part and the plan\'s combine; an undefined field of one takes nothing from the other', () => {
    const trip = { time: NOW + HOUR, kwh: 5, now: NOW };
    expect(combineIntents({ trip }, { plannedKwh: 1.5, trip: undefined })).toEqual({ trip, plannedKwh: 1.5 });
    expect(combineIntents({ trip: null }, undefined)).toEqual({ trip: null });
  });

  it('reads the euros in the broker\'s words', () => {
    expect(eurosIn('sudden trip: charging 11.0 kW at once (emergency charge at 11.0 kW, 6.0 kW above the quarter budget (a peak up to 5.9 kW higher: about 2.36 EUR))')).toBe(2.36);
    expect(eurosIn('target raised 5.0 -> 7.5 kW for the 07:00 deadline of garage: about 1.00 EUR')).toBe(1);
    expect(eurosIn('emergency charge at 4.1 kW within the quarter budget')).toBeNull();
  });
});

describe('what a trip asks of the broker, and what the charger says', () => {
  it('a calendar trip in register 1 is a deadline', () => {
    const c = controller();
    const d = c.decide(inputs(0, { trip: { time: NOW + 10 * HOUR, kwh: 20, label: 'Werk', now: NOW } }));
    // ready a quarter hour before it leaves; the grant starts it in this second, so the demand
    // filed with the start keeps its running power (6 A: 4.14 kW) for its minimum on-time
    expect(d.demand).toMatchObject({ class: 'deadline', priority: 60, band: { minKw: 4.14, maxKw: 11.04 }, deadline: { time: NOW + 10 * HOUR - 15 * 60_000, kwh: 20 } });
    expect(d.command.currentA).toBeGreaterThanOrEqual(6);
  });

  it('a sudden trip is charged at once, as an emergency asking at least the power its energy needs by its time; the broker\'s euros are in the reason', () => {
    const c = controller();
    // 15 kWh by a quarter hour before a departure in 4 h 15 min: 15 / 4 = 3.75 kW, under the running 4.14 kW
    const slow = c.buildDemand(inputs(0, { trip: { time: NOW + 4.25 * HOUR, kwh: 15, urgent: true, now: NOW } }));
    expect(slow).toMatchObject({ class: 'emergency', priority: 90, band: { minKw: 4.14, maxKw: 11.04 } });
    // 20 kWh in 2 h 15 min - 15 min = 2 h is 10 kW; in solar mode too (the user asked for it)
    const text = 'emergency charge at 11.0 kW, 6.0 kW above the quarter budget (a peak up to 5.9 kW higher: about 2.36 EUR)';
    const d = c.decide(inputs(0, { trip: { time: NOW + 2.25 * HOUR, kwh: 20, urgent: true, label: 'ready by 17:00', now: NOW } }, { mode: 'solar', grant: grant(11.04, 0, 'emergency', text) }));
    expect(d.demand).toMatchObject({ class: 'emergency', band: { minKw: 10, maxKw: 11.04 } });
    // 11.04 kW / (3 x 230 V) = 16 A at once
    expect(d.command.currentA).toBe(16);
    expect(d.reason).toEqual({
      code: 'trip', text: `sudden trip "ready by 17:00": charging 11.0 kW at once (${text})`,
      // the figures the dashboard words in its own language
      params: { kw: 11, running: 1, grant: 'emergency', label: 'ready by 17:00' },
    });
    // a calendar trip in solar mode stays with the sun
    expect(c.buildDemand(inputs(0, { trip: { time: NOW + 2 * HOUR, kwh: 20, now: NOW } }, { mode: 'solar' }))).toMatchObject({ class: 'opportunistic' });
  });

  it('in register 2 a calendar trip is charged as the cheap hours are until its average need reaches half the charger\'s most; back below 40%', () => {
    const c = controller();
    // one trip at NOW + 8 h, looked at with `hoursLeft` to go
    const at = (hoursLeft: number, kwh: number) => inputs(0, { trip: { time: NOW + 8 * HOUR, kwh, label: 'Werk', now: NOW + (8 - hoursLeft) * HOUR } }, { tariff: 2 });
    // 20 kWh in 8 h = 2.5 kW, under 5.52 kW (half of 11.04): the cheap hours, a full quarter's energy (11.04 / 4 = 2.76 kWh)
    expect(c.buildDemand(at(8, 20))).toMatchObject({ class: 'plan', plannedKwh: 2.76 });
    // 20 kWh in 3.5 h = 5.71 kW: the deadline
    expect(c.buildDemand(at(3.5, 20))).toMatchObject({ class: 'deadline', deadline: { kwh: 20 } });
    // 20 kWh in 4 h = 5 kW: above 40% (4.42 kW), still the deadline; 20 kWh in 5 h = 4 kW: the cheap hours again
    expect(c.buildDemand(at(4, 20))).toMatchObject({ class: 'deadline' });
    expect(c.buildDemand(at(5, 20))).toMatchObject({ class: 'plan' });
    // while charging for it the reason names the trip
    const d = c.decide(at(8, 20));
    expect(d.reason.text).toMatch(/^register 2 \(cheap rate\): charging 11\.0 kW for the trip "Werk" at \d\d:\d\d$/);
    // with no SoC known the whole need counts (48 kWh / 0.9 = 53.33 in 8 h = 6.67 kW): the deadline;
    // once the SoC is known it is judged afresh (20 kWh in 8 h = 2.5 kW): the cheap hours
    expect(c.buildDemand({ ...at(8, 53.33), soc: null })).toMatchObject({ class: 'deadline' });
    expect(c.buildDemand(at(8, 20))).toMatchObject({ class: 'plan' });
    // a plan, when one is given, is not overruled by the cheap hours: the trip's deadline is filed
    expect(c.buildDemand(inputs(0, { plannedKwh: 1, trip: { time: NOW + 8 * HOUR, kwh: 20, now: NOW } }, { tariff: 2 }))).toMatchObject({ class: 'deadline' });
  });
});

describe('beside the meter, the trips carry the EV role\'s verdict', () => {
  it('met or short by, from the chargers in the hub, published again when a verdict changes', () => {
    const hub = new StateHub();
    const service = new TripsService({
      sources: [], store: new TripsStore(tripsDb()), timers: new ManualTimers(NOW), refreshMs: 300_000, horizonDays: 7,
      cars: [{ name: 'tesla', batteryKwh: 60, consumptionKwhPer100Km: 18, defaultNeed: '80%', chargeEfficiency: 0.9 }],
      convention: { marginMinutes: 30, allDayDeparture: null, zone: 'Europe/Brussels' }, onState: (t) => hub.update({ trips: t }),
    });
    judgeTripsFromChargers(service, hub);
    const sudden = service.addSudden('tesla', NOW + 2 * HOUR, '80%');
    expect(hub.current.trips!.trips[0]).toMatchObject({ id: sudden.id, met: null, shortKwh: null });
    const charger = (verdicts: EvChargerState['tripVerdicts']) => ({ chargers: [{ id: 'garage', tripVerdicts: verdicts } as unknown as EvChargerState] });
    hub.update({ ev: charger([{ tripId: sudden.id, met: false, shortKwh: 4.2 }]) });
    expect(hub.current.trips!.trips[0]).toMatchObject({ met: false, shortKwh: 4.2 });
    hub.update({ ev: charger([{ tripId: sudden.id, met: true, shortKwh: null }]) });
    expect(hub.current.trips!.trips[0]).toMatchObject({ met: true, shortKwh: null });
  });
});
