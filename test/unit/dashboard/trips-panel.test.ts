// @vitest-environment happy-dom
/** The trips panel with literal props: what a person reads, in their language. */
import { describe, expect, test } from 'vitest';
import EvPanel from '../../../renderer/src/panels/EvPanel.vue';
import TripsPanel from '../../../renderer/src/panels/TripsPanel.vue';
import type { EvChargerState } from '../../../shared/ev/state.js';
import type { Trip, TripsState } from '../../../shared/trips/state.js';
import { mountPanel, plain } from './mount.js';

const trip = (over: Partial<Trip>): Trip => ({
  id: 'x', car: 'tesla', departure: Date.parse('2026-03-23T06:00:00Z'), eventStart: Date.parse('2026-03-23T06:30:00Z'),
  needSocPct: 80, needKwh: 60, needFrom: '80%', source: 'ical', sourceName: 'gezin', eventUid: 'u', eventTitle: 'Werk Gent @car_tesla@ 80%',
  urgent: false, met: true, shortKwh: null, ...over,
});

const state: TripsState = {
  trips: [
    trip({ id: 'a' }),
    trip({ id: 'b', departure: Date.parse('2026-03-24T15:00:00Z'), source: 'sudden', sourceName: 'sudden', urgent: true, met: false, shortKwh: 4.25, needSocPct: 90, needKwh: 67.5 }),
  ],
  next: [{ car: 'tesla', trip: trip({ id: 'a' }) }, { car: 'zoe', trip: null }],
  calendars: [{ name: 'gezin', kind: 'ical', status: 'error', message: 'cannot reach https://calendar.google.com/…: ENOTFOUND', lastGoodAt: Date.parse('2026-03-22T08:00:00Z'), failingSince: Date.parse('2026-03-22T09:15:00Z') }],
  problems: ["\"Oma @car_golf@\" (gezin, 2026-03-25T07:00Z): no car 'golf' in ev.cars (@car_<id>@ names a car by its id; known: tesla, zoe)"],
  horizonDays: 7,
  updatedAt: Date.parse('2026-03-22T10:00:00Z'),
};

