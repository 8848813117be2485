import { householdSchema } from '../../../main/backtest/household.js';

/**
 * The household of the days worked out by hand: the house as each test's inputs give it, no
 * battery, one car (60 kWh, 3 x 16 A on 3 x 400 V = 11.04 kW, 90% into the battery) that
 * commutes 70 km at 18 kWh/100 km (12.6 kWh), out 07:30, back 18:00, needing 12.6 + 10% x 60 =
 * 18.6 kWh at departure, with a 30-s controller's plan of 40% by 07:30 on weekdays. Register
 * rates Day 0.40 / Night 0.30 EUR/kWh, export 0.10 (night on weekdays 00:00-07:00 and
 * 22:00-24:00, weekends), capacity 50 EUR/kW/year, minimum 2.5 kW.
 */
export function byHandHousehold(startSocPercent: number, phaseSwitching = false) {
  return householdSchema.parse({
    name: 'by-hand',
    fuse: { grid: '3x400', phases: 3, amps: 25 },
    rates: { Electricity: { '+': { Day: 0.4, Night: 0.3 }, '-': { Day: 0.1, Night: 0.1 } }, Capacity: { eurPerKwYear: 50, minimumKw: 2.5 } },
    dayAhead: false,
    baseLoad: { kwhPerYear: 4380, appliances: [] },
    pv: { kwp: 0, orientation: 'south' },
    cars: [{
      id: 'car_1', name: '1', batteryKwh: 60, maxPhases: 3, maxCurrentA: 16, chargerMaxCurrentA: 16, phaseSwitching, efficiency: 0.9,
      consumptionKwhPer100km: 18, minSocPercent: 10, startSocPercent, reservePercent: 10,
      trips: { kind: 'commute', km: 70, weekdays: [1, 2, 3, 4, 5], leave: '07:30', back: '18:00' },
      repeatingPlan: { weekdays: [1, 2, 3, 4, 5], time: '07:30', socPercent: 40 },
    }],
    battery: null,
  });
}
