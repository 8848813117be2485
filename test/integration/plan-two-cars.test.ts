/**
 * Two cars and the battery on a dynamic-price day, planned together, against the same day run as
 * plug-and-charge. Simulated clock, real simulators (test/support/plan-site.ts): the P1
 * simulator's house, two NRGkick charger simulators over HTTP, the SunSpec battery simulator over
 * Modbus TCP, a local iCal calendar; the plan service on its driver, the broker on every telegram,
 * the EV role and the battery controller following the published plan. The bill is the real
 * ledger's (energy) and the quarter tracker's (capacity).
 *
 * Monday 12 January 2026, 04:00 to 07:00 Brussels (12 quarters; three hours keep the run short,
 * and quarter-hour day-ahead prices give them the shape of a whole day: a dear hour when the cars
 * are plugged in, a cheap window, a dear morning peak). Import = 0.1 x spot + 2 c/kWh, export =
 * 0.01 x spot c/kWh:
 *   04:00-04:30  spot 250  27 c     (q0-q1)
 *   04:30-06:30  spot  20   4 c     (q2-q9, the cheap window)
 *   06:30-07:00  spot 380  40 c     (q10-q11)
 *   later        spot  22   4.2 c   (the rest of the 48 h horizon)
 * The rest of the horizon is priced so nothing is worth moving there: energy stored at 4 c and
 * used at 4.2 c returns 0.95 x 0.95 x 4.2 = 3.79 c < 4 c, and recharging later costs more than now.
 * Month peak so far 11 kW, capacity tariff 50 EUR/kW/year (4.17 EUR per kW of month peak).
 * Connection 3 x 400 V 32 A (22 kW).
 *
 * The house (P1 simulator, seed 11), per quarter, kW, measured once:
 *   1.13 1.11 | 1.21 1.08 1.14 1.14 1.67 1.87 1.78 1.75 | 2.09 2.51
 *   energy: 0.56 kWh at 27 c, 2.91 kWh in the cheap window, 1.15 kWh at 40 c.
 * Zoe: 40 kWh, 3 x 16 A (11.04 kW), efficiency 0.9, 60% -> 80% by 07:00: 8 kWh, 8.89 kWh from the grid.
 * ID.3: 60 kWh, 3 x 10 A (6.9 kW), efficiency 0.9, 50% -> 57% by 07:00: 4.2 kWh, 4.67 kWh from the grid.
 * The battery: 10 kWh at 50%, 3 kW, 10% reserve, 0.95 each way (the simulator's 0.9 round trip).
 *
 * The plan forecasts the house from the day before's (seed 11, measured once: 0.94 0.96 | 1.03
 * 0.91 1.01 0.95 0.89 1.02 0.89 0.90 | 0.97 0.84 kW), a quieter house than today's. The cheap
 * window holds 8 quarters x 11 kW x 0.25 h - 2.91 = 19.09 kWh under the month peak. The cars take
 * their 13.56 kWh there. The battery plans to cover the house it expects in the dear quarters ((0.94 +
 * 0.96 + 0.97 + 0.84) / 4 = 0.93 kWh out; what the house draws beyond that it covers too, a kWh
 * rebought later costing far less than the dear quarters' price) and refills in the window (0.93 / 0.95 / 0.95 = 1.03
 * kWh): 13.56 + 1.03 = 14.59 kWh, within 19.09. No new peak: a kW more would cost 4.17 EUR and
 * save nothing. Its bill: the house's cheap 2.91 kWh x 0.04 = 0.116; the cars 13.56 x 0.04 =
 * 0.542; the battery 1.03 x 0.04 = 0.041; the house the battery does not cover, (0.56 - 0.475) x
 * 0.27 = 0.023 and (1.15 - 0.4525) x 0.40 = 0.279: about 1.00 EUR, no peak.
 *
 * Plug-and-charge: both chargers at full current from 04:00 until the car's own limit (the
 * session's grid energy above), the battery idle. Zoe 8.89 / 11.04 = 48 min, ID.3 4.67 / 6.9 =
 * 41 min. The first quarter averages 11.04 + 6.9 + 1.13 = 19.07 kW: a month peak 8.07 kW above
 * 11, 8.07 x 50 / 12 = 33.63 EUR. Energy: 04:00-04:30 the cars take 5.52 + 3.45 = 8.97 kWh at
 * 0.27 = 2.42 EUR, the rest (3.37 + 1.22 = 4.59 kWh) at 0.04 = 0.18; the house 0.56 x 0.27 +
 * 2.91 x 0.04 + 1.15 x 0.40 = 0.73: 3.33 EUR. In all 36.96 EUR.
 *
 * So plug-and-charge costs about 36.0 EUR more, 2.3 of it energy. The test asks for at least
 * 34.5 EUR more in all and 1.8 EUR more in energy: room for the ramps, the replans when the house
 * strays from the forecast, and the broker's rounding.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ratesSchema } from '../../shared/tariff/rates-schema.js';
import { runPlanSite, type PlanSiteOptions, type PlanSiteOutcome } from '../support/plan-site.js';

const at = (hhmm: string): number => Date.parse(`2026-01-12T${hhmm}:00+01:00`);
const START = at('04:00');
const END = at('07:00');
const FLOOR_KW = 11;
const EUR_PER_KW_YEAR = 50;

function spot(t: number): number {
  if (t >= at('04:00') && t < at('04:30')) return 250;
  if (t >= at('04:30') && t < at('06:30')) return 20;
  if (t >= at('06:30') && t < at('07:00')) return 380;
  return 22;
}

const cheap = (t: number): boolean => t >= at('04:30') && t < at('06:30');
const dear = (t: number): boolean => !cheap(t);

const ICS = [
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//plan//EN',
  'BEGIN:VEVENT', 'UID:work-zoe@test', 'DTSTAMP:20260110T120000Z', 'DTSTART:20260112T063000Z', 'DTEND:20260112T160000Z', 'SUMMARY:Work @car_zoe@ 80%', 'END:VEVENT',
  'BEGIN:VEVENT', 'UID:work-id3@test', 'DTSTAMP:20260110T120000Z', 'DTSTART:20260112T063000Z', 'DTEND:20260112T170000Z', 'SUMMARY:Site visit @car_id3@ 57%', 'END:VEVENT',
  'END:VCALENDAR', '',
].join('\r\n');

const day: Omit<PlanSiteOptions, 'control'> = {
  start: START, end: END, seed: 11,
  fuse: { grid: '3x400', phases: 3, amps: 32 },
  floorKw: FLOOR_KW,
  cars: [
    { id: 'zoe', batteryKwh: 40, maxCurrentA: 16, efficiency: 0.9, socPercent: 60, limitWh: 8_889 },
    { id: 'id3', batteryKwh: 60, maxCurrentA: 10, efficiency: 0.9, socPercent: 50, limitWh: 4_667 },
  ],
  battery: { capacityKwh: 10, socPct: 50, maxKw: 3, reservePct: 10 },
  rates: ratesSchema.parse({
    Electricity: { '+': { Day: 0.3, Night: 0.3 }, '-': { Day: 0.02, Night: 0.02 }, dynamic: { '+': { factor: 0.1, base: 2 }, '-': { factor: 0.01, base: 0 }, unit: 'c/kWh' } },
    Capacity: { eurPerKwYear: EUR_PER_KW_YEAR, minimumKw: 2.5 },
  }),
  spot,
  calendar: ICS,
  debug: Boolean(process.env.PLAN_DEBUG),
};

interface Bill { energyEur: number; peakKw: number; capacityEur: number; totalEur: number }

/** energy from the ledger; capacity: the month peak raised above the 11 kW it had, at 50 EUR/kW/year */
function bill(o: PlanSiteOutcome): Bill {
  const peakKw = Math.max(FLOOR_KW, ...o.quarterAverageKw.values());
  const capacityEur = ((peakKw - FLOOR_KW) * EUR_PER_KW_YEAR) / 12;
  return { energyEur: o.energyEur, peakKw, capacityEur, totalEur: o.energyEur + capacityEur };
}