describe('TripsPanel', () => {
  test('per car: departure in Brussels time, need in % and kWh, source, verdict; sudden trips say they charge at once', () => {
    const w = mountPanel(TripsPanel, { trips: state, stale: false, age: null });
    const rows = w.get('[data-testid=trips-car-tesla]').findAll('[data-testid=trip]');
    expect(rows).toHaveLength(2);
    // 06:00Z on 23 March = 07:00 CET
    expect(plain(rows[0]!.get('[data-testid=trip-when]').text())).toBe('23 Mar 07:00');
    expect(plain(rows[0]!.get('[data-testid=trip-need]').text())).toBe('80 % (60.0 kWh)');
    expect(rows[0]!.get('[data-testid=trip-from]').text()).toBe('Werk Gent @car_tesla@ 80%');
    expect(rows[0]!.get('[data-testid=trip-verdict]').text()).toBe('will be met');
    // 15:00Z on 24 March = 16:00 CET
    expect(plain(rows[1]!.get('[data-testid=trip-when]').text())).toBe('24 Mar 16:00');
    expect(plain(rows[1]!.get('[data-testid=trip-from]').text())).toBe('sudden tripcharging at once, whatever the rate');
    expect(plain(rows[1]!.get('[data-testid=trip-verdict]').text())).toBe('short by 4.3 kWh');
    expect(w.get('[data-testid=trips-car-zoe]').text()).toContain('No trips in the coming 7 days');
  });

  test('a calendar that cannot be read says since when and which list it shows; problems are listed', () => {
    const w = mountPanel(TripsPanel, { trips: state, stale: false, age: null });
    const line = plain(w.get('[data-testid=trips-calendars]').text());
    // 09:15Z = 10:15:00 CET; the list from 08:00Z = 09:00:00 CET
    expect(line).toMatch(/^gezin: not read since Sun 22 Mar, 10:15:00: cannot reach https:\/\/calendar\.google\.com\/…: ENOTFOUND — showing the list read Sun 22 Mar, 09:00:00$/);
    expect(w.get('[data-testid=trips-problems]').text()).toContain("no car 'golf' in ev.cars");
  });

  test('in Dutch and French', () => {
    const nl = mountPanel(TripsPanel, { trips: state, stale: false, age: null }, 'nl');
    expect(nl.get('[data-testid=trips] h2').text()).toBe('Ritten');
    expect(plain(nl.findAll('[data-testid=trip-verdict]')[1]!.text())).toBe('4,3 kWh te kort');
    expect(nl.get('[data-testid=trips-car-zoe]').text()).toContain('Geen ritten in de komende 7 dagen');
    const fr = mountPanel(TripsPanel, { trips: state, stale: false, age: null }, 'fr');
    expect(fr.get('[data-testid=trips] h2').text()).toBe('Trajets');
    expect(plain(fr.findAll('[data-testid=trip-verdict]')[0]!.text())).toBe('sera atteint');
  });

  test('the sudden-trip form asks for "ready by 17:00 with 80%"', async () => {
    const w = mountPanel(TripsPanel, { trips: state, stale: false, age: null });
    const form = w.get('[data-testid=trips-sudden]');
    await form.get('select').setValue('zoe');
    await form.get('input[type=time]').setValue('17:00');
    await form.get('input[type=text]').setValue('80%');
    await form.trigger('submit');
    expect(w.emitted('command')).toEqual([['trips.sudden', { car: 'zoe', by: '17:00', need: '80%' }]]);
  });

  test('the EV controller\'s verdict and the cost of a sudden trip, from the charger charging for it (nl/fr/en)', () => {
    // the trips' own verdict says "will be met" for a; the charger on the satellite says short by 2.26 kWh
    const charger = {
      id: 'garage', trip: { id: 'b', label: 'ready by 16:00', departure: Date.parse('2026-03-24T15:00:00Z'), urgent: true, kwh: 20, costEur: 2.36 },
      tripVerdicts: [{ tripId: 'a', met: false, shortKwh: 2.26 }, { tripId: 'b', met: true, shortKwh: null }],
    } as unknown as EvChargerState;
    const ev = { chargers: [charger] };
    const named = { ...state, next: [{ car: 'tesla', name: 'Tesla Model 3', trip: null }, { car: 'zoe', name: 'Renault Zoe', trip: null }] };
    const en = mountPanel(TripsPanel, { trips: named, ev, stale: false, age: null });
    expect(en.get('[data-testid=trips-car-tesla] h3').text()).toBe('Tesla Model 3');
    const verdicts = en.findAll('[data-testid=trip-verdict]').map((v) => plain(v.text()));
    expect(verdicts).toEqual(['short by 2.3 kWh', "will be metabout 2.36 € above the quarter's target"]);
    expect(plain(mountPanel(TripsPanel, { trips: named, ev }, 'nl').get('[data-testid=trip-cost]').text())).toBe('ongeveer 2,36 € boven het kwartierdoel');
    expect(plain(mountPanel(TripsPanel, { trips: named, ev }, 'fr').get('[data-testid=trip-cost]').text())).toBe('environ 2,36 € au-dessus de l’objectif du quart d’heure');
  });

  test('the EV panel names the trip its charger charges for and what going above the target costs', () => {
    const charger: EvChargerState = {
      id: 'garage', description: 'NRGkick', car: { id: 'tesla', name: 'Tesla', minSocPercent: 20 }, cars: [{ id: 'tesla', name: 'Tesla' }],
      plugged: true, state: 'charging', chargerWords: 'CHARGING', soc: { percent: 50, source: 'user', basedOn: 'user' }, socPrompt: false,
      powerKw: 11.04, phases: [], sessionKwh: 0.5, mode: 'smart', commandA: 16, commandPhases: 3, grantedKw: 11.04,
      reason: { code: 'trip', text: 'sudden trip: charging 11.0 kW at once (emergency charge at 11.0 kW, 6.0 kW above the quarter budget (a peak up to 5.9 kW higher: about 2.36 EUR))' },
      safe: false, problem: null,
      // 15:00Z on 24 March = 16:00 CET
      trip: { id: 'b', label: 'ready by 16:00', departure: Date.parse('2026-03-24T15:00:00Z'), urgent: true, kwh: 19.5, costEur: 2.36 },
      tripVerdicts: [],
    };
    const en = mountPanel(EvPanel, { charger, stale: false, age: null });
    // the cost on a line of its own (a <br>, no space in the text)
    expect(plain(en.get('[data-testid=ev-trip]').text())).toBe("Sudden trip: ready by 24 Mar 16:00, 19.5 kWh to goabout 2.36 € above the quarter's target");
    const nl = mountPanel(EvPanel, { charger: { ...charger, trip: { ...charger.trip!, urgent: false, label: 'Werk', costEur: null } }, stale: false, age: null }, 'nl');
    expect(plain(nl.get('[data-testid=ev-trip]').text())).toBe('Voor de rit Werk: klaar om 24 mrt 16:00, nog 19,5 kWh');
  });
});
