/**
 * Simulated days with the battery role: the real controller and SunSpec driver against the
 * simulator on a real Modbus TCP socket, a telegram every 10 to 30 simulated seconds (to keep a
 * loaded machine's run short; the control acts on each), and an in-test broker
 * (test/support/battery-day.ts). Expected values are worked out by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import { runDay } from '../support/battery-day.js';

const LEG = Math.sqrt(0.9); // the simulator loses half of its 10 % round trip on each way: 0.948683
const at = (iso: string) => Date.parse(iso);

describe('battery on simulated days', { timeout: 180_000 }, () => {
  it('stores the solar surplus instead of exporting it', async () => {
    // 10:00-16:00 Brussels: panels give 3.4 kW, the house uses 0.4 kW: 3 kW surplus for 6 h = 18 kWh.
    const day = { start: at('2026-06-10T08:00:00Z'), hours: 6, stepS: 20, house: () => 0.4 - 3.4, monthPeakKw: 4 };
    const without = await runDay({ ...day, battery: null });
    expect(without.exportKwh).toBeCloseTo(18, 6);
    // The battery (10 kWh, 20 % at 10:00) fills to 100 %: 8 kWh into the cells = 8 / 0.948683 = 8.433 kWh
    // taken from the surplus (3 kW for 2.8 h, well inside the day), so 18 - 8.433 = 9.567 kWh still leaves.
    const withBattery = await runDay({ ...day, battery: { socPct: 20 } });
    expect(withBattery.exportKwh).toBeCloseTo(18 - 8 / LEG, 1);
    expect(withBattery.state?.today.storedFromSolarKwh).toBeCloseTo(8 / LEG, 1);
    expect(withBattery.sim?.battery.socPct).toBeGreaterThan(99.9);
  });

  it('shaves a peak that would otherwise set a new month peak', async () => {
    // Night register, month peak 4 kW (T = 4). 22:30-23:00 Brussels: the house draws 0.5 kW, then
    // from 22:45 a 7 kW sauna joins (7.5 kW). The battery (60 %, night charging toward 90 % at 3 kW)
    // charges within the budget first, then discharges while the quarter's gap is negative.
    const sauna = at('2026-01-20T21:45:00Z');
    const day = {
      start: at('2026-01-20T21:30:00Z'), hours: 0.5, monthPeakKw: 4, tariff: () => 2 as const,
      house: (t: number) => (t >= sauna ? 7.5 : 0.5),
    };
    const without = await runDay({ ...day, battery: null });
    // without: the second quarter's average is 7.5 kW, a new month peak
    expect(without.quarters).toEqual([0.5, 7.5].map((q) => expect.closeTo(q, 6)));
    expect(without.monthPeakKw).toBeCloseTo(7.5, 6);
    const withBattery = await runDay({ ...day, battery: { socPct: 60 }, strategy: { nightChargeToPct: 90, gridChargeKw: 3 } });
    // first quarter: 0.5 + 3 kW charging = 3.5 kW, inside T = 4, less the first 20-30 s that go to
    // the first reading and the first grant (3 kW x 30 s / 900 s = 0.1 kW). Second: the battery gives about
    // 3.5 kW (its first 10 s at +3 kW cost 7.5 x 10 s too much import, made good later in the quarter)
    expect(withBattery.quarters[0]).toBeGreaterThan(3.39);
    expect(withBattery.quarters[0]).toBeLessThanOrEqual(3.5);
    expect(withBattery.quarters[1]).toBeLessThanOrEqual(4.0 + 0.02);
    expect(withBattery.monthPeakKw).toBeLessThanOrEqual(4.02);
  });

  it('meets a car\'s deadline without raising the month peak, thanks to the battery', async () => {
    // 00:00-04:00 Brussels, month peak 5 kW (T = 5), house 1 kW. The car needs 22 kWh by 04:00 =
    // 5.5 kW for 4 h; the budget leaves it 5 - 1 = 4 kW, so without the battery every quarter is
    // 6.5 kW and the month peak goes to 6.5. The battery (10 kWh at 90 %, reserve 10 %: 8 kWh x
    // 0.948683 = 7.59 kWh deliverable) covers the 1.5 kW missing: 6 kWh over 4 h. On the night
    // register with night charging set up it does not spend itself covering the rest of the import.
    const start = at('2026-01-20T23:00:00Z');
    let carKwh = 0;
    const car = (t: number) => (t < start + 4 * 3_600_000 ? 5.5 : 0);
    const day = {
      start, hours: 4, stepS: 20, monthPeakKw: 5, tariff: () => 2 as const,
      house: (t: number) => 1 + car(t),
    };
    const without = await runDay({ ...day, battery: null });
    expect(without.monthPeakKw).toBeCloseTo(6.5, 6);
    const withBattery = await runDay({
      ...day, battery: { socPct: 90 }, strategy: { nightChargeToPct: 90, reservePct: 10 },
      each: (ctx) => { carKwh += car(ctx.t) * 20 / 3600; },
    });
    expect(carKwh).toBeCloseTo(22, 6);
    expect(withBattery.monthPeakKw).toBeLessThanOrEqual(5.02);
    // 6 kWh out of the cells' view: 6 / 0.948683 = 6.32 kWh = 63.2 % of 10 kWh: 90 -> about 26.8 %
    expect(withBattery.sim?.battery.socPct).toBeCloseTo(90 - 63.2, 0);
  });

  it('charges on the night register and covers the day\'s import: the saving worked out by hand', async () => {
    // Prices: night 0.25, day 0.35 EUR/kWh imported, 0.03 exported. Brussels 00:00-13:00 on one day.
    // Night (00:00-07:00, register 2): house 0.5 kW, the battery charges at 2 kW from 10 % to 90 %:
    //   8 kWh in the cells = 8 / 0.948683 = 8.4327 kWh from the grid (4.2 h at 2 kW), cost 2.1082 EUR.
    // Day (07:00-13:00, register 1): house 1.5 kW, the battery covers it from 90 % to its 10 % reserve:
    //   8 kWh x 0.948683 = 7.5895 kWh not bought at 0.35 = 2.6563 EUR (5.06 h at 1.5 kW).
    // Saved against the same day with the battery idle: 2.6563 - 2.1082 = 0.5481 EUR.
    const start = at('2026-01-20T23:00:00Z');
    const dayStart = at('2026-01-21T06:00:00Z');
    const tariff = (t: number) => (t < dayStart ? 2 as const : 1 as const);
    const result = await runDay({
      start, hours: 13, stepS: 30, monthPeakKw: 4, tariff,
      house: (t) => (t < dayStart ? 0.5 : 1.5),
      battery: { socPct: 10 }, strategy: { nightChargeToPct: 90, gridChargeKw: 2, reservePct: 10 },
      prices: (_t, register) => ({ importEur: register === 2 ? 0.25 : 0.35, exportEur: 0.03 }),
    });
    expect(result.state?.today.day).toBe('2026-01-21');
    expect(result.state?.today.chargedKwh).toBeCloseTo(8 / LEG, 1);
    expect(result.state?.today.dischargedKwh).toBeCloseTo(8 * LEG, 1);
    expect(result.state?.today.savedEur).toBeCloseTo(0.5481, 1);
    expect(Math.abs(result.state!.today.savedEur! - 0.5481)).toBeLessThan(0.02);
  });
});