const sum = (m: Map<number, number>, keep: (t: number) => boolean, sign = 1): number =>
  [...m].reduce((s, [t, kwh]) => s + (keep(t) && sign * kwh > 0 ? kwh : 0), 0);

let planned: PlanSiteOutcome;
let plugAndCharge: PlanSiteOutcome;

beforeAll(async () => {
  // the two days run side by side: each waits on its own sockets, so together they take little more than one
  [planned, plugAndCharge] = await Promise.all([runPlanSite({ ...day, control: 'plan' }), runPlanSite({ ...day, control: 'plug-and-charge' })]);
}, 600_000);

afterAll(() => {
  if (!planned || !plugAndCharge) return;
  const fmt = (b: Bill): string => `${b.totalEur.toFixed(2)} EUR (energy ${b.energyEur.toFixed(2)} EUR from the ledger, month peak ${b.peakKw.toFixed(2)} kW: ${b.capacityEur.toFixed(2)} EUR)`;
  console.log(`two cars and the battery, 12 January 2026 04:00-07:00:\n  planned:         ${fmt(bill(planned))}\n  plug-and-charge: ${fmt(bill(plugAndCharge))}`);
});

describe('two cars and the battery on a dynamic-price day (simulated clock, real simulators)', () => {
  it('meets both trips by 07:00', () => {
    expect(planned.socAtEnd.get('zoe')).toBeGreaterThanOrEqual(79.5);
    expect(planned.socAtEnd.get('id3')).toBeGreaterThanOrEqual(56.5);
    // the plan saw both met all along
    expect(planned.problemsSeen).toBe(0);
  });

  it('says, while a car waits, when the plan charges it (not the register)', () => {
    // 04:00-04:30 the plan gives the cars nothing and charges them from the window's first quarter
    expect(planned.reasons.get('zoe')).toContain('plan: charging from 04:30 (cheapest quarters)');
    expect([...planned.reasons.values()].flatMap((r) => [...r]).filter((text) => text.includes('register 2'))).toEqual([]);
  });

  it('charges the cars in the cheap window (04:30-06:30)', () => {
    // Zoe 8.89 kWh, the ID.3 4.67 kWh: at least 95% of each in the cheap quarters
    expect(sum(planned.carKwh.get('zoe')!, cheap)).toBeGreaterThan(8.45);
    expect(sum(planned.carKwh.get('id3')!, cheap)).toBeGreaterThan(4.43);
    expect(sum(planned.carKwh.get('zoe')!, dear)).toBeLessThan(0.44);
    expect(sum(planned.carKwh.get('id3')!, dear)).toBeLessThan(0.24);
  });

  it('sets no new month peak: every quarter stays within 11 kW', () => {
    expect(Math.max(...planned.quarterAverageKw.values())).toBeLessThanOrEqual(FLOOR_KW + 0.05);
  });

  it('charges the battery cheap and discharges it dear, covering the whole house when dear', () => {
    // the plan expects 0.93 kWh out for the house in the dear quarters and refills 1.03 kWh in the
    // window (see above). Today's house draws 0.56 + 1.15 = 1.71 kWh in the dear quarters: a kWh
    // drawn beyond the plan costs a kWh rebought later at 4.2 c (/ 0.95 / 0.95: 4.65 c), far below
    // the 27-40 c it saves now, so the battery covers all of it
    expect(-sum(planned.batteryKwh, dear, -1)).toBeGreaterThan(1.55);
    expect(sum(planned.batteryKwh, cheap, 1)).toBeGreaterThan(0.95);
    // no charging when dear, no discharging when cheap (a ramp's few Wh aside)
    expect(sum(planned.batteryKwh, dear, 1)).toBeLessThan(0.05);
    expect(-sum(planned.batteryKwh, cheap, -1)).toBeLessThan(0.05);
    // what it covered beyond the forecast after the window, (2.09 + 2.51 - 0.97 - 0.84) / 4 = 0.70
    // kWh (0.73 kWh, 7.3% of the battery, before the discharge's loss), is left to the next
    // cheap hours; the rest it refilled
    expect(planned.batterySocAtEnd).toBeGreaterThanOrEqual(50 - 7.4);
  });

  it('plug-and-charge runs as worked out: both cars done, a 19 kW quarter, the battery idle', () => {
    expect(plugAndCharge.socAtEnd.get('zoe')).toBeGreaterThanOrEqual(79.5);
    expect(plugAndCharge.socAtEnd.get('id3')).toBeGreaterThanOrEqual(56.5);
    expect(bill(plugAndCharge).peakKw).toBeGreaterThan(18.5);
    expect(plugAndCharge.batterySocAtEnd).toBe(50);
  });

  it('costs at least 34.5 EUR less than plug-and-charge, 1.8 EUR of it energy', () => {
    const ours = bill(planned);
    const theirs = bill(plugAndCharge);
    expect(ours.capacityEur).toBeLessThan(0.25);
    expect(theirs.energyEur - ours.energyEur).toBeGreaterThan(1.8);
    expect(theirs.totalEur - ours.totalEur).toBeGreaterThan(34.5);
  });
});
