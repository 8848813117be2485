import { describe, expect, it } from 'vitest';
import { siteDemandSchema, type SiteDemandInput } from '../../shared/site/contract.js';
import { Broker, type QuarterNow } from '../../main/site/broker.js';
import type { BookEntry } from '../../main/site/demand-book.js';
import type { Fuse, PhaseNow } from '../../main/site/fuse.js';

const FUSE_3X400: Fuse = { grid: '3x400', phases: 3, amps: 25 };
const Q0 = 1_700_000_100_000; // a quarter start (any epoch ms; only differences matter)

/** Phase currents well inside any fuse, so only the budget decides. */
const QUIET: PhaseNow[] = [1, 2, 3].map((phase) => ({ phase: phase as 1 | 2 | 3, currentA: 1, importKw: 0.2, exportKw: 0 }));

function entry(input: SiteDemandInput, since = 0): BookEntry {
  return { demand: siteDemandSchema.parse(input), door: 'local', since, updated: since };
}

function ev(device: string, over: Partial<SiteDemandInput> = {}): SiteDemandInput {
  return {
    device, kind: 'ev', conductors: [1, 2, 3], measuredKw: 0, band: { minKw: 0, maxKw: 11 }, minRunKw: 0,
    class: 'plan', priority: 50, ...over,
  };
}

function grantOf(result: ReturnType<Broker['tick']>, device: string) {
  const g = result.grants.find((x) => x.device === device);
  if (!g) throw new Error(`no grant for ${device}`);
  return g;
}

describe('broker: the quarter budget', () => {
  it('shares the headroom between two loads at a known moment of a quarter (E, t, T given)', () => {
    // E = 0.5 kWh, t = 300 s, T = 4.4 kW:
    //   A = (4.4/4 - 0.5) x 3600 / (900 - 300) = 0.6 x 6 = 3.6 kW
    // house 1.0 kW, the car already draws 1.5 kW: P = 2.5, B = P - 1.5 = 1.0, B^ = B (first sample)
    //   Q = A - B^ = 2.6 kW
    // class plan in order of priority: car (plan 0.5 kWh this quarter = 2.0 kW) gets 2.0;
    // the boiler (0.25 kWh = 1.0 kW) gets what is left, 0.6 kW (above its 0.5 kW minimum).
    const broker = new Broker({ fuse: FUSE_3X400 });
    const quarter: QuarterNow = { start: Q0, elapsedS: 300, energyKwh: 0.5, targetKw: 4.4 };
    const result = broker.tick({
      monoMs: 0, time: Q0 + 300_000, netKw: 2.5, phases: QUIET, quarter,
      demands: [
        entry(ev('car', { measuredKw: 1.5, plannedKwh: 0.5, priority: 80 })),
        entry({ ...ev('boiler', { plannedKwh: 0.25, priority: 50, minRunKw: 0.5, band: { minKw: 0, maxKw: 3 } }), kind: 'boiler' }),
      ],
    });
    expect(result.state.baseKw).toBeCloseTo(1.0, 6);
    expect(result.state.headroomKw).toBeCloseTo(2.6, 6);
    expect(grantOf(result, 'car').kw).toBeCloseTo(2.0, 3);
    expect(grantOf(result, 'boiler').kw).toBeCloseTo(0.6, 3);
    expect(grantOf(result, 'boiler').validForMs).toBe(2500);
    expect(grantOf(result, 'car').reason.code).toBe('plan');
  });

  it('grants 0, not a useless trickle, below a device\'s smallest running power', () => {
    // same moment, but the boiler runs only from 0.8 kW: 0.6 kW left -> 0 with the budget as reason
    const broker = new Broker({ fuse: FUSE_3X400 });
    const result = broker.tick({
      monoMs: 0, time: Q0 + 300_000, netKw: 2.5, phases: QUIET,
      quarter: { start: Q0, elapsedS: 300, energyKwh: 0.5, targetKw: 4.4 },
      demands: [
        entry(ev('car', { measuredKw: 1.5, plannedKwh: 0.5, priority: 80 })),
        entry({ ...ev('boiler', { plannedKwh: 0.25, minRunKw: 0.8, band: { minKw: 0, maxKw: 3 } }), kind: 'boiler' }),
      ],
    });
    expect(grantOf(result, 'boiler').kw).toBe(0);
    expect(grantOf(result, 'boiler').reason.code).toBe('no-budget');
    expect(grantOf(result, 'boiler').reason.text).toMatch(/quarter budget: house 1\.0 kW, target 4\.4 kW/);
  });
});

