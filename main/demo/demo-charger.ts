import { evSchema, type EvConfig } from '../config/ev-schema.js';
import { ChargerSimulator } from '../ev/simulator/server.js';
import type { SimulatedMeter } from '../p1/simulator/meter.js';

/**
 * The demo's charger: the NRGkick simulator on a free loopback port with a car plugged in, and
 * its draw fed into the demo meter once a second so the house's figures include it. Mode "now":
 * a newcomer sees a car charging at once (the other modes are one click away).
 */
export interface DemoCharger {
  config: EvConfig;
  stop(): Promise<void>;
}

export async function startDemoCharger(meter: SimulatedMeter | null): Promise<DemoCharger> {
  const simulator = new ChargerSimulator({ grid: '3x400', name: 'demo NRGkick' });
  const url = await simulator.listen(0, '127.0.0.1');
  simulator.plug({ batteryKwh: 60, maxPhases: 3, maxCurrentA: 16, socPercent: 35 });
  const feed = setInterval(() => meter?.setEvPower(simulator.powerKw(), simulator.phasesInUse()), 1000);
  feed.unref();
  const config = evSchema.parse({
    grid: '3x400',
    cars: [{ id: 'demo_car', name: 'Demo car', batteryKwh: 60 }],
    chargers: [{ id: 'demo', type: 'nrgkick', url, car: 'demo_car', mode: 'now' }],
  });
  return {
    config,
    async stop() {
      clearInterval(feed);
      await simulator.close();
    },
  };
}
