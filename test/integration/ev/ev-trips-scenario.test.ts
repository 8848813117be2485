import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { carSchema } from '../../../main/config/ev-schema.js';
import { registerTripsCommands } from '../../../main/ev/trips/commands.js';
import { IcalSource } from '../../../main/ev/trips/ical-source.js';
import { tripCar } from '../../../main/ev/trips/trip-car.js';
import { TripsService } from '../../../main/ev/trips/trips-service.js';
import { TripsStore } from '../../../main/ev/trips/trips-store.js';
import type { Timers } from '../../../main/p1/sources/timers.js';
import { EvScenario, importWh, type ScenarioOptions } from '../../support/ev-scenario.js';
import { tripsDb } from '../../support/trips-db.js';

/**
 * Issue 19's end-to-end Must show, on a simulated clock: the P1 simulator's house, the charger
 * simulator over real HTTP with the real NRGkick driver, the site broker deciding a grant on
 * every telegram, and the trips service reading a calendar from a local iCal HTTP server. The EV
 * role reads `trips` from its hub and charges the car for its next trip. One step is one meter
 * second; the trips service runs on the meter's wall clock (the scenario's start plus the
 * seconds run). Expected figures are worked out by hand in the comments.
 */
const CAR = { batteryKwh: 60, maxPhases: 3 as const, maxCurrentA: 16 };
let scenario: EvScenario | null = null;
let trips: TripsService | null = null;
let server: Server | null = null;

afterEach(async () => {
  trips?.stop();
  await scenario?.close();
  if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
  scenario = null;
  trips = null;
  server = null;
});

/** A calendar as Google exports it: one event on Thursday 16 January 2025 at 07:00 Brussels time. */
const CALENDAR = [
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Google Inc//Google Calendar 70.9054//EN', 'CALSCALE:GREGORIAN',
  'BEGIN:VEVENT', 'DTSTART;TZID=Europe/Brussels:20250116T070000', 'DTEND;TZID=Europe/Brussels:20250116T170000',
  'DTSTAMP:20250110T120000Z', 'UID:werk-20250116@google.com', 'SUMMARY:Werk Gent @car_tesla@ 80%', 'END:VEVENT',
  'END:VCALENDAR', '',
].join('\r\n');

