import { afterEach, describe, expect, it } from 'vitest';
import { EvScenario } from '../../support/ev-scenario.js';

/**
 * The EV panel's session cost: the charger's session energy priced at the import price the meter
 * publishes with its costs (costs.importEurPerKwhNow, the ledger's price for that hour), so energy
 * charged before a price change keeps its price. P1 simulator, charger simulator over HTTP,
 * simulated clock.
 */
let scenario: EvScenario | null = null;
afterEach(async () => {
  await scenario?.close();
  scenario = null;
});

describe('EV session cost', () => {
  it('prices each part of the session at the price in force while it was charged', async () => {
    const s = (scenario = new EvScenario({ grid: '3x400', seed: 7, start: Date.UTC(2025, 0, 15, 21, 50, 0), fuseA: 40, targetKw: 20, mode: 'now' }));
    await s.open();
    const garage = () => s.hub.current.ev!.chargers[0]!;
    s.hub.update({ costs: { importEurPerKwhNow: 0.318 } });
    s.plug(50);
    await s.run(2);
    await s.command('ev.soc', { charger: 'garage', percent: 50 });
    await s.run(300);
    const atChange = garage().sessionKwh!;
    // five minutes at up to 11 kW: well over half a kWh
    expect(atChange).toBeGreaterThan(0.5);
    // the night register starts: a cheaper price from now on
    s.hub.update({ costs: { importEurPerKwhNow: 0.212 } });
    await s.run(300);
    const total = garage().sessionKwh!;
    // by hand: the energy before the change at 0.318, the rest at 0.212 (within a cent: the
    // figures shown are rounded to Wh and cents)
    const expected = atChange * 0.318 + (total - atChange) * 0.212;
    expect(garage().sessionEur!.partial).toBe(false);
    expect(Math.abs(garage().sessionEur!.eur - expected)).toBeLessThanOrEqual(0.01);
    // and not all at the last price
    expect(Math.abs(garage().sessionEur!.eur - total * 0.212)).toBeGreaterThan(0.05);
    // unplugged: the session and its cost are over
    s.sim.unplug();
    await s.run(3);
    expect(garage().sessionEur).toBeNull();
  });
});
