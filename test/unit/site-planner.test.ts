/**
 * The site planner on cases small enough to solve by hand; each expected value is worked out in
 * the comment beside it. Times: Brussels winter (UTC+1). Energies in kWh per quarter: a peak of
 * P kW allows P / 4 kWh of import in a quarter.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { plan } from '../../main/site/planner/planner.js';
import { buildModel, endValuePrice } from '../../main/site/planner/model.js';
import { loadSolver, type LpSolver } from '../../main/site/planner/solver.js';
import type { PlanCar, PlanInput } from '../../main/site/planner/types.js';

const Q = 15 * 60_000;
/** Monday 12 January 2026, 03:00 Brussels (02:00 UTC) */
const T0 = Date.parse('2026-01-12T02:00:00Z');
/** 50 EUR/kW/year: a month's peak costs 50 / 12 = 4.1667 EUR per kW */
const PEAK_PRICE = 50;
const PER_KW_MONTH = 50 / 12;

let solver: LpSolver;
beforeAll(async () => {
  solver = await loadSolver();
});

function input(n: number, over: Partial<PlanInput> = {}): PlanInput {
  return {
    start: T0,
    baseKwh: Array(n).fill(0),
    importPrice: Array(n).fill(0.2),
    exportPrice: Array(n).fill(0),
    connectionKw: 17,
    peak: { pricePerKwYear: PEAK_PRICE, minimumKw: 2.5, soFarKw: 8 },
    cars: [],
    ...over,
  };
}

