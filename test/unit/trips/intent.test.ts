import { describe, expect, it } from 'vitest';
import { judgeTrip, nextTripIntent } from '../../../main/ev/trips/intent.js';
import type { TripCar } from '../../../main/ev/trips/types.js';
import type { Trip } from '../../../shared/trips/state.js';

const tesla: TripCar = { name: 'tesla', batteryKwh: 75, consumptionKwhPer100Km: 18, defaultNeed: '80%', chargeEfficiency: 0.9 };
const NOW = Date.parse('2026-06-10T13:00:00Z');
const trip = (over: Partial<Trip>): Trip => ({
  id: 'a', car: 'tesla', departure: NOW + 18 * 3_600_000, eventStart: NOW, needSocPct: 80, needKwh: 60, needFrom: '80%', source: 'ical',
  sourceName: 'gezin', eventUid: 'u', eventTitle: 'Werk @car_tesla@ 80%', urgent: false, met: null, shortKwh: null, ...over,
});

describe('the trip the controller charges for', () => {
  it('the earliest trip the car lacks energy for, in grid kWh', () => {
    // at 40% the battery holds 30 kWh; 80% is 60 kWh: 30 kWh lacking / 0.9 = 33.33 kWh from the grid
    expect(nextTripIntent([trip({})], tesla, 40, NOW)).toEqual({ time: NOW + 18 * 3_600_000, kwh: 33.33, label: 'Werk @car_tesla@ 80%', urgent: false, tripId: 'a' });
    // at 85% nothing is lacking
    expect(nextTripIntent([trip({})], tesla, 85, NOW)).toBeNull();
    // a departed trip is no longer charged for
    expect(nextTripIntent([trip({ departure: NOW - 1 })], tesla, 40, NOW)).toBeNull();
  });

  it('a sudden trip comes first, even when a calendar trip leaves earlier', () => {
    const calendar = trip({ id: 'cal', departure: NOW + 3_600_000, needSocPct: 50, needKwh: 37.5 });
    const sudden = trip({ id: 'sud', departure: NOW + 2 * 3_600_000, urgent: true, source: 'sudden' });
    expect(nextTripIntent([calendar, sudden], tesla, 40, NOW)).toMatchObject({ tripId: 'sud', urgent: true, kwh: 33.33 });
  });

  it('with no SoC known the whole need counts', () => {
    // 60 kWh / 0.9 = 66.67
    expect(nextTripIntent([trip({})], tesla, null, NOW)!.kwh).toBe(66.67);
  });

  it('judges whether the hours left suffice at the charger\'s power', () => {
    // 33.33 kWh from the grid; 2 h at 11 kW = 22 kWh: 11.33 short from the grid, x 0.9 = 10.2 kWh in the battery
    expect(judgeTrip(trip({ departure: NOW + 2 * 3_600_000 }), tesla, 40, 11, NOW)).toEqual({ met: false, shortKwh: 10.2 });
    // 18 h is plenty
    expect(judgeTrip(trip({}), tesla, 40, 11, NOW)).toEqual({ met: true, shortKwh: null });
    expect(judgeTrip(trip({}), tesla, null, 11, NOW)).toBeNull();
  });
});

describe('what a trip asks of the broker', () => {
  it('a calendar trip is a deadline; a sudden trip an emergency charge at the power its energy needs by its time', async () => {
    const { tripDemandFields } = await import('../../../main/ev/trips/intent.js');
    const at = NOW + 3_600_000;
    const power = { minRunKw: 4.14, maxKw: 11.04, keepKw: 0 };
    // asked to be ready a quarter hour early: by NOW + 45 min
    const early = NOW + 45 * 60_000;
    // a deadline keeps only what the charger must keep (its minimum on-time)
    expect(tripDemandFields({ time: at, kwh: 33.3333 }, power, NOW)).toEqual({ class: 'deadline', priority: 60, deadline: { time: early, kwh: 33.333 }, minKw: 0 });
    expect(tripDemandFields({ time: at, kwh: 33.3333 }, { ...power, keepKw: 4.14 }, NOW)).toEqual({ class: 'deadline', priority: 60, deadline: { time: early, kwh: 33.333 }, minKw: 4.14 });
    // less than a quarter hour to go: the departure itself
    expect(tripDemandFields({ time: NOW + 10 * 60_000, kwh: 1 }, power, NOW).deadline.time).toBe(NOW + 10 * 60_000);
    // sudden, 6 kWh by 45 min from now: 8 kW at least
    expect(tripDemandFields({ time: at, kwh: 6, urgent: true }, power, NOW)).toEqual({ class: 'emergency', priority: 90, deadline: { time: early, kwh: 6 }, minKw: 8 });
    // 2 kWh in 45 min is 2.67 kW, below the running power: 4.14 kW
    expect(tripDemandFields({ time: at, kwh: 2, urgent: true }, power, NOW).minKw).toBe(4.14);
    // 10 kWh in 45 min is 13.3 kW, more than the charger's most: 11.04 kW; without the wall time, the most too
    expect(tripDemandFields({ time: at, kwh: 10, urgent: true }, power, NOW).minKw).toBe(11.04);
    expect(tripDemandFields({ time: at, kwh: 2, urgent: true }, power, null).minKw).toBe(11.04);
  });
});
