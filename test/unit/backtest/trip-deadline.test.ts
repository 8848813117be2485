/**
 * When ours' backtest hands a car's next trip to the EV controller as a deadline (the broker may
 * then raise the quarter's target for it): while the plan does not meet the trip, as the EV role
 * does; for a trip the plan meets only once full power is just enough. Worked by hand on the
 * dynamic household's car on 30 April 2026, where the old rule (an hour's margin whatever the
 * plan said) raised the month peak from 3.83 to 4.79 kW at noon for a trip the plan was meeting.
 */
import { describe, expect, it } from 'vitest';
import { tripDeadline } from '../../../main/backtest/ours.js';
import type { SimCar } from '../../../main/backtest/devices.js';

const H = 3_600_000;
const NOW = Date.UTC(2026, 3, 30, 10, 45);

/** 77 kWh, 90% efficient, 6.374 kW (three phases at 16 A on 3 x 230 V), at 45% */
const car = { config: { batteryKwh: 77, efficiency: 0.9 }, model: { car: { socPercent: 45 } }, maxKw: 6.374 } as unknown as SimCar;

describe("a trip as the EV controller's deadline in ours' backtest", () => {
  // the trip wants 45.32 kWh (58.857%) at 13:30, 2.75 h on. Full power puts 6.374 x 0.9 / 77 =
  // 7.4501% an hour in: 13.857 points take 1.860 h. The car lacks (45.32 - 34.65) / 0.9 = 11.856
  // kWh at the connection; all below 90%, so no taper moves the deadline.
  const trip = { departure: NOW + 2.75 * H, needKwh: 45.32 };

  it('is none while the plan meets the trip and full power leaves more than a quarter hour to spare', () => {
    expect(tripDeadline(trip, car, 'met', NOW)).toBeNull();
  });

  it('is the trip while the plan says it falls short, however much time is left', () => {
    const d = tripDeadline(trip, car, 'short', NOW);
    expect(d?.time).toBe(trip.departure);
    expect(d?.kwh).toBeCloseTo(11.8556, 3);
  });

  it('is none for a trip the plan meets even once full power is just enough (1.86 h of charge with 2 h left); a trip no plan covers gets it an hour ahead', () => {
    const later = trip.departure - 2 * H;
    expect(tripDeadline(trip, car, 'met', later)).toBeNull();
    expect(tripDeadline(trip, car, 'short', later)?.kwh).toBeCloseTo(11.8556, 3);
    // 2.75 h left: more than a quarter hour to spare for a planned trip, less than the hour
    // asked of a trip no plan covers
    expect(tripDeadline(trip, car, 'unplanned', NOW)?.kwh).toBeCloseTo(11.8556, 3);
    expect(tripDeadline(trip, car, 'unplanned', NOW - 0.5 * H)).toBeNull();
  });

  it('is none once the car holds what the trip needs', () => {
    expect(tripDeadline({ departure: trip.departure, needKwh: 30 }, car, 'short', NOW)).toBeNull();
  });
});