/**
 * One quarter second by second: the house load given per second, a car that draws what it was
 * granted one telegram later (a car lags its command), E integrated from the real draw.
 */
function simulateQuarter(houseKw: (s: number) => number, targetKw: number) {
  const broker = new Broker({ fuse: FUSE_3X400 });
  let energy = 0;
  let carDraws = 0;
  const grants: number[] = [];
  for (let s = 0; s < 900; s++) {
    const netKw = houseKw(s) + carDraws;
    const result = broker.tick({
      monoMs: s * 1000, time: Q0 + s * 1000, netKw, phases: QUIET,
      quarter: { start: Q0, elapsedS: s, energyKwh: energy, targetKw },
      demands: [entry(ev('car', { measuredKw: carDraws, plannedKwh: 2.75, minRunKw: 1.4 }))],
    });
    const granted = grantOf(result, 'car').kw;
    grants.push(granted);
    // during the next second the house draws houseKw(s) and the car what it drew before the grant
    energy += (houseKw(s) + carDraws) / 3600;
    carDraws = granted;
  }
  return { grants, quarterKw: energy * 4 };
}

describe('broker: stability (a kettle is not an oven)', () => {
  it('a 10-s 2 kW spike early in the quarter leaves the charger\'s grant unchanged', () => {
    // T = 5 kW, house 1 kW, t = 0, E = 0: A = 5, Q = 4 -> the car gets 4.0 kW (plan: 2.75 kWh = 11 kW wanted).
    // kettle +2 kW for s = 60..69: B = 3 for 10 telegrams, the 30-s median stays 1, so B^ = 1.
    // The kettle's 2 kW x 10 s = 5.6 Wh lower A by 0.0056 x 3600 / 830 = 0.024 kW: inside the
    // 0.1 kW deadband, so the grant holds at 4.0 (checked up to s = 300).
    const { grants, quarterKw } = simulateQuarter((s) => (s >= 60 && s < 70 ? 3 : 1), 5);
    expect(grants[0]).toBeCloseTo(4.0, 3);
    for (let s = 0; s <= 300; s++) expect(grants[s], `grant at s=${s}`).toBeCloseTo(4.0, 3);
    // the quarter still ends at or below T (the deadband is closed in the last minute)
    expect(quarterKw).toBeLessThanOrEqual(5 + 0.005);
  });

  it('a sustained 3 kW load cuts the charger within 30 s, and the quarter still ends at or below T', () => {
    // the oven from s = 200 on: B = 4. The 30-s median reaches it after 15-16 telegrams (s = 214/215):
    // B^ = 4, Q = A - 4 ~ 1.0 -> the car is cut from 4.0 to about 1 kW well within 30 s.
    const { grants, quarterKw } = simulateQuarter((s) => (s >= 200 ? 4 : 1), 5);
    expect(grants[199]).toBeCloseTo(4.0, 3);
    // not cut by a single second of it
    expect(grants[201]).toBeCloseTo(4.0, 3);
    const cutAt = grants.findIndex((g, s) => s >= 200 && g < 3.0);
    expect(cutAt).toBeGreaterThan(200);
    expect(cutAt).toBeLessThanOrEqual(230);
    // after the cut Q = A - 4 with A a little under 5 (the oven's first 14 s used 3 x 14 / 3600 =
    // 11.7 Wh more: A ~ 4.94): about 0.94 kW, below the car's 1.4 kW minimum, so the car stops
    expect(grants[235]).toBe(0);
    // the house (4 kW) stays under A, so the budget grows back and the car restarts at its minimum
    expect(grants.slice(400, 600).some((g) => g >= 1.4)).toBe(true);
    expect(quarterKw).toBeLessThanOrEqual(5 + 0.005);
    expect(quarterKw).toBeGreaterThan(4.8); // and the budget was used, not wasted
  });
});

