import { describe, expect, it } from 'vitest';
import { evSchema } from '../../main/config/ev-schema.js';

/** ev.chargers[].energyLease: the NRGkick's dead-man, on unless turned off. */
const charger = { id: 'garage', type: 'nrgkick', url: 'http://192.168.1.40' };

describe('configuration: a charger\'s energy lease', () => {
  it('is on by default: 60 s of the commanded power, at least 50 Wh, renewed every 20 s', () => {
    expect(evSchema.parse({ chargers: [charger] }).chargers[0]!.energyLease).toEqual({ seconds: 60, minWh: 50, renewSeconds: 20 });
  });

  it('can be shortened, or turned off with false', () => {
    expect(evSchema.parse({ chargers: [{ ...charger, energyLease: { seconds: 15, renewSeconds: 5 } }] }).chargers[0]!.energyLease).toEqual({ seconds: 15, minWh: 50, renewSeconds: 5 });
    expect(evSchema.parse({ chargers: [{ ...charger, energyLease: false }] }).chargers[0]!.energyLease).toBe(false);
  });

  it('refuses a renewal no sooner than the lease runs out, and `true`', () => {
    const late = evSchema.safeParse({ chargers: [{ ...charger, energyLease: { seconds: 20, renewSeconds: 20 } }] });
    expect(late.success).toBe(false);
    expect(late.error!.issues.map((i) => i.message)).toContain('renewSeconds must be shorter than seconds: a lease is renewed before it runs out');
    expect(evSchema.safeParse({ chargers: [{ ...charger, energyLease: true }] }).success).toBe(false);
  });
});
