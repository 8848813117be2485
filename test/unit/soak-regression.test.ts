import { describe, expect, it } from 'vitest';
import { slopePerHour } from '../faults/support/regression.js';

describe("the soak's slope (least squares per hour)", () => {
  it('matches the slope worked out by hand for noisy points, and is 0 for a constant or a single point', () => {
    // at 0, 30, 60, 90, 120 minutes: x = 0, .5, 1, 1.5, 2 h (mean 1); y = 11, 10, 13, 12, 14 (mean 12)
    // sum (x-1)(y-12) = (-1)(-1) + (-.5)(-2) + 0 + (.5)(0) + (1)(2) = 4; sum (x-1)^2 = 2.5 -> 1.6 per hour
    const rising = [11, 10, 13, 12, 14].map((v, i) => ({ at: 1_000_000 + i * 1_800_000, v }));
    expect(slopePerHour(rising, (p) => p.v)).toBeCloseTo(1.6, 10);
    // every 10 minutes, alternating 5, 7: x = i/6 h; sum x(y-6) = (1-2+3-4+5)/6 = 0.5;
    // sum (x - 5/12)^2 = 17.5/36 -> 0.5 / (17.5/36) = 36/35 per hour
    const alternating = [5, 7, 5, 7, 5, 7].map((v, i) => ({ at: i * 600_000, v }));
    expect(slopePerHour(alternating, (p) => p.v)).toBeCloseTo(36 / 35, 10);
    expect(slopePerHour([0, 1, 2].map((i) => ({ at: i * 1000, v: 42 })), (p) => p.v)).toBe(0);
    expect(slopePerHour([{ at: 0, v: 1 }], (p) => p.v)).toBe(0);
  });
});