describe('broker: the main fuse per conductor', () => {
  const budget = { start: Q0, elapsedS: 0, energyKwh: 0, targetKw: 40 }; // ample: only the fuse binds
  const phases = (a1: number | null, a2: number | null, a3: number | null): PhaseNow[] =>
    [a1, a2, a3].map((currentA, i) => ({ phase: (i + 1) as 1 | 2 | 3, currentA, importKw: 1, exportKw: 0 }));

  it('3 x 400 V: a three-phase charger gets the headroom of its most loaded phase', () => {
    // fuse 3 x 25 A; L1 20 A, L2 5 A, L3 5 A, the car draws nothing yet.
    // a 3-phase load draws 1000 / (3 x 230) = 1.449 A per kW on each phase; L1 has 25 - 20 = 5 A
    // left -> 5 A x 0.69 kW/A = 3.45 kW.
    const broker = new Broker({ fuse: FUSE_3X400 });
    const r = broker.tick({ monoMs: 0, time: Q0, netKw: 6, phases: phases(20, 5, 5), quarter: budget, demands: [entry(ev('car', { plannedKwh: 2.75 }))] });
    expect(grantOf(r, 'car').kw).toBeCloseTo(3.45, 2);
    expect(grantOf(r, 'car').reason).toEqual({ code: 'fuse', text: 'main fuse: L1 at 20.0 of 25 A' });
  });

  it('3 x 400 V: the charger\'s own current is not counted twice, and an overloaded phase cuts it at once', () => {
    // the car draws 11 kW (15.94 A per phase); L1 reads 30 A, over the fuse:
    // the house on L1 = 30 - 15.94 = 14.06 A -> room 10.94 A x 0.69 = 7.55 kW, commanded in this
    // very telegram although the car held 11 kW a second ago (no deadband, no hold for the fuse).
    const broker = new Broker({ fuse: FUSE_3X400 });
    const first = broker.tick({ monoMs: 0, time: Q0, netKw: 12, phases: phases(17, 17, 17), quarter: budget, demands: [entry(ev('car', { measuredKw: 11, plannedKwh: 2.75 }))] });
    expect(grantOf(first, 'car').kw).toBeCloseTo(11, 3);
    const r = broker.tick({ monoMs: 1000, time: Q0 + 1000, netKw: 20, phases: phases(30, 17, 17), quarter: budget, demands: [entry(ev('car', { measuredKw: 11, plannedKwh: 2.75 }))] });
    expect(grantOf(r, 'car').kw).toBeCloseTo(7.55, 2);
    expect(grantOf(r, 'car').reason.code).toBe('fuse');
  });

  it('3 x 230 V: a single-phase charger sits between two conductors and is held by the busier one', () => {
    // fuse 3 x 25 A on 3 x 230 V (no neutral); the car is on L1-L2: 1000 / 230 = 4.348 A per kW on both.
    // L1 10 A, L2 18 A: room min(15, 7) = 7 A -> 7 x 0.23 = 1.61 kW.
    const broker = new Broker({ fuse: { grid: '3x230', phases: 3, amps: 25 } });
    const r = broker.tick({
      monoMs: 0, time: Q0, netKw: 4, phases: phases(10, 18, 10), quarter: budget,
      demands: [entry(ev('car', { conductors: [1, 2], band: { minKw: 0, maxKw: 7.4 }, plannedKwh: 2 }))],
    });
    expect(grantOf(r, 'car').kw).toBeCloseTo(1.61, 2);
    expect(grantOf(r, 'car').reason.text).toBe('main fuse: L2 at 18.0 of 25 A');
  });

  describe('3 x 230 V: L2 has no power of its own (a two-element meter)', () => {
    // as such a meter sends it: L1 and L3 with their power, L2 with its current, 0 V and 0 kW
    const aron = (l1: [number, number], l2A: number, l3: [number, number]): PhaseNow[] => [
      { phase: 1, currentA: l1[0], importKw: Math.max(0, l1[1]), exportKw: Math.max(0, -l1[1]) },
      { phase: 2, currentA: l2A, importKw: 0, exportKw: 0 },
      { phase: 3, currentA: l3[0], importKw: Math.max(0, l3[1]), exportKw: Math.max(0, -l3[1]) },
    ];
    const car = () => entry(ev('car', { band: { minKw: 0, maxKw: 11 }, plannedKwh: 2.75 }));

    it('exporting on both measured elements: L2\'s current flows out too, and a charger may use it', () => {
      // PV exports 20 A on every line (L1 -4.6 kW, L3 -4.6 kW, L2 20 A). L2 flows out, so each line
      // is at -20 A: a three-phase charge (1000 / (sqrt(3) x 230) = 2.51 A per kW) may add up to
      // 45 A = 17.9 kW before any line reaches +25 A; the band (11 kW) binds, not the fuse.
      // (Counted as import, L2 would have allowed only 5 A = 1.99 kW.)
      const broker = new Broker({ fuse: { grid: '3x230', phases: 3, amps: 25 } });
      const r = broker.tick({ monoMs: 0, time: Q0, netKw: -9.2, phases: aron([20, -4.6], 20, [20, -4.6]), quarter: budget, demands: [car()] });
      expect(grantOf(r, 'car').kw).toBeCloseTo(11, 3);
      expect(r.state.conductors.find((c) => c.conductor === 2)!.amps).toBeCloseTo(-20 + 11 * 2.51, 1);
    });

    it('a charging car\'s line current is not subtracted as a plain number: the house is taken at the widest angle', () => {
      // a three-phase car draws 16 A per line (6.374 kW = 16 x sqrt(3) x 230 W); L1 reads 20 A.
      // The loads on a line are up to 60 degrees apart, so the house may be as large as
      // h = -16/2 + sqrt(20^2 - 3/4 x 16^2) = -8 + sqrt(208) = 6.42 A (not 20 - 16 = 4 A):
      // room 25 - 6.42 = 18.58 A on L1 -> 18.58 / 2.510 A per kW = 7.40 kW (L2, L3 read 10 A: less binding).
      const broker = new Broker({ fuse: { grid: '3x230', phases: 3, amps: 25 } });
      const r = broker.tick({
        monoMs: 0, time: Q0, netKw: 8, phases: aron([20, 5], 10, [10, 3]), quarter: budget,
        demands: [entry(ev('car', { measuredKw: 6.374, band: { minKw: 0, maxKw: 11 }, plannedKwh: 2.75 }))],
      });
      expect(grantOf(r, 'car').kw).toBeCloseTo(18.58 * Math.sqrt(3) * 0.23, 1);
      expect(grantOf(r, 'car').reason.code).toBe('fuse');
    });

    it('one element importing, the other exporting: L2\'s direction is unknown and counts as import', () => {
      // L1 imports, L3 exports, L2 reads 18 A: taken as +18 A, the worst case -> 7 A of room
      // -> 7 / 2.510 = 2.789 kW.
      const broker = new Broker({ fuse: { grid: '3x230', phases: 3, amps: 25 } });
      const r = broker.tick({ monoMs: 0, time: Q0, netKw: 0, phases: aron([10, 2], 18, [10, -2]), quarter: budget, demands: [car()] });
      expect(grantOf(r, 'car').kw).toBeCloseTo(7 * Math.sqrt(3) * 0.23, 2);
      expect(grantOf(r, 'car').reason.text).toBe('main fuse: L2 at 18.0 of 25 A');
    });
  });

  it('a phase current the meter did not send counts as the worst case: nothing on that conductor', () => {
    // L2 unknown: the 3-phase car gets 0; a single-phase boiler on L1 (3 x 400 V) is not touched by
    // L2 and gets its 2 kW (L1 at 5 A has 20 A = 4.6 kW of room).
    const broker = new Broker({ fuse: FUSE_3X400 });
    const r = broker.tick({
      monoMs: 0, time: Q0, netKw: 2, phases: phases(5, null, 5), quarter: budget,
      demands: [
        entry(ev('car', { plannedKwh: 2.75, priority: 90 })),
        entry({ ...ev('boiler', { conductors: [1], plannedKwh: 0.5, band: { minKw: 0, maxKw: 2 } }), kind: 'boiler' }),
      ],
    });
    expect(grantOf(r, 'car').kw).toBe(0);
    expect(grantOf(r, 'car').reason).toEqual({ code: 'fuse', text: 'main fuse: the current on L2 is unknown, nothing more on it' });
    expect(grantOf(r, 'boiler').kw).toBeCloseTo(2, 3);
  });
});

