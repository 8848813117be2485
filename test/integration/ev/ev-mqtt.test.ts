import { connectAsync } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandRegistry, registerStateCommands } from '../../../main/bus/commands.js';
import { MqttBridge } from '../../../main/bus/mqtt/bridge.js';
import { StateHub } from '../../../main/bus/state-hub.js';
import { mqttSchema } from '../../../main/config/bus-schema.js';
import { evSchema } from '../../../main/config/ev-schema.js';
import { evMqttEntities } from '../../../main/ev/mqtt-entities.js';
import { NrgkickCharger } from '../../../main/ev/nrgkick/charger.js';
import { createNrgkickLink } from '../../../main/ev/nrgkick/link.js';
import { EvRole } from '../../../main/ev/role.js';
import { ChargerSimulator } from '../../../main/ev/simulator/server.js';
import { startMosquitto } from '../../support/mosquitto.js';
import { ManualTimers } from '../../support/manual-timers.js';
import { waitFor } from '../../support/scaled-timers.js';
import { ScriptedSiteLink } from '../../support/scripted-site-link.js';

/**
 * The EV role's Home Assistant entities through a real Mosquitto: the mode is a select, the SoC a
 * number; values set from Home Assistant go through the ev.* commands into the controller and
 * come back on the state topics.
 */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('EV entities over MQTT', () => {
  it('announces a mode select and a SoC number, and acts on values from Home Assistant', async () => {
    const broker = await startMosquitto();
    cleanups.push(() => broker.stop());
    const timers = new ManualTimers(0);
    const sim = new ChargerSimulator({ grid: '3x400', now: () => timers.now() });
    const url = await sim.listen();
    cleanups.push(() => sim.close());
    sim.plug({ batteryKwh: 60, maxPhases: 3, maxCurrentA: 16, socPercent: 30 });
    const config = evSchema.parse({ cars: [{ id: 'car_1', name: 'Zoe', batteryKwh: 60 }], chargers: [{ id: 'garage', type: 'nrgkick', url, car: 'car_1' }] });
    const hub = new StateHub();
    const commands = registerStateCommands(new CommandRegistry(), hub);
    const role = new EvRole({
      config, link: new ScriptedSiteLink(() => timers.now()), hub, commands, timers, wallNow: () => hub.current.meter?.time ?? Date.now(),
      createCharger: (c, t) => new NrgkickCharger({ id: c.id, link: createNrgkickLink({ baseUrl: c.url }), timers: t, maxCurrentA: 16 }),
    });
    role.start();
    cleanups.push(() => role.stop());
    await waitFor('plugged', () => hub.current.ev?.chargers[0]?.plugged === true);

    const seen = new Map<string, string>();
    const observer = await connectAsync(broker.url, { clientId: 'observer' });
    cleanups.push(() => observer.endAsync());
    observer.on('message', (topic, payload) => seen.set(topic, payload.toString()));
    await observer.subscribeAsync(['homeassistant/#', 'digital-meter/#'], { qos: 1 });

    const { sensors, controls } = evMqttEntities(config);
    // Home Assistant may change modes only when the owner gives MQTT commands the dashboard's role
    const bridge = new MqttBridge({ config: mqttSchema.parse({ url: broker.url, minIntervalS: 0.2, commands: true, role: 'dashboard' }), hub, commands, version: '0.1.0', entities: [], extraEntities: sensors, controls });
    cleanups.push(() => bridge.stop());
    bridge.start();
    await waitFor('select discovery', () => seen.has('homeassistant/select/digital_meter/ev_garage_mode/config'));
    expect(JSON.parse(seen.get('homeassistant/select/digital_meter/ev_garage_mode/config')!)).toMatchObject({
      unique_id: 'digital_meter_ev_garage_mode', state_topic: 'digital-meter/select/ev_garage_mode',
      command_topic: 'digital-meter/select/ev_garage_mode/set', options: ['smart', 'now', 'solar', 'off'], device: { identifiers: ['digital_meter'] },
    });
    await waitFor('number discovery', () => seen.has('homeassistant/number/digital_meter/ev_garage_soc_set/config'));
    expect(JSON.parse(seen.get('homeassistant/number/digital_meter/ev_garage_soc_set/config')!)).toMatchObject({ min: 0, max: 100, step: 1, unit_of_measurement: '%' });
    const socSensor = JSON.parse(seen.get('homeassistant/sensor/digital_meter/ev_garage_soc/config')!) as Record<string, unknown>;
    expect(socSensor).toMatchObject({ device_class: 'battery', unit_of_measurement: '%', state_class: 'measurement' });
    expect(JSON.parse(seen.get('homeassistant/sensor/digital_meter/ev_garage_reason/config')!)).not.toHaveProperty('device_class');
    await waitFor('mode state', () => seen.get('digital-meter/select/ev_garage_mode') === 'smart');

    await observer.publishAsync('digital-meter/select/ev_garage_mode/set', 'solar');
    await waitFor('mode solar', () => seen.get('digital-meter/select/ev_garage_mode') === 'solar');
    expect(hub.current.ev!.chargers[0]!.mode).toBe('solar');
    await observer.publishAsync('digital-meter/number/ev_garage_soc_set/set', '35');
    await waitFor('soc 35', () => seen.get('digital-meter/sensor/ev_garage_soc') === '35');
    expect(hub.current.ev!.chargers[0]!.soc).toEqual({ percent: 35, source: 'user', basedOn: 'user', via: null });
    await observer.publishAsync('digital-meter/select/ev_garage_mode/set', 'turbo');
    await waitFor('refusal', () => (seen.get('digital-meter/result') ?? '').includes('turbo'));
    expect(JSON.parse(seen.get('digital-meter/result')!)).toMatchObject({ type: 'error', code: 'bad-arguments', message: 'EV garage mode: "turbo" is not an allowed value' });
    expect(hub.current.ev!.chargers[0]!.mode).toBe('solar');
  });
});
