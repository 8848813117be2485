import { readFileSync } from 'node:fs';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { mqttSchema } from '../../main/config/bus-schema.js';
import { CommandRegistry, registerStateCommands } from '../../main/bus/commands.js';
import { MqttBridge } from '../../main/bus/mqtt/bridge.js';
import { StateHub } from '../../main/bus/state-hub.js';
import type { MeterState } from '../../shared/state.js';
import { emptySiteState } from '../../shared/site/state.js';
import { startMosquitto, type Broker } from '../support/mosquitto.js';
import { ratesCommands } from '../support/rates-commands.js';
import { captureLog } from '../support/capture-log.js';
import { eventually } from '../support/ws-probe.js';
import { quarterState } from '../support/quarter-state.js';

/**
 * Home Assistant's MQTT sensor discovery schema as documented (integrations/mqtt, sensor.mqtt,
 * sensor device classes), written out here independently of the product's code: a device with
 * identifiers, unique_id, state_topic, a device_class with one of its allowed units and state
 * classes, and availability.
 */
const UNITS: Record<string, { units: string[]; stateClasses: string[] }> = {
  energy: { units: ['Wh', 'kWh', 'MWh', 'MJ', 'GJ'], stateClasses: ['total', 'total_increasing'] },
  gas: { units: ['m³', 'ft³', 'CCF'], stateClasses: ['total', 'total_increasing'] },
  water: { units: ['L', 'gal', 'm³', 'ft³', 'CCF'], stateClasses: ['total', 'total_increasing'] },
  power: { units: ['W', 'kW'], stateClasses: ['measurement'] },
  monetary: { units: ['EUR'], stateClasses: ['total'] },
};
const haSensorDiscovery = z.object({
  name: z.string().min(1),
  unique_id: z.string().min(1),
  state_topic: z.string().min(1).refine((t) => !t.includes('+') && !t.includes('#'), 'no wildcards in a state topic'),
  device_class: z.enum(['energy', 'gas', 'water', 'power', 'monetary']),
  unit_of_measurement: z.string(),
  state_class: z.enum(['measurement', 'total', 'total_increasing']),
  availability: z.array(z.object({ topic: z.string().min(1), payload_available: z.string().optional(), payload_not_available: z.string().optional() })).min(1),
  device: z.object({
    identifiers: z.array(z.string().min(1)).min(1),
    name: z.string().min(1),
    manufacturer: z.string().optional(),
    model: z.string().optional(),
    sw_version: z.string().optional(),
  }),
}).refine((p) => UNITS[p.device_class]!.units.includes(p.unit_of_measurement), { message: 'unit not allowed for the device class', path: ['unit_of_measurement'] })
  .refine((p) => UNITS[p.device_class]!.stateClasses.includes(p.state_class), { message: 'state class not allowed for the device class', path: ['state_class'] });

// a fresh broker for each test: retained messages of one test must not leak into the next
let broker: Broker;
beforeEach(async () => { broker = await startMosquitto(); });
afterEach(async () => { await broker?.stop(); });

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Seen { topic: string; payload: string; retain: boolean }

async function observer(pattern = '#'): Promise<{ client: MqttClient; seen: Seen[]; last: (topic: string) => Seen | undefined }> {
  const client = await connectAsync(broker.url, { clientId: `observer-${Math.random().toString(16).slice(2)}` });
  cleanups.push(() => client.endAsync());
  const seen: Seen[] = [];
  client.on('message', (topic, payload, packet) => seen.push({ topic, payload: payload.toString(), retain: packet.retain }));
  await client.subscribeAsync(pattern, { qos: 1 });
  return { client, seen, last: (topic) => seen.filter((s) => s.topic === topic).at(-1) };
}

function meter(time: number, importKw: number): MeterState {
  return {
    time, powerKw: { import: importKw, export: 0 }, phases: [], tariff: 1,
    counters: { importKwh: { t1: 1234.567, t2: 2345.678 }, exportKwh: { t1: 11.1, t2: 22.2 }, gasM3: 3456.789, gasTime: time, waterM3: 123.456, waterTime: time },
  };
}

