import { connectAsync } from 'mqtt';
import { tripsDb } from '../support/trips-db.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandRegistry, registerStateCommands } from '../../main/bus/commands.js';
import { MqttBridge } from '../../main/bus/mqtt/bridge.js';
import { METER_SENSORS } from '../../main/bus/mqtt/entities.js';
import { StateHub } from '../../main/bus/state-hub.js';
import { mqttSchema } from '../../main/config/bus-schema.js';
import { registerTripsCommands } from '../../main/ev/trips/commands.js';
import { tripEntities } from '../../main/ev/trips/ha-entities.js';
import { TripsService } from '../../main/ev/trips/trips-service.js';
import { TripsStore } from '../../main/ev/trips/trips-store.js';
import { systemTimers } from '../../main/p1/sources/timers.js';
import { startMosquitto, type Broker } from '../support/mosquitto.js';
import { eventually } from '../support/ws-probe.js';

let broker: Broker;
beforeEach(async () => { broker = await startMosquitto(); });
afterEach(async () => { await broker?.stop(); });

describe('Home Assistant: the next trip per car, and a sudden trip asked for over MQTT (real Mosquitto)', () => {
  it('announces a timestamp sensor per car and publishes the departure of a sudden trip sent on the command topic', async () => {
    const cars = [{ name: 'tesla', batteryKwh: 75, consumptionKwhPer100Km: 18, defaultNeed: '80%', chargeEfficiency: 0.9 }];
    const hub = new StateHub();
    const trips = new TripsService({
      sources: [], cars, store: new TripsStore(tripsDb()), timers: systemTimers, refreshMs: 300_000, horizonDays: 7,
      convention: { marginMinutes: 30, allDayDeparture: null, zone: 'Europe/Brussels' }, onState: (s) => hub.update({ trips: s }),
    });
    const commands = registerStateCommands(new CommandRegistry(), hub);
    registerTripsCommands(commands, trips);
    const observer = await connectAsync(broker.url, { clientId: 'observer-trips' });
    const seen = new Map<string, string>();
    observer.on('message', (topic, payload) => seen.set(topic, payload.toString()));
    await observer.subscribeAsync(['homeassistant/#', 'digital-meter/#'], { qos: 1 });
    const bridge = new MqttBridge({
      // a sudden trip changes what the charger does: Home Assistant needs MQTT commands with the dashboard role
      config: mqttSchema.parse({ url: broker.url, minIntervalS: 0.1, commands: true, role: 'dashboard' }), hub, commands, version: '0.1.0',
      entities: [...METER_SENSORS, ...tripEntities([{ id: 'tesla', name: 'Tesla' }])], reconnectMs: 200,
    });
    bridge.start();
    try {
      await eventually(() => seen.has('homeassistant/sensor/digital_meter/next_trip_tesla/config'), 'the trip sensor announced');
      expect(JSON.parse(seen.get('homeassistant/sensor/digital_meter/next_trip_tesla/config')!)).toMatchObject({
        name: 'Next trip Tesla', device_class: 'timestamp', state_topic: 'digital-meter/sensor/next_trip_tesla',
      });
      const config = JSON.parse(seen.get('homeassistant/sensor/digital_meter/next_trip_tesla/config')!) as Record<string, unknown>;
      // Home Assistant refuses a timestamp sensor with a unit or a state class
      expect(config).not.toHaveProperty('unit_of_measurement');
      expect(config).not.toHaveProperty('state_class');
      await new Promise((r) => setTimeout(r, 100));
      const by = Math.floor((Date.now() + 2 * 3_600_000) / 1000) * 1000;
      // what a Home Assistant script (mqtt.publish) sends
      await observer.publishAsync('digital-meter/command', JSON.stringify({ type: 'command', id: 'ha1', name: 'trips.sudden', args: { car: 'tesla', by, need: '80%' } }));
      await eventually(() => seen.get('digital-meter/sensor/next_trip_tesla') === new Date(by).toISOString(), 'the departure published');
      expect(seen.get('digital-meter/sensor/next_trip_tesla_need')).toBe('80');
      expect(JSON.parse(seen.get('digital-meter/result')!)).toMatchObject({ type: 'result', id: 'ha1', ok: true, value: { car: 'tesla', urgent: true, departure: by } });
    } finally {
      await bridge.stop();
      await observer.endAsync();
    }
  });
});
