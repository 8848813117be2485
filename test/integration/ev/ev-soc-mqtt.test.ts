import { connectAsync } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { EvScenario } from '../../support/ev-scenario.js';
import { startMosquitto, type Broker } from '../../support/mosquitto.js';
import { waitFor } from '../../support/scaled-timers.js';

/**
 * A car's state of charge from an MQTT topic (ev.cars[].socSource type mqtt) through a real
 * Mosquitto, with the charger simulator over HTTP and the meter simulator on a simulated clock:
 * the reading is shown as the car's, an estimate between readings as an estimate, and it drives
 * the controller (below the minimum SoC: an emergency charge).
 */
let scenario: EvScenario | null = null;
let broker: Broker | null = null;
afterEach(async () => {
  await scenario?.close();
  await broker?.stop();
  scenario = null;
  broker = null;
});

describe('state of charge from MQTT', () => {
  it('a reading on the topic is the car\'s (via MQTT), then an estimate while it charges, and it decides the emergency', async () => {
    broker = await startMosquitto();
    const topic = 'vehicles/zoe/soc';
    scenario = new EvScenario({
      grid: '3x400', seed: 7, start: Date.UTC(2025, 0, 15, 22, 0, 0), fuseA: 40, targetKw: 5, mode: 'smart',
      socSource: { type: 'mqtt', url: broker.url, topic },
    });
    await scenario.open();
    const s = scenario;
    s.plug(15);
    await s.run(2);
    const garage = () => s.hub.current.ev!.chargers[0]!;
    // plugged, nothing known yet: the dashboard asks
    expect(garage().socPrompt).toBe(true);
    const car = await connectAsync(broker.url, { clientId: 'test-car-bridge' });
    try {
      // retained, as a vehicle bridge publishes it: the source gets it whenever it (re)subscribes
      await car.publishAsync(topic, '15', { retain: true });
      await waitFor('the MQTT reading', () => garage().soc?.percent === 15, 10_000);
      expect(garage().soc).toEqual({ percent: 15, source: 'vehicle', basedOn: 'vehicle', via: 'mqtt' });
      expect(garage().socPrompt).toBe(false);
      // 15% is below the car's minimum (20%): an emergency, running (at least 6 A) once the
      // increase hold (10 s) after the last change has passed (it may have started on register 2's plan)
      await s.run(12);
      expect(s.seconds.at(-1)).toMatchObject({ paused: false });
      expect(s.seconds.at(-1)!.currentSetA).toBeGreaterThanOrEqual(6);
      expect(garage().reason.code).toBe('emergency');
      // after 2 minutes between its running power (4.14 kW: 0.138 kWh x 0.9 / 60 kWh = +0.21%) and
      // full power (11.04 kW: +0.55%): an estimate resting on the car's reading
      await s.run(120);
      expect(garage().soc).toMatchObject({ source: 'estimate', basedOn: 'vehicle', via: 'mqtt' });
      expect(garage().soc!.percent).toBeGreaterThan(15.15);
      expect(garage().soc!.percent).toBeLessThan(16);
      // the car says 25%: above the minimum, so the emergency ends (register 2 at 22:00: cheap hours)
      await car.publishAsync(topic, '25', { retain: true });
      await waitFor('the second MQTT reading', () => garage().soc?.source === 'vehicle' && garage().soc?.percent === 25, 10_000);
      await s.run(2);
      expect(garage().reason.code).not.toBe('emergency');
      // a payload that is no percentage changes nothing
      await car.publishAsync(topic, 'unavailable');
      await s.run(2);
      expect(garage().soc!.percent).toBeGreaterThanOrEqual(25);
    } finally {
      await car.endAsync();
    }
  });
});
