/**
 * The battery's Home Assistant entities through the MQTT bridge and a real Mosquitto: SoC and
 * power as sensors, the mode as a select whose choice comes back as the battery.mode command.
 */
import { connectAsync } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CommandRegistry, registerStateCommands } from '../../main/bus/commands.js';
import { MqttBridge } from '../../main/bus/mqtt/bridge.js';
import { StateHub } from '../../main/bus/state-hub.js';
import { mqttSchema } from '../../main/config/bus-schema.js';
import type { BatteryState } from '../../shared/battery/state.js';
import { startMosquitto, type Broker } from '../support/mosquitto.js';
import { eventually } from '../support/ws-probe.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

const battery: BatteryState = {
  device: 'battery', description: 'SunSpec battery at 127.0.0.1:1502 unit 1', link: { state: 'ok', message: null },
  mode: 'auto', socPct: 63.4, powerKw: -1.25, capacityKwh: 10, setpointKw: -1.25, control: 'forced',
  reason: { code: 'cover-import', text: 'covering 1.25 kW of the house\'s import' },
  today: { day: '2026-01-20', chargedKwh: 3, dischargedKwh: 2, storedFromSolarKwh: 1.5, savedEur: 0.42 }, notices: [],
};

describe('battery entities in Home Assistant', () => {
  it('announces SoC, power and the mode select once a battery is there, and runs the chosen mode', async () => {
    const broker: Broker = await startMosquitto();
    cleanups.push(() => broker.stop());
    const hub = new StateHub();
    const commands = registerStateCommands(new CommandRegistry(), hub);
    const modes: string[] = [];
    commands.register('battery.mode', { summary: 'mode', args: z.object({ mode: z.string() }).strict(), run: ({ mode }) => { modes.push(mode); return { mode }; } });
    const observer = await connectAsync(broker.url, { clientId: 'observer' });
    cleanups.push(() => observer.endAsync());
    const seen = new Map<string, string>();
    observer.on('message', (topic, payload) => seen.set(topic, payload.toString()));
    await observer.subscribeAsync(['homeassistant/#', 'digital-meter/#'], { qos: 1 });
    const bridge = new MqttBridge({ config: mqttSchema.parse({ url: broker.url, minIntervalS: 0.1, commands: true }), hub, commands, version: '0.1.0', reconnectMs: 200 });
    cleanups.push(() => bridge.stop());
    bridge.start();
    await eventually(() => bridge.connected && seen.get('digital-meter/status') === 'online', 'online');
    // no battery yet: nothing announced for it
    expect([...seen.keys()].some((t) => t.includes('battery'))).toBe(false);

    hub.update({ battery });
    await eventually(() => seen.has('digital-meter/select/battery_mode') && seen.has('digital-meter/sensor/battery_soc'), 'battery values');
    expect(JSON.parse(seen.get('homeassistant/sensor/digital_meter/battery_soc/config')!)).toMatchObject({
      device_class: 'battery', unit_of_measurement: '%', state_class: 'measurement', state_topic: 'digital-meter/sensor/battery_soc',
    });
    expect(seen.get('digital-meter/sensor/battery_soc')).toBe('63.4');
    expect(seen.get('digital-meter/sensor/battery_power_kw')).toBe('-1.250');
    expect(seen.get('digital-meter/select/battery_mode')).toBe('auto');
    const select = JSON.parse(seen.get('homeassistant/select/digital_meter/battery_mode/config')!) as { options: string[]; command_topic: string; command_template: string };
    expect(select.options).toEqual(['auto', 'hold', 'charge', 'discharge', 'off']);
    expect(select.command_topic).toBe('digital-meter/command');
    // what Home Assistant sends when "hold" is chosen: the template with {{ value }} rendered
    await observer.publishAsync(select.command_topic, select.command_template.replace('{{ value }}', 'hold'), { qos: 1 });
    await eventually(() => modes.length === 1, 'the mode command');
    expect(modes).toEqual(['hold']);
  });
});