describe('broker: deadlines, the battery and the target', () => {
  // t = 0 of a quarter, E = 0, T = 5 kW: A = 5. The house draws 4 kW: B = 4, Q = 1 kW.
  const quarter = { start: Q0, elapsedS: 0, energyKwh: 0, targetKw: 5 };
  const battery = (minKw: number): SiteDemandInput => ({
    device: 'battery', kind: 'battery', conductors: [1, 2, 3], measuredKw: 0, band: { minKw, maxKw: 5 }, class: 'battery', priority: 50,
  });

  it('the battery discharges for a deadline before the target is raised', () => {
    // the car needs 1 kWh by the quarter's end (900 s): 1 x 3600 / 900 = 4 kW; Q = 1 is short by 3.
    // The battery (may discharge 3 kW) covers the 3 kW: Q becomes 4, the car gets 4.0,
    // 4 kW x 900 s = 1 kWh meets the deadline: T stays 5.
    const broker = new Broker({ fuse: FUSE_3X400, eurPerKwYear: () => 50 });
    const r = broker.tick({
      monoMs: 0, time: Q0, netKw: 4, phases: QUIET, quarter,
      demands: [entry(ev('car', { class: 'deadline', deadline: { time: Q0 + 900_000, kwh: 1 } })), entry(battery(-3))],
    });
    expect(grantOf(r, 'car').kw).toBeCloseTo(4, 3);
    expect(grantOf(r, 'battery').kw).toBeCloseTo(-3, 3);
    expect(grantOf(r, 'battery').reason.code).toBe('deadline');
    expect(r.state.target).toEqual({ kw: 5, raised: null });
  });

  it('raises the target by the least amount that meets the deadline, and says how many euros', () => {
    // the car needs 6 kWh in one hour (deadline Q0 + 3600 s): 6 kW. Q = 1, the battery may give only
    // 1 kW: 2 kW now. At target T' the car can get, now (900 s) Q + (T' - 5) x 900/900 = T' - 3 kW,
    // then (2700 s) T' - 4 kW (T' minus the base load's recent average, 4):
    //   (T' - 3) x 0.25 + (T' - 4) x 0.75 = 6  ->  T' - 3.75 = 6  ->  T' = 9.75 kW
    // raised by 4.75 kW: 4.75 x 50 / 12 = 19.79 EUR. The car gets T' - 3 = 6.75 kW now.
    const broker = new Broker({ fuse: FUSE_3X400, eurPerKwYear: () => 50 });
    const r = broker.tick({
      monoMs: 0, time: Q0, netKw: 4, phases: QUIET, quarter,
      demands: [entry(ev('car', { class: 'deadline', deadline: { time: Q0 + 3_600_000, kwh: 6 } })), entry(battery(-1))],
    });
    expect(r.state.target?.kw).toBeCloseTo(9.75, 6);
    expect(r.state.target?.raised).toMatchObject({ fromKw: 5, toKw: 9.75, eur: 19.79, device: 'car', deadline: Q0 + 3_600_000 });
    expect(grantOf(r, 'car').kw).toBeCloseTo(6.75, 3);
    expect(grantOf(r, 'car').reason.code).toBe('target-raised');
    expect(grantOf(r, 'car').reason.text).toMatch(/^target raised 5\.0 -> 9\.8 kW for the \d\d:\d\d deadline of car: about 19\.79 EUR$/);
    expect(grantOf(r, 'battery').kw).toBeCloseTo(-1, 3);
    // the raise holds for the rest of the quarter: the next telegram does not raise again
    const next = broker.tick({
      monoMs: 1000, time: Q0 + 1000, netKw: 4 + 6.75 - 1, phases: QUIET, quarter: { ...quarter, elapsedS: 1, energyKwh: 0.001 },
      demands: [entry(ev('car', { class: 'deadline', measuredKw: 6.75, deadline: { time: Q0 + 3_600_000, kwh: 5.998 } })), entry(battery(-1))],
    });
    expect(next.state.target?.raised?.toKw).toBe(9.75);
  });
});

