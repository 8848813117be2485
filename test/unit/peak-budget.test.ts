import { describe, expect, it } from 'vitest';
import { allowedKw, budget, forecastKw, shedNowKw, targetKw } from '../../main/peak/budget.js';

// Every expectation below is worked out by hand from capacity-tariff.md:
// F = 4 (E + P (900 - t) / 3600), A = (T/4 - E) 3600 / (900 - t), G = A - P, shed = min(P, -G) when G < 0.
describe('quarter budget formulas', () => {
  it('at the start of a quarter: F = P, A = T', () => {
    const b = budget(0, 1, 0, 2.5);
    expect(b.forecastKw).toBeCloseTo(1.0, 9); // 4 x (0 + 1 x 900/3600)
    expect(b.allowedKw).toBeCloseTo(2.5, 9); // 0.625 x 3600 / 900
    expect(b.gapKw).toBeCloseTo(1.5, 9);
    expect(b.shedNowKw).toBe(0);
    expect(b.quarterLost).toBe(false);
  });

  it('a third in, over budget: shed the gap', () => {
    const b = budget(0.2, 3, 300, 2.5);
    expect(b.forecastKw).toBeCloseTo(2.8, 9); // 4 x (0.2 + 3 x 600/3600 = 0.5)
    expect(b.allowedKw).toBeCloseTo(2.55, 9); // (0.625 - 0.2) x 3600 / 600 = 0.425 x 6
    expect(b.gapKw).toBeCloseTo(-0.45, 9);
    expect(b.shedNowKw).toBeCloseTo(0.45, 9);
  });

  it('near the end: little left, the gap grows fast', () => {
    const b = budget(0.6, 2, 800, 2.5);
    expect(b.forecastKw).toBeCloseTo(2.622222222, 8); // 4 x (0.6 + 2 x 100/3600)
    expect(b.allowedKw).toBeCloseTo(0.9, 9); // 0.025 x 3600 / 100
    expect(b.gapKw).toBeCloseTo(-1.1, 9);
    expect(b.shedNowKw).toBeCloseTo(1.1, 9);
  });

  it('a lost quarter (E >= T/4): A <= 0 and all of P is to be shed', () => {
    const b = budget(0.7, 0.5, 600, 2.5);
    expect(b.allowedKw).toBeCloseTo(-0.9, 9); // (0.625 - 0.7) x 3600 / 300
    expect(b.gapKw).toBeCloseTo(-1.4, 9);
    expect(b.shedNowKw).toBeCloseTo(0.5, 9); // min(P, -G) = P
    expect(b.quarterLost).toBe(true);
    expect(budget(0.625, 0, 100, 2.5).quarterLost).toBe(true); // exactly T/4
  });

  it('guards t near 900: the divisor never goes under 1 s', () => {
    expect(allowedKw(2.5, 0.6, 900)).toBeCloseTo(90, 9); // 0.025 x 3600 / 1
    expect(allowedKw(2.5, 0.6, 905)).toBeCloseTo(90, 9);
    expect(allowedKw(2.5, 0.6, 899)).toBeCloseTo(90, 9);
    expect(forecastKw(0.6, 5, 900)).toBeCloseTo(2.4, 9); // no time left: F = 4E
  });

  it('sheds at most what is imported, nothing when there is headroom', () => {
    expect(shedNowKw(1, -3)).toBe(1);
    expect(shedNowKw(4, -3)).toBe(3);
    expect(shedNowKw(4, 0)).toBe(0);
    expect(shedNowKw(4, 0.2)).toBe(0);
  });

  it('target: the 2.5 kW floor, the month peak, the user floor', () => {
    expect(targetKw(2.5, null, 0)).toBe(2.5);
    expect(targetKw(2.5, 1.2, 0)).toBe(2.5);
    expect(targetKw(2.5, 3.1, 0)).toBe(3.1);
    expect(targetKw(2.5, 2.0, 4)).toBe(4);
    expect(targetKw(2.5, 4.5, 4)).toBe(4.5);
  });
});
