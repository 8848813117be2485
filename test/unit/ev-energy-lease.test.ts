import { describe, expect, it } from 'vitest';
import { EnergyLease, leaseAllowanceWh, type EnergyLeaseInputs } from '../../main/ev/energy-lease.js';

/**
 * The energy lease on an injected monotonic clock, with figures worked by hand:
 * 11.04 kW (3 x 230 V x 16 A) for 60 s = 11.04 x 60 / 3.6 = 184 Wh; 4.14 kW (6 A) for 60 s = 69 Wh.
 */
const SETTINGS = { seconds: 60, minWh: 50, renewSeconds: 20 };
const base: EnergyLeaseInputs = { nowMonoMs: 0, charging: true, sessionWh: 1000, allowedKw: 11.04, ceilingWh: null, heldWh: 0 };

describe('energy lease', () => {
  it('allows the commanded power for the lease seconds, never less than the floor', () => {
    expect(leaseAllowanceWh(SETTINGS, 11.04)).toBeCloseTo(184, 6);
    // 6 A on one phase: 1.38 kW x 60 s = 23 Wh, under the 50 Wh floor
    expect(leaseAllowanceWh(SETTINGS, 1.38)).toBe(50);
    expect(leaseAllowanceWh(SETTINGS, 0)).toBe(50);
  });

  it('sets the limit at the session energy plus one allowance when none is held', () => {
    const lease = new EnergyLease(SETTINGS);
    // 1000 Wh charged + 184 Wh
    expect(lease.next(base)).toBe(1184);
  });

  it('a limit held at start is a dead controller\'s: replaced at once, even when it has room left', () => {
    const lease = new EnergyLease(SETTINGS);
    expect(lease.next({ ...base, heldWh: 1150 })).toBe(1184);
  });

  it('does not write again until the renewal time, then renews from the energy charged by then', () => {
    const lease = new EnergyLease(SETTINGS);
    expect(lease.next(base)).toBe(1184);
    // 10 s later at 11.04 kW: 30.7 Wh more charged, 153 Wh left of 184: not due
    expect(lease.next({ ...base, nowMonoMs: 10_000, sessionWh: 1031, heldWh: 1184 })).toBeNull();
    expect(lease.next({ ...base, nowMonoMs: 19_999, sessionWh: 1061, heldWh: 1184 })).toBeNull();
    // 20 s: renewed: 1061 + 184 = 1245
    expect(lease.next({ ...base, nowMonoMs: 20_000, sessionWh: 1061, heldWh: 1184 })).toBe(1245);
    // and the clock of the next renewal starts there
    expect(lease.next({ ...base, nowMonoMs: 39_999, sessionWh: 1122, heldWh: 1245 })).toBeNull();
  });

  it('renews early when half the allowance is used (the power rose since the lease was set)', () => {
    const lease = new EnergyLease(SETTINGS);
    // set at 6 A (4.14 kW): 1000 + 69 = 1069
    expect(lease.next({ ...base, allowedKw: 4.14 })).toBe(1069);
    // now at 16 A: allowance 184, half 92; 1069 - 1000 = 69 left < 92: renew to 1184
    expect(lease.next({ ...base, nowMonoMs: 1000, heldWh: 1069 })).toBe(1184);
  });

  it('a reached limit is renewed at once (the charger resumes when it is raised)', () => {
    const lease = new EnergyLease(SETTINGS);
    expect(lease.next(base)).toBe(1184);
    expect(lease.next({ ...base, nowMonoMs: 5000, sessionWh: 1184, heldWh: 1184 })).toBe(1368);
  });

  it('tightens at once when far more than one allowance is left (the power fell, or a new session)', () => {
    const lease = new EnergyLease(SETTINGS);
    expect(lease.next(base)).toBe(1184);
    // cut to 6 A: allowance 69, 1.5 x 69 = 103.5 < 184 left: 1000 + 69
    expect(lease.next({ ...base, nowMonoMs: 1000, allowedKw: 4.14, heldWh: 1184 })).toBe(1069);
    // the car unplugged and a new session began at 0 Wh with the old 1069 still held
    expect(lease.next({ ...base, nowMonoMs: 2000, sessionWh: 0, allowedKw: 4.14, heldWh: 1069 })).toBe(69);
  });

  it('keeps the lower of the lease and the user\'s own limit', () => {
    const lease = new EnergyLease(SETTINGS);
    // the user's 1100 Wh is below 1184
    expect(lease.next({ ...base, ceilingWh: 1100 })).toBe(1100);
    // the user's 5000 Wh is above: the lease
    expect(new EnergyLease(SETTINGS).next({ ...base, ceilingWh: 5000 })).toBe(1184);
    // a held lease above a limit the user just lowered is brought down at once
    const held = new EnergyLease(SETTINGS);
    expect(held.next(base)).toBe(1184);
    expect(held.next({ ...base, nowMonoMs: 1000, ceilingWh: 1050, heldWh: 1184 })).toBe(1050);
  });

  it('leaves the limit alone while paused or before the session energy is known', () => {
    const lease = new EnergyLease(SETTINGS);
    expect(lease.next({ ...base, charging: false })).toBeNull();
    expect(lease.next({ ...base, sessionWh: null })).toBeNull();
  });

  it('never asks for 0 Wh, which the charger reads as no limit', () => {
    const lease = new EnergyLease({ seconds: 60, minWh: 0, renewSeconds: 20 });
    expect(lease.next({ ...base, sessionWh: 0, allowedKw: 0 })).toBe(1);
  });
});