/** a car with a lossless charger, plugged in all horizon, leaving at the end of quarter `leavesAfter` */
function car(id: string, n: number, socPercent: number, wantedPercent: number, over: Partial<PlanCar> = {}, start = T0): PlanCar {
  return {
    id, capacityKwh: 40, socPercent, maxKw: 11, chargeEfficiency: 1,
    plugged: [{ from: start - Q, to: start + n * Q }],
    trips: [{ departure: start + n * Q, socPercent: wantedPercent }],
    ...over,
  };
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const carKwh = (p: ReturnType<typeof plan>, id: string): number[] => p.quarters.map((q) => q.carKwh.get(id) ?? NaN);

describe('site planner', () => {
  it('a two-price day puts all charging in the cheap quarters', () => {
    // 8 quarters: 0.30 EUR/kWh for the first 4, 0.10 for the last 4. The car needs 50% -> 60% of
    // 40 kWh = 4 kWh. The month peak so far (8 kW) allows 2 kWh per quarter, so the 4 cheap
    // quarters hold up to 8 kWh: all 4 kWh go there, for 4 x 0.10 = 0.40 EUR, no new peak.
    const p = plan(solver, input(8, {
      importPrice: [0.3, 0.3, 0.3, 0.3, 0.1, 0.1, 0.1, 0.1],
      cars: [car('car_1', 8, 50, 60)],
    }));
    const e = carKwh(p, 'car_1');
    expect(sum(e.slice(0, 4))).toBeCloseTo(0, 6);
    expect(sum(e.slice(4))).toBeCloseTo(4, 6);
    expect(p.cost.energyEur).toBeCloseTo(0.4, 4);
    expect(p.cost.peakEur).toBeCloseTo(0, 6);
    expect(p.trips[0]).toMatchObject({ carId: 'car_1', reachedPercent: 60, shortKwh: 0 });
    expect(p.warnings).toEqual([]);
  });

  it('a trip that needs more than the cheap window holds takes the next cheapest quarters, not a new peak', () => {
    // prices 0.30 x2, 0.20 x2, 0.10 x4. The car needs 50% -> 75% of 40 = 10 kWh. The cheap
    // window holds 4 x 2 = 8 kWh (8 kW peak); the other 2 kWh go to the 0.20 quarters. Raising
    // the peak by 1 kW would move 4 x 0.25 = 1 kWh from 0.20 to 0.10 (saves 0.10 EUR) but costs
    // 4.17 EUR: not done. Cost 8 x 0.10 + 2 x 0.20 = 1.20 EUR.
    const p = plan(solver, input(8, {
      importPrice: [0.3, 0.3, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1],
      cars: [car('car_1', 8, 50, 75)],
    }));
    const e = carKwh(p, 'car_1');
    expect(sum(e.slice(0, 2))).toBeCloseTo(0, 6);
    expect(sum(e.slice(2, 4))).toBeCloseTo(2, 6);
    for (const kwh of e.slice(4)) expect(kwh).toBeCloseTo(2, 6);
    expect(p.cost.energyEur).toBeCloseTo(1.2, 4);
    expect(p.monthPeakKw.get(Date.parse('2025-12-31T23:00:00Z'))).toBeCloseTo(8, 4);
  });

  describe('the month peak is raised only when a trip needs it, by the least amount', () => {
    // 16 quarters (03:00-07:00) at 0.20, the house takes 0.5 kWh a quarter (2 kW), the month's
    // peak so far is 4 kW = 1 kWh a quarter: 0.5 kWh a quarter is left for the car, 8 kWh in all.
    const base = (wanted: number): PlanInput => input(16, {
      baseKwh: Array(16).fill(0.5),
      peak: { pricePerKwYear: PEAK_PRICE, minimumKw: 2.5, soFarKw: 4 },
      cars: [car('car_1', 16, 50, wanted)],
    });

    it('keeps the peak when the trip fits under it', () => {
      // 50% -> 70% of 40 = 8 kWh: exactly what fits; peak stays 4 kW, no peak cost.
      // Energy: (16 x 0.5 + 8) x 0.20 = 3.20 EUR.
      const p = plan(solver, base(70));
      expect(p.monthPeakKw.get(Date.parse('2025-12-31T23:00:00Z'))).toBeCloseTo(4, 4);
      expect(p.cost.peakEur).toBeCloseTo(0, 4);
      expect(p.cost.energyEur).toBeCloseTo(3.2, 4);
      expect(p.trips[0].shortKwh).toBe(0);
    });

    it('raises it by the least amount, with its euros, when the trip needs it', () => {
      // 50% -> 80% = 12 kWh: 4 kWh more than fits, 0.25 kWh more per quarter = +1 kW: a 5 kW
      // peak, costing 1 x 4.1667 EUR. Energy: (8 + 12) x 0.20 = 4.00 EUR.
      const p = plan(solver, base(80));
      expect(p.monthPeakKw.get(Date.parse('2025-12-31T23:00:00Z'))).toBeCloseTo(5, 4);
      expect(p.cost.peakEur).toBeCloseTo(PER_KW_MONTH, 3);
      expect(p.cost.energyEur).toBeCloseTo(4, 4);
      expect(p.trips[0]).toMatchObject({ reachedPercent: 80, shortKwh: 0 });
      for (const q of p.quarters) expect(q.targetPeakKw).toBeCloseTo(5, 4);
    });
  });

  it('never raises the month peak only to buy cheaper energy', () => {
    // A day of 96 quarters: 0.50 EUR/kWh for the first 48, 0.10 for the last 48; the house 0;
    // the 2.5 kW floor allows 0.625 kWh a quarter. The car needs 5% -> 95% of 40 kWh = 36 kWh.
    // The cheap half holds 48 x 0.625 = 30 kWh; the other 6 kWh either at 0.50 (3.00 EUR) or,
    // raising the peak by 0.5 kW (6 kWh / 48 quarters = 0.125 kWh a quarter), at 0.10 (0.60
    // EUR) plus 0.5 x 4.1667 = 2.08 EUR of peak: 2.68 EUR, cheaper by 0.32 EUR. The trip fits
    // without the raise, so the plan keeps 2.5 kW: 30 x 0.10 + 6 x 0.50 = 6.00 EUR of energy.
    const p = plan(solver, input(96, {
      importPrice: [...Array(48).fill(0.5), ...Array(48).fill(0.1)],
      peak: { pricePerKwYear: PEAK_PRICE, minimumKw: 2.5, soFarKw: 2.5 },
      cars: [car('car_1', 96, 5, 95)],
    }));
    expect(p.monthPeakKw.get(Date.parse('2025-12-31T23:00:00Z'))).toBeCloseTo(2.5, 4);
    expect(p.cost.peakEur).toBeCloseTo(0, 4);
    expect(p.cost.energyEur).toBeCloseTo(6, 3);
    expect(sum(carKwh(p, 'car_1').slice(48))).toBeCloseTo(30, 4);
    expect(p.trips[0]).toMatchObject({ reachedPercent: 95, shortKwh: 0 });
  });

  describe('an hour of slack before a departure when it costs under 0.05 EUR per kWh', () => {
    // 12 quarters, the house 0, the 2.5 kW peak so far allows 0.625 kWh a quarter; the car needs
    // 50% -> 55% of 40 kWh = 2 kWh, which the last 4 quarters (the hour before it leaves) hold.
    const twoPrices = (early: number, late: number) => plan(solver, input(12, {
      importPrice: [...Array(8).fill(early), ...Array(4).fill(late)],
      peak: { pricePerKwYear: PEAK_PRICE, minimumKw: 2.5, soFarKw: 2.5 },
      cars: [car('car_1', 12, 50, 55)],
    }));

    it('charges before the last hour when that costs 0.02 EUR/kWh more', () => {
      // early: 2 x 0.12 = 0.24 EUR; in the last hour: 2 x 0.10 + 2 kWh not ready an hour
      // before x 0.05 = 0.30: the plan finishes by the hour before, with no new peak
      const p = twoPrices(0.12, 0.10);
      const e = carKwh(p, 'car_1');
      expect(sum(e.slice(0, 8))).toBeCloseTo(2, 4);
      expect(sum(e.slice(8))).toBeCloseTo(0, 4);
      expect(p.cost.energyEur).toBeCloseTo(0.24, 4);
      expect(p.cost.peakEur).toBeCloseTo(0, 4);
    });

    it('keeps the cheap last hour when early costs 0.06 EUR/kWh more', () => {
      // early: 2 x 0.16 = 0.32 EUR; in the last hour 0.20 + 0.10 = 0.30: the cheap hour
      const e = carKwh(twoPrices(0.16, 0.10), 'car_1');
      expect(sum(e.slice(8))).toBeCloseTo(2, 4);
    });
  });

  describe('battery arbitrage only when the spread beats the round-trip loss', () => {
    // The house takes 1 kWh a quarter. A 10 kWh battery, empty and to end empty, 1 kWh a
    // quarter each way, 90% in and 90% out (81% round trip). Two quarters at 0.10, then two at
    // p: charging 2 kWh stores 1.8 kWh, which gives back 1.62 kWh. Worth it when
    // 1.62 p > 2 x 0.10, i.e. p > 0.1235 EUR/kWh.
    const withBattery = (p: number): PlanInput => input(4, {
      baseKwh: [1, 1, 1, 1],
      importPrice: [0.1, 0.1, p, p],
      peak: { pricePerKwYear: PEAK_PRICE, minimumKw: 2.5, soFarKw: 10 },
      battery: { capacityKwh: 10, socPercent: 0, maxChargeKw: 4, maxDischargeKw: 4, chargeEfficiency: 0.9, dischargeEfficiency: 0.9 },
    });

    it('stores cheap energy when the dear price is 0.13', () => {
      // cost 4 x 0.10 (house + charge in the cheap quarters) + (2 - 1.62) x 0.13 = 0.4494 EUR,
      // against 0.2 + 0.26 = 0.46 without the battery
      const p = plan(solver, withBattery(0.13));
      expect(sum(p.quarters.map((q) => q.batteryChargeKwh))).toBeCloseTo(2, 5);
      expect(sum(p.quarters.map((q) => q.batteryDischargeKwh))).toBeCloseTo(1.62, 5);
      expect(p.cost.energyEur).toBeCloseTo(0.4494, 4);
    });

    it('leaves the battery alone when the dear price is 0.12', () => {
      // 1.62 x 0.12 = 0.194 < 0.20: the round trip loses money; cost 0.2 + 0.24 = 0.44 EUR
      const p = plan(solver, withBattery(0.12));
      expect(sum(p.quarters.map((q) => q.batteryChargeKwh))).toBeCloseTo(0, 5);
      expect(sum(p.quarters.map((q) => q.batteryDischargeKwh))).toBeCloseTo(0, 5);
      expect(p.cost.energyEur).toBeCloseTo(0.44, 4);
    });

    it('a wear cost of 0.01 EUR/kWh out makes 0.13 not worth it', () => {
      // 1.62 x (0.13 - 0.01) = 0.1944 < 0.20
      const p = withBattery(0.13);
      const q = plan(solver, { ...p, battery: { ...p.battery!, wearEurPerKwh: 0.01 } });
      expect(sum(q.quarters.map((x) => x.batteryDischargeKwh))).toBeCloseTo(0, 5);
    });
  });

  describe('what a kWh drawn from the battery beyond the plan costs the plan later', () => {
    // A battery of 10 kWh at 30% (3 kWh), its reserve 10% (1 kWh), 95% each way, free to end at
    // its reserve: 2 kWh above the reserve deliver 1.9 kWh. Quarters 0-1 at 0.40 EUR/kWh with a
    // house of 0.2 kWh each, quarters 2-7 with a house of 0.5 kWh each (3 kWh: more than the
    // battery holds, and 2 kW is under the 2.5 kW floor). A kWh drawn at the meter now takes
    // 1/0.95 kWh held, which would have delivered 1 kWh in quarters 2-7 instead: it costs the
    // price there.
    const drawn = (later: number): PlanInput => input(8, {
      baseKwh: [0.2, 0.2, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
      importPrice: [0.4, 0.4, later, later, later, later, later, later],
      peak: { pricePerKwYear: PEAK_PRICE, minimumKw: 2.5, soFarKw: 0 },
      battery: { capacityKwh: 10, socPercent: 30, maxChargeKw: 5, maxDischargeKw: 5, chargeEfficiency: 0.95, dischargeEfficiency: 0.95, reservePercent: 10, endSocPercent: 10 },
    });

    it('spent later at the night rate (0.30), a kWh drawn now costs 0.30: below the 0.40 now', () => {
      const p = plan(solver, drawn(0.3));
      expect(p.quarters[0].batteryDrawCostEur).toBeCloseTo(0.3, 4);
      expect(p.quarters[0].importPrice).toBe(0.4);
    });

    it('spent later at 0.50, it costs 0.50: more than the 0.40 now', () => {
      expect(plan(solver, drawn(0.5)).quarters[0].batteryDrawCostEur).toBeCloseTo(0.5, 4);
    });

    it('with more held than the plan can spend, it costs nothing', () => {
      // 8 kWh above the reserve against 3.4 kWh of house: what is left at the end is worth nothing
      expect(plan(solver, { ...drawn(0.3), battery: { ...drawn(0.3).battery!, socPercent: 90 } }).quarters[0].batteryDrawCostEur).toBeCloseTo(0, 6);
    });

    it('is null without a battery', () => {
      expect(plan(solver, { ...drawn(0.3), battery: undefined }).quarters[0].batteryDrawCostEur).toBeNull();
    });
  });

  describe('the battery enters a quarter holding what the house may draw above the month peak', () => {
    // The house takes 0.5 kWh a quarter (2 kW); 0.40 EUR/kWh in quarters 0-3, 0.30 in 4-7; the
    // month peak so far 4 kW (1 kWh a quarter). A lossless 10 kWh battery at 20% (2 kWh), its
    // reserve 10% (1 kWh), 4 kW each way, to end where it began. Without a guard it spends the
    // 1 kWh above its reserve in the dear quarters and buys it back in the cheap ones (room:
    // 0.5 kWh a quarter), so it enters quarter 4 at the reserve: 1 kWh.
    const guarded = (high4: number | null): PlanInput => input(8, {
      baseKwh: Array(8).fill(0.5),
      ...(high4 === null ? {} : { baseHighKwh: [0.5, 0.5, 0.5, 0.5, high4, 0.5, 0.5, 0.5] }),
      importPrice: [0.4, 0.4, 0.4, 0.4, 0.3, 0.3, 0.3, 0.3],
      peak: { pricePerKwYear: PEAK_PRICE, minimumKw: 2.5, soFarKw: 4 },
      battery: { capacityKwh: 10, socPercent: 20, maxChargeKw: 4, maxDischargeKw: 4, chargeEfficiency: 1, dischargeEfficiency: 1, reservePercent: 10 },
    });
    const socBefore4 = (p: ReturnType<typeof plan>): number => p.quarters[3].batterySocKwh;

    it('without a likely high, it enters quarter 4 at its reserve', () => {
      // cost (2 - 1) x 0.40 + (2 + 1) x 0.30 = 1.30 EUR
      const p = plan(solver, guarded(null));
      expect(socBefore4(p)).toBeCloseTo(1, 5);
      expect(p.cost.energyEur).toBeCloseTo(1.3, 4);
    });

    it('a house that may draw 6 kW in quarter 4 (1.5 kWh, 0.5 above the peak): it keeps 0.5 kWh above its reserve', () => {
      // it discharges 0.5 kWh in the dear quarters instead of 1: cost (2 - 0.5) x 0.40 +
      // (2 + 0.5) x 0.30 = 1.35 EUR; the month peak stays 4 kW
      const p = plan(solver, guarded(1.5));
      expect(socBefore4(p)).toBeCloseTo(1.5, 5);
      expect(p.cost.energyEur).toBeCloseTo(1.35, 4);
      expect(p.cost.peakEur).toBeCloseTo(0, 6);
    });

    it('two such quarters in a row: it keeps what both need (1 kWh) and spends nothing in the dear quarters', () => {
      // cost 2 x 0.40 + 2 x 0.30 = 1.40 EUR
      const p = plan(solver, { ...guarded(1.5), baseHighKwh: [0.5, 0.5, 0.5, 0.5, 1.5, 1.5, 0.5, 0.5] });
      expect(socBefore4(p)).toBeCloseTo(2, 5);
      expect(p.cost.energyEur).toBeCloseTo(1.4, 4);
    });

    it('a run of risky quarters is answered by the battery alone: the month peak is not raised for it', () => {
      // the battery at its reserve (10%, 1 kWh) and a house that may draw 6 kW in every quarter:
      // before each quarter the battery should hold the next three quarters' 0.5 kWh above the
      // peak, 1.5 kWh above its reserve. Under the 4 kW peak it can charge 0.5 kWh a quarter:
      // 2.5 kWh at the end of quarter 2, and it holds that into quarter 4. The peak stays 4 kW:
      // every quarter imports at most 1 kWh.
      const p = plan(solver, { ...guarded(1.5), baseHighKwh: Array(8).fill(1.5), battery: { ...guarded(1.5).battery!, socPercent: 10 } });
      expect(p.quarters[2].batterySocKwh).toBeCloseTo(2.5, 5);
      expect(socBefore4(p)).toBeCloseTo(2.5, 5);
      for (const q of p.quarters) expect(q.importKwh).toBeLessThanOrEqual(1 + 1e-6);
      expect(p.cost.peakEur).toBeCloseTo(0, 6);
    });

    it('a likely high below the month peak (3.6 kW) costs nothing', () => {
      const p = plan(solver, guarded(0.9));
      expect(socBefore4(p)).toBeCloseTo(1, 5);
      expect(p.cost.energyEur).toBeCloseTo(1.3, 4);
    });
  });

  it('two cars with overlapping deadlines are both met when the peak allows', () => {
    // 8 quarters at 0.20, the month peak 6 kW = 1.5 kWh a quarter for both cars together.
    // car_a needs 20% -> 30% of 50 = 5 kWh within the first hour (4 quarters: 6 kWh room);
    // car_b needs 20% -> 32% of 50 = 6 kWh within two hours. 11 kWh of 12: both met, car_a
    // taking at least 5 of the first hour's 6 kWh, no peak raised. Each at full power (11 kW)
    // would have set a peak of 22 kW. Cost 11 x 0.20 = 2.20 EUR.
    const p = plan(solver, input(8, {
      peak: { pricePerKwYear: PEAK_PRICE, minimumKw: 2.5, soFarKw: 6 },
      cars: [
        car('car_a', 4, 20, 30, { capacityKwh: 50 }),
        car('car_b', 8, 20, 32, { capacityKwh: 50 }),
      ],
    }));
    expect(p.trips.map((t) => [t.carId, t.reachedPercent, t.shortKwh])).toEqual([['car_a', 30, 0], ['car_b', 32, 0]]);
    expect(sum(carKwh(p, 'car_a').slice(0, 4))).toBeCloseTo(5, 5);
    expect(sum(carKwh(p, 'car_a').slice(4))).toBeCloseTo(0, 5);
    for (const q of p.quarters) expect(q.importKwh).toBeLessThanOrEqual(1.5 + 1e-6);
    expect(p.cost.peakEur).toBeCloseTo(0, 4);
    expect(p.cost.energyEur).toBeCloseTo(2.2, 4);
  });

  it('says hours ahead when a trip cannot be met under the allowed peak, with the least raise that fixes it', () => {
    // As above: 03:00-07:00, house 0.5 kWh a quarter, peak so far 4 kW, and the user allows no
    // more (ceiling 4 kW). The car needs 50% -> 80% of 40 = 12 kWh but 8 kWh fit: it reaches
    // 28 / 40 = 70%. Meeting it needs a 5 kW peak (see above); that costs 4 kWh x 0.20 more
    // energy + 4.1667 EUR of peak = 4.97 EUR more.
    const p = plan(solver, input(16, {
      baseKwh: Array(16).fill(0.5),
      peak: { pricePerKwYear: PEAK_PRICE, minimumKw: 2.5, soFarKw: 4, ceilingKw: 4 },
      cars: [car('car_1', 16, 50, 80)],
    }));
    expect(p.monthPeakKw.get(Date.parse('2025-12-31T23:00:00Z'))).toBeCloseTo(4, 4);
    expect(p.trips[0]).toMatchObject({ reachedPercent: 70, wantedPercent: 80, shortKwh: 4 });
    expect(p.advice?.meetsAll).toBe(true);
    expect(p.advice?.peakKw.get(Date.parse('2025-12-31T23:00:00Z'))).toBe(5);
    expect(p.advice?.extraEur).toBeCloseTo(4.97, 2);
    expect(p.warnings).toEqual(['car_1 will reach 70% by 07:00, not 80%: allow a peak of 5.0 kW (about 4.97 EUR more), or plug in sooner or leave later']);
  });

  it('says so when no peak helps (the charger is too slow)', () => {
    // 4 quarters at 3.7 kW = 3.7 kWh at most: 50% -> 70% of 40 (8 kWh) reaches 20 + 3.7 = 23.7
    // kWh = 59.25%, shown as 59%
    const p = plan(solver, input(4, {
      peak: { pricePerKwYear: PEAK_PRICE, minimumKw: 2.5, soFarKw: 4, ceilingKw: 4 },
      cars: [car('car_1', 4, 50, 70, { maxKw: 3.7 })],
    }));
    expect(p.trips[0].reachedPercent).toBeCloseTo(59.3, 1);
    expect(p.advice?.meetsAll).toBe(false);
    expect(p.warnings[0]).toBe('car_1 will reach 59% by 04:00, not 70%: no peak the connection allows is enough; plug in sooner, charge faster or leave later');
  });

  it('gives each month the horizon touches its own peak', () => {
    // 31 January 2026 23:00 Brussels to 1 February 01:00: 4 quarters in January (peak so far
    // 6 kW: 1.5 kWh a quarter, at 0.20), 4 in February (a new month: 2.5 kW floor, 0.625 kWh a
    // quarter, at 0.10). The car needs 6 kWh: February's 4 x 0.625 = 2.5 kWh at 0.10, the other
    // 3.5 kWh in January. Raising February's peak 1 kW would move 1 kWh to 0.10 (saves 0.10
    // EUR) for 4.17 EUR: not done. Cost 3.5 x 0.2 + 2.5 x 0.1 = 0.95 EUR.
    const start = Date.parse('2026-01-31T22:00:00Z');
    const p = plan(solver, input(8, {
      start,
      importPrice: [0.2, 0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1],
      peak: { pricePerKwYear: PEAK_PRICE, minimumKw: 2.5, soFarKw: 6 },
      cars: [car('car_1', 8, 50, 65, {}, start)],
    }));
    const e = carKwh(p, 'car_1');
    expect(sum(e.slice(0, 4))).toBeCloseTo(3.5, 5);
    for (const kwh of e.slice(4)) expect(kwh).toBeCloseTo(0.625, 5);
    expect(p.monthPeakKw.get(Date.parse('2025-12-31T23:00:00Z'))).toBeCloseTo(6, 4);
    expect(p.monthPeakKw.get(Date.parse('2026-01-31T23:00:00Z'))).toBeCloseTo(2.5, 4);
    expect(p.quarters[0].targetPeakKw).toBeCloseTo(6, 4);
    expect(p.quarters[7].targetPeakKw).toBeCloseTo(2.5, 4);
    expect(p.cost.energyEur).toBeCloseTo(0.95, 4);
  });

  it('does not pass energy through the meter for profit when the import price is below the export price', () => {
    // import -0.05, export 0.00: without the guard the model would import and export all it
    // can. The house takes 0.2 kWh a quarter: import 0.2, export 0, cost 4 x 0.2 x -0.05 = -0.04.
    const p = plan(solver, input(4, { baseKwh: [0.2, 0.2, 0.2, 0.2], importPrice: [-0.05, -0.05, -0.05, -0.05] }));
    for (const q of p.quarters) {
      expect(q.importKwh).toBeCloseTo(0.2, 5);
      expect(q.exportKwh).toBeCloseTo(0, 5);
    }
    expect(p.cost.energyEur).toBeCloseTo(-0.04, 4);
  });

  it('stores a surplus in a car with room though no trip in view needs it, and buys nothing only to hold it', () => {
    // 8 quarters, import 0.30, export 0.05. Quarters 2-3 have a 1 kWh surplus each (base -1).
    // The car (40 kWh, at 50%, lossless) is home all horizon and leaves after it wanting only
    // 50%: nothing in view needs energy. A kWh left in the car is worth 0.9 x 0.30 = 0.27 EUR
    // (the cheapest import in view, a tenth off): more than the 0.05 the surplus sells for, so
    // both kWh go into the car (energy cost 0, nothing exported); less than the 0.30 a bought
    // kWh costs, so nothing is bought for it (the car takes nothing in the other quarters).
    const p = plan(solver, input(8, {
      baseKwh: [0, 0, -1, -1, 0, 0, 0, 0],
      importPrice: Array(8).fill(0.3),
      exportPrice: Array(8).fill(0.05),
      cars: [car('car_1', 8, 50, 50)],
    }));
    const e = carKwh(p, 'car_1');
    expect(e[2]).toBeCloseTo(1, 6);
    expect(e[3]).toBeCloseTo(1, 6);
    expect(sum(e)).toBeCloseTo(2, 6);
    expect(sum(p.quarters.map((q) => q.exportKwh))).toBeCloseTo(0, 6);
    expect(p.cost.energyEur).toBeCloseTo(0, 6);
    // a lossy charger (efficiency 0.8): a kWh in the car is worth 0.27 / 0.8 and 0.8 of each kWh
    // at the connection reaches it, still 0.27 against the 0.05 it sells for, so the surplus goes
    // in; a surplus that sells for 0.28 (above 0.27) goes out instead
    const lossy = plan(solver, input(8, {
      baseKwh: [0, 0, -1, -1, 0, 0, 0, 0], importPrice: Array(8).fill(0.3), exportPrice: Array(8).fill(0.05),
      cars: [car('car_1', 8, 50, 50, { chargeEfficiency: 0.8 })],
    }));
    expect(sum(carKwh(lossy, 'car_1'))).toBeCloseTo(2, 6);
    const dear = plan(solver, input(8, {
      baseKwh: [0, 0, -1, -1, 0, 0, 0, 0], importPrice: Array(8).fill(0.3), exportPrice: Array(8).fill(0.28),
      cars: [car('car_1', 8, 50, 50)],
    }));
    expect(sum(carKwh(dear, 'car_1'))).toBeCloseTo(0, 6);
    expect(sum(dear.quarters.map((q) => q.exportKwh))).toBeCloseTo(2, 6);
  });

  it('values a car\'s energy at the horizon\'s end at the price a quarter of the quarters are at or below', () => {
    // 8 quarters, import 0.10 in quarter 0 and 0.30 in the rest: sorted, the price at index
    // floor(0.25 x 8) = 2 is 0.30, so a kWh left in the (lossless, 8 kW) car is worth
    // 0.9 x 0.30 = 0.27: the plan buys the 2 kWh quarter 0 can give at 0.10 to hold them, and
    // nothing at 0.30. Valued at the cheapest price (quantile 0) a kWh is worth 0.9 x 0.10 = 0.09,
    // less than 0.10: nothing is bought.
    const cheapFirst = { baseKwh: Array(8).fill(0), importPrice: [0.1, ...Array(7).fill(0.3)], exportPrice: Array(8).fill(0.05), cars: [car('car_1', 8, 50, 50)] };
    const e = carKwh(plan(solver, input(8, cheapFirst)), 'car_1');
    expect(e[0]).toBeCloseTo(2, 6);
    expect(sum(e)).toBeCloseTo(2, 6);
    expect(endValuePrice(cheapFirst.importPrice, 0.25)).toBe(0.3);
    expect(endValuePrice(cheapFirst.importPrice, 0)).toBe(0.1);
    const model = buildModel(input(8, cheapFirst), { shortfallEurPerKwh: 10_000, peakWeight: 100, carEndValueShare: 0.9, carEndValueQuantile: 0 });
    const result = solver.solve(model.lp);
    expect(result.status).toBe('optimal');
    expect(model.carCols[0]!.reduce((t, col) => t + result.values[col]!, 0)).toBeCloseTo(0, 6);
  });

  it('leaves time for the taper near full: from 90% a car needs six quarters to be full, not one', () => {
    // 40 kWh, lossless, 8 kW, tapering above 90%: at 90% full power (8 kW) fills the 4 kWh of
    // room at 8 / 4 = 2 per hour of it, so a quarter leaves exp(-0.5) = 0.606531 of the room: at
    // most 1 - 0.606531 = 0.393469 of it goes in. From 36 kWh: 37.5739, 38.5285, 39.1075, 39.4587,
    // 39.6717, 39.8009 kWh after 1..6 quarters. A trip wanting 100% counts as met at 99.5% (39.8
    // kWh): six quarters reach it; five leave the car at 99.18%.
    const taper = { taperAbovePercent: 90, maxKw: 8 };
    const six = plan(solver, input(6, { cars: [car('car_1', 6, 90, 100, taper)] }));
    expect(six.trips[0]!.shortKwh).toBe(0);
    expect(carKwh(six, 'car_1')[0]).toBeCloseTo(1.573877, 5);
    expect(carKwh(six, 'car_1')[1]).toBeCloseTo(38.528482 - 37.573877, 5);
    const five = plan(solver, input(5, { cars: [car('car_1', 5, 90, 100, taper)] }));
    expect(five.trips[0]!.reachedPercent).toBeCloseTo(99.18, 1); // given to a tenth
    expect(five.warnings[0]).toMatch(/^car_1 will reach 99% by .*, not 100%/);
    // without the taper one quarter at 8 kW (2 kWh) of the two would do
    const plain = plan(solver, input(2, { cars: [car('car_1', 2, 90, 100, { maxKw: 8 })] }));
    expect(plain.trips[0]!.shortKwh).toBe(0);
    expect(sum(carKwh(plain, 'car_1'))).toBeCloseTo(4, 6);
    // a taper start outside 0..100 is refused by name
    expect(() => plan(solver, input(2, { cars: [car('car_1', 2, 90, 100, { taperAbovePercent: 100 })] }))).toThrow('planner: cars[0] ("car_1").taperAbovePercent is 100, not between 0 and 100');
  });

  it('names what is wrong in bad input', () => {
    expect(() => plan(solver, input(4, { importPrice: [0.1, 0.1] }))).toThrow('planner: importPrice has 2 quarters, baseKwh has 4');
    expect(() => plan(solver, input(4, { baseKwh: [0, NaN, 0, 0] }))).toThrow('planner: baseKwh[1] is NaN, not a finite number');
    expect(() => plan(solver, input(4, { cars: [car('x', 4, 50, 150)] }))).toThrow('planner: cars[0] ("x").trips[0].socPercent is 150, above 100');
    expect(() => plan(solver, input(4, { cars: [car('__proto__', 4, 50, 60), car('__proto__', 4, 50, 60)] }))).toThrow('appears twice');
  });
});