describe('broker: solar surplus', () => {
  it('is shared by class: the first solar demand, then the next, the battery absorbs the rest', () => {
    // 5 kW would be exported (P = -5, nothing flexible running): S = 5. T = 5, E = 0, t = 0: A = 5,
    // B^ = -5, Q = 10 (the budget does not bind).
    // car_a (priority 80, max 3.7) gets 3.7; 1.3 is left, below car_b's 1.4 kW minimum: car_b 0;
    // the battery (rule 6) absorbs the 1.3 kW that would still be exported.
    const broker = new Broker({ fuse: FUSE_3X400 });
    const r = broker.tick({
      monoMs: 0, time: Q0, netKw: -5, phases: QUIET, quarter: { start: Q0, elapsedS: 0, energyKwh: 0, targetKw: 5 },
      demands: [
        entry(ev('car_b', { class: 'opportunistic', priority: 20, minRunKw: 1.4, band: { minKw: 0, maxKw: 3.7 } })),
        entry(ev('car_a', { class: 'opportunistic', priority: 80, minRunKw: 1.4, band: { minKw: 0, maxKw: 3.7 } })),
        entry({ device: 'battery', kind: 'battery', conductors: [1, 2, 3], measuredKw: 0, band: { minKw: -5, maxKw: 5 }, class: 'battery', priority: 50 }),
      ],
    });
    expect(r.state.solarSurplusKw).toBe(5);
    expect(grantOf(r, 'car_a').kw).toBeCloseTo(3.7, 3);
    expect(grantOf(r, 'car_a').reason.code).toBe('solar');
    expect(grantOf(r, 'car_b').kw).toBe(0);
    expect(grantOf(r, 'battery').kw).toBeCloseTo(1.3, 3);
  });
});

