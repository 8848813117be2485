/**
 * The plan end to end on a simulated clock (test/support/plan-site.ts): the P1 simulator's house,
 * the charger simulator over real HTTP with the EV role and the NRGkick driver, the SunSpec battery
 * simulator over Modbus TCP with the battery controller, a local iCal server read by the trips
 * service, the site broker on every telegram, and the plan service (its real driver on the hub)
 * from the gathered state. One step is one meter second; the devices follow the published plan
 * through their hooks.
 *
 * Monday 12 January 2026, 03:00 to 07:00 Brussels. Day-ahead prices (import = 0.1 x spot + 2
 * c/kWh): 03:00-04:00 spot 280 (30 c), 04:00-06:00 spot 80 (10 c), 06:00-07:00 spot 180 (20 c).
 * Month peak so far 5 kW. The calendar: "Work @car_zoe@ 80%" at 07:30, ready 30 min before: 07:00.
 * Zoe (40 kWh, 11 kW, efficiency 0.9) is plugged in at 65%: 80% needs 6 kWh in the battery,
 * 6 / 0.9 = 6.67 kWh from the grid. The eight cheap quarters can hold it: the simulated house
 * takes about 1.2 kW at night (the base-load history the forecast learns from is the same house
 * the day before), so 5 kW leaves about 3.8 kW: 2 h x 3.8 kW = 7.6 kWh. So the car's energy should
 * fall in 04:00-06:00 (all but the odd Wh of a ramp or of a forecast the house did not keep to),
 * and no quarter's average may exceed 5 kW.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ratesSchema } from '../../shared/tariff/rates-schema.js';
import { runPlanSite, type PlanSiteOutcome } from '../support/plan-site.js';

const at = (hhmm: string): number => Date.parse(`2026-01-12T${hhmm}:00+01:00`);

function spot(t: number): number {
  if (t >= at('04:00') && t < at('06:00')) return 80;
  if (t >= at('03:00') && t < at('04:00')) return 280;
  return 180;
}

const ICS = [
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//plan//EN',
  'BEGIN:VEVENT', 'UID:work-1@test', 'DTSTAMP:20260110T120000Z', 'DTSTART:20260112T063000Z', 'DTEND:20260112T160000Z', 'SUMMARY:Work @car_zoe@ 80%', 'END:VEVENT',
  'END:VCALENDAR', '',
].join('\r\n');

let outcome: PlanSiteOutcome;

beforeAll(async () => {
  outcome = await runPlanSite({
    start: at('03:00'), end: at('07:00'), seed: 11, control: 'plan',
    fuse: { grid: '3x400', phases: 3, amps: 25 }, floorKw: 5,
    cars: [{ id: 'zoe', batteryKwh: 40, maxCurrentA: 16, efficiency: 0.9, socPercent: 65 }],
    battery: { capacityKwh: 10, socPct: 50, maxKw: 3, reservePct: 10 },
    rates: ratesSchema.parse({
      Electricity: { '+': { Day: 0.3, Night: 0.3 }, '-': { Day: 0.02, Night: 0.02 }, dynamic: { '+': { factor: 0.1, base: 2 }, '-': { factor: 0.01, base: 0 }, unit: 'c/kWh' } },
      Capacity: { eurPerKwYear: 50, minimumKw: 2.5 },
    }),
    spot, calendar: ICS, debug: Boolean(process.env.PLAN_DEBUG),
  });
}, 600_000);

describe('a 07:00 trip from the calendar, planned with the prices of the day (simulated clock, real simulators)', () => {
  it('is met by 07:00', () => {
    expect(outcome.socAtEnd.get('zoe')).toBeGreaterThanOrEqual(79.5);
    // the plan saw it met all along: no warning was ever published
    expect(outcome.problemsSeen).toBe(0);
    // every quarter at least, plus the changes (SoC, drift)
    expect(outcome.plansMade).toBeGreaterThanOrEqual(16);
  });

  it('charges in the cheapest quarters (04:00-06:00)', () => {
    let cheap = 0;
    let other = 0;
    for (const [start, kwh] of outcome.carKwh.get('zoe')!) {
      if (start >= at('04:00') && start < at('06:00')) cheap += kwh;
      else other += kwh;
    }
    // 6.67 kWh needed: at least 95% of it in the cheap quarters
    expect(cheap).toBeGreaterThan(6.3);
    expect(other).toBeLessThan(0.35);
  });

  it('sets no new month peak: every quarter stays within 5 kW', () => {
    const worst = Math.max(...outcome.quarterAverageKw.values());
    expect(worst).toBeLessThanOrEqual(5.05);
  });
});