async function calendarServer(): Promise<string> {
  server = createServer((_req, res) => { res.setHeader('content-type', 'text/calendar'); res.end(CALENDAR); });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/calendar/ical/private-abc/basic.ics`;
}

async function open(options: Partial<ScenarioOptions>, calendarUrl: string | null): Promise<EvScenario> {
  const s = new EvScenario({
    grid: '3x400', seed: 7, start: Date.UTC(2025, 0, 16, 2, 30), fuseA: 25, targetKw: 5, mode: 'smart', car: CAR,
    carId: 'tesla', carConfig: { tripNeed: '80%' }, eurPerKwYear: 53.28, pvKw: 0, ...options,
  });
  scenario = s;
  await s.open();
  // the trips service on the meter's wall clock, publishing into the hub the EV role reads
  const wall: Timers = { now: () => s.wallNow(), setTimeout: (fn, ms) => s.timers.setTimeout(fn, ms), clearTimeout: (h) => s.timers.clearTimeout(h) };
  const car = carSchema.parse({ id: 'tesla', name: 'Tesla', ...CAR, tripNeed: '80%' });
  trips = new TripsService({
    sources: calendarUrl ? [new IcalSource({ name: 'gezin', url: calendarUrl, timeoutMs: 30_000, maxBytes: 10_485_760, zone: 'Europe/Brussels' })] : [],
    cars: [tripCar(car)], store: new TripsStore(tripsDb()), timers: wall, refreshMs: 300_000, horizonDays: 7,
    convention: { marginMinutes: 30, allDayDeparture: null, zone: 'Europe/Brussels' },
    onState: (state) => s.hub.update({ trips: state }),
  });
  registerTripsCommands(s.commands, trips);
  trips.start();
  await trips.refresh();
  return s;
}

const carSoc = (s: EvScenario) => s.sim.model.car!.socPercent;
const charger = (s: EvScenario) => s.hub.current.ev!.chargers[0]!;

describe('trips into control, end to end on a simulated clock', () => {
  it('a 07:00 trip needing 80% in the calendar is met by the EV controller in the register-2 night hours', async () => {
    const s = await open({}, await calendarServer());
    // 07:00 CET = 06:00Z, minus the 30-minute margin: ready by 05:30Z
    const departure = Date.UTC(2025, 0, 16, 5, 30);
    expect(s.hub.current.trips!.trips.map((t) => [t.car, t.departure, t.needSocPct, t.needKwh])).toEqual([['tesla', departure, 80, 48]]);
    s.plug(65);
    await s.run(2);
    await s.command('ev.soc', { charger: 'garage', percent: 65 });
    await s.run(60);
    // 80% of 60 kWh = 48 kWh; 65% holds 39: 9 kWh lacking / 0.9 = 10 kWh from the grid by 05:30Z,
    // 3 h away: 3.33 kW on average, under half the charger's 11.04 kW: the cheap hours carry it
    expect(charger(s).trip).toMatchObject({ id: expect.stringContaining('werk-20250116@google.com'), departure, urgent: false });
    // the demand the broker sees: the cheap hours' (a plan of a full quarter's energy), not the deadline's
    expect(s.hub.current.site!.devices.map((d) => d.class)).toEqual(['plan']);
    expect(charger(s).reason.text).toMatch(/^(register 2 \(cheap rate\): charging \d+\.\d kW for the trip "Werk Gent @car_tesla@ 80%" at 06:30|reduced to \d+\.\d kW: plan: 1\d\.\d kW for the rest of this quarter, .*)$/);
    // 3 h at 11.04 kW is far more than it needs: met
    expect(charger(s).tripVerdicts).toEqual([{ tripId: charger(s).trip!.id, met: true, shortKwh: null }]);
    // on to the departure: 05:30:00Z is second 3 x 3600 = 10,800 after 02:30:00Z
    let socAtDeparture: number | null = null;
    await s.run(10_800 - 62 + 1, (_second, index) => { if (index === 10_800) socAtDeparture = carSoc(s); });
    expect(s.seconds[10_800]!.telegram.time).toBe(departure);
    expect(socAtDeparture).toBeGreaterThanOrEqual(80);
    // every kWh the car drew came in register 2 (the night rate), and it began in the first minute, not at the last
    const drawn = s.seconds.slice(0, 10_800);
    const kwhIn = (register: number) => drawn.filter((x) => x.telegram.tariff === register).reduce((sum, x) => sum + x.carKw, 0) / 3600;
    expect(kwhIn(2)).toBeGreaterThan(10 * 0.95);
    expect(kwhIn(1)).toBe(0);
    expect(drawn.findIndex((x) => x.carKw > 1)).toBeLessThan(62);
    // the cheap hours filled the quarter's budget (5 kW), not above it: no quarter above the target where the house alone was not
    for (let q = 0; q < 12; q++) {
      const avg = (x: 'telegram' | 'twin') => (importWh(s.seconds[(q + 1) * 900]![x]) - importWh(s.seconds[q * 900]![x])) * 4 / 1000;
      if (avg('twin') <= 5) expect(avg('telegram')).toBeLessThanOrEqual(5.005);
    }
  }, 300_000);

  it('when the night\'s budget cannot bring it, the trip\'s deadline takes over: the target is raised, its cost shown, the car ready', async () => {
    const s = await open({}, await calendarServer());
    const departure = Date.UTC(2025, 0, 16, 5, 30);
    s.plug(60);
    await s.run(2);
    await s.command('ev.soc', { charger: 'garage', percent: 60 });
    // 12 kWh lacking / 0.9 = 13.33 kWh from the grid in 3 h (4.44 kW); the house takes about 0.9 kW
    // of the 5 kW budget at night, so the cheap hours bring about 4.1 kW: 3 h x 4.1 kW x 0.9 = 11.1
    // kWh, 78.5% at departure. The need grows until it reaches half the charger's most (5.52 kW),
    // then the deadline (ready by 05:15Z) makes the broker raise the quarter's target.
    let raisedEur: number | null = null;
    let costShown: number | null = null;
    let socAtDeparture: number | null = null;
    await s.run(10_800 - 2 + 1, (_second, index) => {
      const raised = s.hub.current.site?.target?.raised;
      if (raised && raised.device === 'garage' && raised.eur !== null) raisedEur = Math.max(raisedEur ?? 0, raised.eur);
      const cost = s.hub.current.ev!.chargers[0]!.trip?.costEur ?? null;
      if (cost !== null) costShown = Math.max(costShown ?? 0, cost);
      if (index === 10_800) socAtDeparture = carSoc(s);
    });
    expect(s.seconds[10_800]!.telegram.time).toBe(departure);
    expect(socAtDeparture).toBeGreaterThanOrEqual(80);
    // the broker raised the target for it and priced that; the charger showed those euros
    expect(raisedEur).toBeGreaterThan(0);
    expect(costShown).toBe(raisedEur);
    // still all in register 2
    const drawn = s.seconds.slice(0, 10_800);
    expect(drawn.filter((x) => x.telegram.tariff !== 2 && x.carKw > 0)).toHaveLength(0);
  }, 300_000);

  it('a sudden trip added at 15:00 for 17:00 is charged at once, and what going above the target costs is shown', async () => {
    // Thursday 16 January 2025, 14:00Z = 15:00 CET: register 1, no sun
    const s = await open({ start: Date.UTC(2025, 0, 16, 14, 0) }, null);
    s.plug(50);
    await s.run(2);
    await s.command('ev.soc', { charger: 'garage', percent: 50 });
    await s.run(8);
    // smart mode in register 1 without sun: it waits
    expect(s.seconds.at(-1)).toMatchObject({ paused: true });
    expect(charger(s).reason.code).toBe('waiting-cheap');
    await s.command('trips.sudden', { car: 'tesla', by: '17:00', need: '80%' });
    // 17:00 CET = 16:00Z; 80% of 60 kWh = 48 kWh, 50% holds 30: 18 / 0.9 = 20 kWh, asked by a quarter
    // hour early (15:45Z, 1.75 h away): 11.4 kW, more than the charger's 11.04 kW: all of it,
    // 16 A, which the broker grants whatever the quarter's budget
    expect(s.hub.current.trips!.next[0]!.trip).toMatchObject({ departure: Date.UTC(2025, 0, 16, 16, 0), urgent: true, needSocPct: 80, needKwh: 48 });
    await s.run(3);
    expect(s.seconds.at(-1)!.paused).toBe(false);
    expect(s.seconds.at(-1)!.currentSetA).toBe(16);
    await s.run(5);
    // the car draws it (3 x 230 V x 16 A = 11.04 kW)
    expect(s.seconds.at(-1)!.carKw).toBeCloseTo(11.04, 1);
    const state = charger(s);
    expect(state.reason.text).toMatch(/^sudden trip "ready by 2025-01-16T16:00Z with 80%": charging \d+\.\d kW at once \(emergency charge at .* kW above the quarter budget \(a peak up to .* kW higher: about \d+\.\d\d EUR\)\)$/);
    // the euros shown are the broker's; at most a whole quarter at the charger's most above the
    // target: 11.04 kW x 53.28 EUR/kW/year / 12 = 49.02 EUR
    const eur = Number(/about (\d+\.\d\d) EUR/.exec(state.reason.text)![1]);
    expect(state.trip).toMatchObject({ urgent: true, costEur: eur });
    expect(eur).toBeGreaterThan(0);
    expect(eur).toBeLessThan(49.02);
    // 2 h at 11.04 kW = 22 kWh >= 20: met
    expect(state.tripVerdicts).toEqual([{ tripId: state.trip!.id, met: true, shortKwh: null }]);
    // and it is ready at 17:00 CET (16:00Z, second 7,200 after 14:00Z)
    let socAt17: number | null = null;
    await s.run(7_200 - 18 + 1, (_second, index) => { if (index === 7_200) socAt17 = carSoc(s); });
    expect(s.seconds[7_200]!.telegram.time).toBe(Date.UTC(2025, 0, 16, 16, 0));
    expect(socAt17).toBeGreaterThanOrEqual(80);
  }, 300_000);
});