describe('broker: emergency', () => {
  it('gives an emergency demand its smallest running power at once, above the budget, and prices the higher peak', () => {
    // t = 450 s, E = 0.6 kWh, T = 4 kW: A = (1 - 0.6) x 3600 / 450 = 3.2 kW; house 3.2 kW: Q = 0.
    // The car (emergency, runs from 4.1 kW) gets 4.1 kW anyway: 4.1 kW over the budget for the 450 s
    // left raises the quarter by 4.1 x 450 / 900 = 2.05 kW (shown to 0.1: 2.1) -> 2.05 x 50 / 12 = 8.54 EUR.
    const broker = new Broker({ fuse: FUSE_3X400, eurPerKwYear: () => 50 });
    const r = broker.tick({
      monoMs: 0, time: Q0 + 450_000, netKw: 3.2, phases: QUIET, quarter: { start: Q0, elapsedS: 450, energyKwh: 0.6, targetKw: 4 },
      demands: [entry(ev('car', { class: 'emergency', minRunKw: 4.1 }))],
    });
    expect(grantOf(r, 'car').kw).toBeCloseTo(4.1, 3);
    expect(grantOf(r, 'car').reason).toEqual({
      code: 'emergency', text: 'emergency charge at 4.1 kW, 4.1 kW above the quarter budget (a peak up to 2.1 kW higher: about 8.54 EUR)',
      // the same figures by name, for a dashboard in another language
      params: { overKw: 4.1, peakKw: 2.1, eur: 8.54 },
    });
  });
});

describe('broker: a quarter seen only in part', () => {
  it('takes the target itself as the budget when the energy before the first telegram is unknown', () => {
    // started at t = 600 without 1-0:1.4.0: E = 0.1 kWh is only what was seen. Trusting it would give
    // A = (1 - 0.1) x 3600 / 300 = 10.8 kW; unknown energy before means A = T = 4 kW instead.
    // House 1 kW: Q = 3 kW for the car (plan, 11 kW wanted).
    const broker = new Broker({ fuse: FUSE_3X400 });
    const r = broker.tick({
      monoMs: 0, time: Q0 + 600_000, netKw: 1, phases: QUIET, quarter: { start: Q0, elapsedS: 600, energyKwh: 0.1, targetKw: 4, partial: true },
      demands: [entry(ev('car', { plannedKwh: 2.75 }))],
    });
    expect(r.state.headroomKw).toBeCloseTo(3, 6);
    expect(grantOf(r, 'car').kw).toBeCloseTo(3, 3);
  });
});