function bridge(hub: StateHub, overrides: Record<string, unknown> = {}, reconnectMs = 200) {
  const config = mqttSchema.parse({ url: broker.url, minIntervalS: 0.3, commands: true, ...overrides });
  const b = new MqttBridge({ config, hub, commands: registerStateCommands(new CommandRegistry(), hub), version: '0.1.0', reconnectMs });
  cleanups.push(() => b.stop());
  b.start();
  return b;
}

function fullHub(): StateHub {
  const hub = new StateHub();
  hub.update({
    meter: meter(1_700_000_000_000, 2.5),
    quarter: quarterState({ averageSoFarKw: 1.8, monthPeakKw: 4.2, gapKw: 0.75 }),
    costs: { periods: { today: { totalEur: 3.456 } } },
  });
  return hub;
}

describe('MQTT bridge against a real Mosquitto', () => {
  it('announces every sensor with a discovery config Home Assistant accepts', async () => {
    const hub = fullHub();
    const obs = await observer('homeassistant/#');
    const b = bridge(hub);
    await eventually(() => b.connected && obs.seen.length === 12, 'twelve discovery configs');
    const byObject = new Map(obs.seen.map((s) => [s.topic.split('/')[3], s]));
    expect([...byObject.keys()].sort()).toEqual([
      'cost_today_eur', 'export_t1_kwh', 'export_t2_kwh', 'gap_kw', 'gas_m3', 'import_t1_kwh', 'import_t2_kwh',
      'month_peak_kw', 'power_export_kw', 'power_import_kw', 'quarter_average_kw', 'water_m3',
    ]);
    for (const s of obs.seen) {
      expect(s.topic).toMatch(/^homeassistant\/sensor\/digital_meter\/[a-z0-9_]+\/config$/);
      expect(s.retain).toBe(false); // delivered live; retained copies are checked below
      const payload = JSON.parse(s.payload) as unknown;
      const checked = haSensorDiscovery.safeParse(payload);
      expect(checked.success, `${s.topic}: ${checked.success ? '' : JSON.stringify(checked.error.issues)}`).toBe(true);
    }
    expect(JSON.parse(byObject.get('import_t1_kwh')!.payload)).toMatchObject({
      unique_id: 'digital_meter_import_t1_kwh', state_topic: 'digital-meter/sensor/import_t1_kwh',
      device_class: 'energy', unit_of_measurement: 'kWh', state_class: 'total_increasing',
      availability: [{ topic: 'digital-meter/status', payload_available: 'online', payload_not_available: 'offline' }],
      device: { identifiers: ['digital_meter'] },
    });
    expect(JSON.parse(byObject.get('gas_m3')!.payload)).toMatchObject({ device_class: 'gas', unit_of_measurement: 'm³', state_class: 'total_increasing' });
    expect(JSON.parse(byObject.get('water_m3')!.payload)).toMatchObject({ device_class: 'water', unit_of_measurement: 'm³' });
    expect(JSON.parse(byObject.get('power_import_kw')!.payload)).toMatchObject({ device_class: 'power', unit_of_measurement: 'kW', state_class: 'measurement' });
    expect(JSON.parse(byObject.get('cost_today_eur')!.payload)).toMatchObject({ device_class: 'monetary', unit_of_measurement: 'EUR', state_class: 'total' });
    // a Home Assistant starting later gets them from the broker: they are retained
    const late = await observer('homeassistant/sensor/digital_meter/+/config');
    await eventually(() => late.seen.length === 12, 'twelve retained configs');
    expect(late.seen.every((s) => s.retain)).toBe(true);
  });

  it('publishes values, availability online, and the whole state', async () => {
    const hub = fullHub();
    const obs = await observer('digital-meter/#');
    bridge(hub);
    const expected: Record<string, string> = {
      'digital-meter/status': 'online',
      'digital-meter/sensor/import_t1_kwh': '1234.567',
      'digital-meter/sensor/import_t2_kwh': '2345.678',
      'digital-meter/sensor/export_t1_kwh': '11.100',
      'digital-meter/sensor/export_t2_kwh': '22.200',
      'digital-meter/sensor/gas_m3': '3456.789',
      'digital-meter/sensor/water_m3': '123.456',
      'digital-meter/sensor/power_import_kw': '2.500',
      'digital-meter/sensor/power_export_kw': '0.000',
      'digital-meter/sensor/quarter_average_kw': '1.800',
      'digital-meter/sensor/month_peak_kw': '4.200',
      'digital-meter/sensor/gap_kw': '0.750',
      'digital-meter/sensor/cost_today_eur': '3.46',
    };
    await eventually(() => Object.keys(expected).every((t) => obs.last(t)), 'every value');
    for (const [topic, value] of Object.entries(expected)) expect(obs.last(topic)!.payload, topic).toBe(value);
    await eventually(() => obs.last('digital-meter/state') !== undefined, 'the state');
    expect(JSON.parse(obs.last('digital-meter/state')!.payload)).toEqual(hub.current);
    // every value is retained: a Home Assistant subscribing later gets all twelve at once
    const late = await observer('digital-meter/sensor/#');
    await eventually(() => late.seen.length === 12, 'retained values');
    expect(late.seen.every((s) => s.retain)).toBe(true);
    expect(late.seen.find((s) => s.topic.endsWith('/power_export_kw'))!.payload).toBe('0.000');
  });

  it('announces the site\'s base load and each device\'s granted power as devices appear, and publishes them', async () => {
    const hub = fullHub();
    const device = (id: string, grantedKw: number) => ({
      device: id, kind: 'ev' as const, door: 'local', class: 'plan' as const, measuredKw: 0, grantedKw,
      reason: { code: 'budget' as const, text: 'quarter budget' },
    });
    const site = { ...emptySiteState(), time: 1_700_000_000_000, meterSilent: false, baseKw: 1.234, devices: [device('garage-car', 3.7)] };
    hub.update({ site });
    const obs = await observer('#');
    bridge(hub);
    await eventually(() => obs.last('digital-meter/sensor/site_garage-car_granted_kw')?.payload === '3.700', 'the car\'s grant');
    expect(obs.last('digital-meter/sensor/site_base_kw')!.payload).toBe('1.234');
    const config = JSON.parse(obs.last('homeassistant/sensor/digital_meter/site_garage-car_granted_kw/config')!.payload) as unknown;
    expect(haSensorDiscovery.safeParse(config).success).toBe(true);
    expect(config).toMatchObject({ name: 'Granted power garage-car', unique_id: 'digital_meter_site_garage-car_granted_kw', device_class: 'power', unit_of_measurement: 'kW' });
    // a battery joins later: announced then, and its (negative: discharging) grant published
    hub.update({ site: { ...site, devices: [device('garage-car', 2.2), { ...device('battery', -1.5), kind: 'battery' as const, class: 'battery' as const }] } });
    await eventually(() => obs.last('digital-meter/sensor/site_battery_granted_kw')?.payload === '-1.500', 'the battery\'s grant');
    expect(obs.last('homeassistant/sensor/digital_meter/site_battery_granted_kw/config')).toBeDefined();
    await eventually(() => obs.last('digital-meter/sensor/site_garage-car_granted_kw')?.payload === '2.200', 'the car\'s new grant');
  });

  it('announces a satellite\'s charger at the meter as it appears, and publishes its values by its id', async () => {
    const hub = fullHub();
    const obs = await observer('#');
    bridge(hub);
    await eventually(() => obs.last('digital-meter/sensor/power_import_kw') !== undefined, 'the meter\'s values');
    // the garage's satellite reports its charger (main/site/satellite-state.ts marks it): 7.36 kW, 40 % from the user
    const garage = {
      id: 'garage', description: 'NRGkick', car: { id: 'car_1', name: 'Zoe', minSocPercent: 20 }, cars: [], plugged: true, state: 'charging' as const,
      chargerWords: null, soc: { percent: 40, source: 'user' as const, basedOn: 'user' as const }, socPrompt: false, powerKw: 7.36, phases: [],
      sessionKwh: 1.5, mode: 'smart' as const, commandA: 16, commandPhases: 2, grantedKw: 7.4, reason: { code: 'plan', text: 'charging as planned' },
      safe: false, problem: null, satellite: 'garage-pi',
    };
    hub.update({ ev: { chargers: [garage] } });
    await eventually(() => obs.last('digital-meter/sensor/ev_garage_power_kw')?.payload === '7.36', 'the satellite charger\'s power');
    expect(obs.last('digital-meter/sensor/ev_garage_soc')!.payload).toBe('40');
    expect(obs.last('digital-meter/sensor/ev_garage_reason')!.payload).toBe('charging as planned');
    const config = JSON.parse(obs.last('homeassistant/sensor/digital_meter/ev_garage_power_kw/config')!.payload) as unknown;
    expect(haSensorDiscovery.safeParse(config).success).toBe(true);
    expect(config).toMatchObject({ name: 'EV garage power', device_class: 'power', unit_of_measurement: 'kW' });
    // no control for it: its mode is set on the satellite
    expect(obs.last('homeassistant/select/digital_meter/ev_garage_mode/config')).toBeUndefined();
  });

  it('publishes a changing value at most once per interval, and always its latest value', async () => {
    const hub = fullHub();
    const obs = await observer('digital-meter/sensor/power_import_kw');
    const b = bridge(hub, { minIntervalS: 0.5 });
    await eventually(() => b.connected && obs.seen.length === 1, 'the first value');
    for (let i = 1; i <= 20; i++) hub.update({ meter: meter(1_700_000_000_000 + i * 1000, 2.5 + i / 100) });
    await eventually(() => obs.last('digital-meter/sensor/power_import_kw')?.payload === '2.700', 'the last value', 3000);
    // 20 changes within a few ms: the first value, then only the latest after the interval
    expect(obs.seen.map((s) => s.payload)).toEqual(['2.500', '2.700']);
  });

  it('answers commands on <prefix>/command, validated like websocket commands', async () => {
    const hub = fullHub();
    const obs = await observer('digital-meter/result');
    const b = bridge(hub);
    await eventually(() => b.connected, 'connected');
    await new Promise((r) => setTimeout(r, 100)); // let the bridge's subscription settle
    const send = (text: string) => obs.client.publishAsync('digital-meter/command', text);
    await send(JSON.stringify({ type: 'command', id: 'm1', name: 'get', args: { key: 'costs.periods.today.totalEur' } }));
    await send('{oops');
    await send(JSON.stringify({ type: 'command', id: 'm2', name: 'ev.unlockEverything' }));
    await send(JSON.stringify({ type: 'command', name: 'get' }));
    await eventually(() => obs.seen.length === 4, 'four answers');
    const answers = obs.seen.map((s) => JSON.parse(s.payload) as Record<string, unknown>);
    expect(answers[0]).toEqual({ type: 'result', id: 'm1', ok: true, value: 3.456 });
    expect(answers[1]).toMatchObject({ type: 'error', code: 'bad-json' });
    expect(answers[2]).toEqual({ type: 'result', id: 'm2', ok: false, error: { code: 'unknown-command', message: "unknown command 'ev.unlockEverything'; known: state, get" } });
    expect(answers[3]).toEqual({ type: 'error', code: 'bad-message', message: 'not a command: id: Invalid input: expected string, received undefined' });
    expect(hub.current.costs).toEqual({ periods: { today: { totalEur: 3.456 } } });
  });

  it('runs commands as the configured role, viewer by default: rates.save is forbidden and the file unchanged', async () => {
    const hub = fullHub();
    const obs = await observer('digital-meter/result');
    const commands = registerStateCommands(new CommandRegistry(), hub);
    const { file } = ratesCommands(commands);
    const before = readFileSync(file, 'utf8');
    const b = new MqttBridge({ config: mqttSchema.parse({ url: broker.url, minIntervalS: 0.3, commands: true }), hub, commands, version: '0.1.0', reconnectMs: 200 });
    cleanups.push(() => b.stop());
    b.start();
    await eventually(() => b.connected, 'connected');
    await new Promise((r) => setTimeout(r, 100)); // let the bridge's subscription settle
    // an anonymous client on the broker tries to rewrite the rates
    await obs.client.publishAsync('digital-meter/command', JSON.stringify({ type: 'command', id: 'r1', name: 'rates.save', args: { rates: JSON.parse(before) } }));
    await eventually(() => obs.seen.length === 1, 'the answer');
    expect(JSON.parse(obs.seen[0]!.payload)).toMatchObject({ type: 'result', id: 'r1', ok: false, error: { code: 'forbidden' } });
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('ignores commands unless enabled', async () => {
    const hub = fullHub();
    const obs = await observer('digital-meter/result');
    const b = bridge(hub, { commands: false });
    await eventually(() => b.connected, 'connected');
    await new Promise((r) => setTimeout(r, 100));
    await obs.client.publishAsync('digital-meter/command', JSON.stringify({ type: 'command', id: 'm1', name: 'state' }));
    await new Promise((r) => setTimeout(r, 300));
    expect(obs.seen).toEqual([]);
  });

  it('goes "offline" through the last will when the process dies, and on a clean stop', async () => {
    const hub = fullHub();
    const obs = await observer('digital-meter/status');
    const crashing = bridge(hub, {}, 60_000);
    await eventually(() => obs.last('digital-meter/status')?.payload === 'online', 'online');
    // a crash: the TCP connection ends without an MQTT DISCONNECT
    (crashing as unknown as { client: { stream: { destroy(): void } } }).client.stream.destroy();
    await eventually(() => obs.last('digital-meter/status')?.payload === 'offline', 'the last will');
    await crashing.stop();

    const clean = bridge(hub);
    await eventually(() => obs.last('digital-meter/status')?.payload === 'online', 'online again');
    await clean.stop();
    await eventually(() => obs.last('digital-meter/status')?.payload === 'offline', 'offline on stop');
    const late = await observer('digital-meter/status');
    await eventually(() => late.seen.length === 1, 'the retained status');
    expect(late.seen[0]).toMatchObject({ payload: 'offline', retain: true });
  });

  it('re-announces everything when Home Assistant comes back (homeassistant/status online)', async () => {
    const hub = fullHub();
    const b = bridge(hub, { minIntervalS: 60 });
    await eventually(() => b.connected, 'connected');
    await new Promise((r) => setTimeout(r, 100));
    const obs = await observer('digital-meter/sensor/power_import_kw');
    await eventually(() => obs.seen.length === 1, 'the retained value');
    await obs.client.publishAsync('homeassistant/status', 'online');
    await eventually(() => obs.seen.length === 2, 'the value again despite the 60 s interval');
    expect(obs.seen[1]!.retain).toBe(false); // sent live to the subscriber
    expect(obs.seen.at(-1)!.payload).toBe('2.500');
  });

  it('answers a storm of homeassistant/status online with one announcement at once and one when the wait ends', async () => {
    const hub = fullHub();
    const config = mqttSchema.parse({ url: broker.url, minIntervalS: 60 });
    const b = new MqttBridge({ config, hub, commands: registerStateCommands(new CommandRegistry(), hub), version: '0.1.0', announceMinMs: 3000 });
    cleanups.push(() => b.stop());
    b.start();
    await eventually(() => b.connected, 'connected');
    const obs = await observer('homeassistant/sensor/digital_meter/power_import_kw/config');
    await eventually(() => obs.seen.length === 1, 'the retained discovery config');
    for (let i = 0; i < 20; i++) await obs.client.publishAsync('homeassistant/status', 'online');
    await eventually(() => obs.seen.length === 3, 'the config once at once and once after the wait', 10_000);
    // before: 1 + 20 (one announcement of all 23 messages per "online")
    await new Promise((r) => setTimeout(r, 500));
    expect(obs.seen).toHaveLength(3);
  }, 30_000);

  it('logs a broker that is down once, not at every retry', async () => {
    const { log, lines } = captureLog();
    const url = broker.url;
    await broker.stop();
    const config = mqttSchema.parse({ url, minIntervalS: 1 });
    const b = new MqttBridge({ config, hub: new StateHub(), commands: registerStateCommands(new CommandRegistry(), new StateHub()), version: '0.1.0', reconnectMs: 50, log });
    cleanups.push(() => b.stop());
    b.start();
    // at least 10 failed attempts (each an error and a close)
    await eventually(() => lines.filter((l) => l.msg !== undefined).length >= 1, 'a line');
    await new Promise((r) => setTimeout(r, 1000));
    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toBe('MQTT broker unreachable; retrying every 50 ms (logged once until it is back)');
    expect(String(warnings[0]!.err)).toContain('ECONNREFUSED');
  }, 30_000);
});