describe('broker: deadlines that cannot be met', () => {
  // t = 0, E = 0, T = 5 kW: A = 5; house 4 kW: Q = 1 kW; no battery
  const quarter = { start: Q0, elapsedS: 0, energyKwh: 0, targetKw: 5 };

  it('raises the target only as far as the device\'s full power, when even that is not enough', () => {
    // 2 kWh by the quarter's end would need 8 kW; the car takes at most 3.7 kW (0.925 kWh).
    // Full power now needs Q = 1 + (T' - 5) x 900/900 >= 3.7 -> T' = 7.7 kW: raised by 2.7 kW,
    // 2.7 x 50 / 12 = 11.25 EUR; raising further would buy nothing.
    const broker = new Broker({ fuse: FUSE_3X400, eurPerKwYear: () => 50 });
    const r = broker.tick({
      monoMs: 0, time: Q0, netKw: 4, phases: QUIET, quarter,
      demands: [entry(ev('car', { class: 'deadline', band: { minKw: 0, maxKw: 3.7 }, deadline: { time: Q0 + 900_000, kwh: 2 } }))],
    });
    expect(r.state.target?.raised).toMatchObject({ fromKw: 5, toKw: 7.7, eur: 11.25 });
    expect(grantOf(r, 'car').kw).toBeCloseTo(3.7, 3);
  });

  it('never raises the target for a deadline already past', () => {
    // the deadline was a second ago: the car gets what the budget allows (Q = 1), the target stays
    const broker = new Broker({ fuse: FUSE_3X400, eurPerKwYear: () => 50 });
    const r = broker.tick({
      monoMs: 0, time: Q0, netKw: 4, phases: QUIET, quarter,
      demands: [entry(ev('car', { class: 'deadline', deadline: { time: Q0 - 1000, kwh: 5 } }))],
    });
    expect(r.state.target).toEqual({ kw: 5, raised: null });
    expect(grantOf(r, 'car').kw).toBeCloseTo(1, 3);
  });
});

describe('broker: an unreadable grid power is unknown, the worst case', () => {
  it('shares no quarter headroom and no solar surplus, and a battery holds, where 0 kW would have given 3.6 kW', () => {
    // Same moment as the first test: A = 3.6 kW. Had P been read as 0 (the old `?? 0`): B = 0,
    // Q = 3.6 kW and the car (plan 0.5 kWh = 2.0 kW) would get 2.0 kW. Unknown: Q is not known, so 0.
    const demands = [
      entry(ev('car', { plannedKwh: 0.5 })),
      entry({ device: 'battery', kind: 'battery', conductors: [1, 2, 3], measuredKw: 0, band: { minKw: -5, maxKw: 5 }, minRunKw: 0, class: 'battery', priority: 10 }),
      entry(ev('solar-ev', { class: 'opportunistic' })),
    ];
    const quarter: QuarterNow = { start: Q0, elapsedS: 300, energyKwh: 0.5, targetKw: 4.4 };
    const asZero = new Broker({ fuse: FUSE_3X400 }).tick({ monoMs: 0, time: Q0 + 300_000, netKw: 0, phases: QUIET, quarter, demands });
    expect(grantOf(asZero, 'car').kw).toBeCloseTo(2.0, 3); // what a 0 would have granted
    const unknown = new Broker({ fuse: FUSE_3X400 }).tick({ monoMs: 0, time: Q0 + 300_000, netKw: null, phases: QUIET, quarter, demands });
    expect(grantOf(unknown, 'car').kw).toBe(0);
    expect(grantOf(unknown, 'solar-ev').kw).toBe(0);
    expect(grantOf(unknown, 'battery').kw).toBe(0);
    expect(unknown.state.baseKw).toBeNull();
    expect(unknown.state.headroomKw).toBeNull();
    expect(unknown.state.solarSurplusKw).toBeNull();
  });
});
