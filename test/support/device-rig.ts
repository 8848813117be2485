import { connectAsync, type MqttClient } from 'mqtt';
import { SunspecBatterySimulator } from '../../main/battery/simulator/sunspec-simulator.js';
import { ChargerSimulator } from '../../main/ev/simulator/server.js';
import { startMosquitto, type Broker } from './mosquitto.js';
import { waitFor } from './scaled-timers.js';

/**
 * The devices a stop-order test watches, all real sockets in the test's process: the NRGkick
 * simulator (HTTP) with a car plugged in, the SunSpec battery simulator (Modbus TCP), a real
 * Mosquitto with an observer on the status topic. Each records what it was told and when
 * (Date.now, wall clock), so the times compare with the log lines and the exit of the process
 * under test. `config()` is a meter + ev + battery configuration driving all three.
 */
export interface DeviceRig {
  charger: ChargerSimulator;
  battery: SunspecBatterySimulator;
  broker: Broker;
  /** every status message the observer saw (online/offline), with its arrival time */
  status: { payload: string; at: number }[];
  config(extra?: Record<string, unknown>): Record<string, unknown>;
  /** the charger charges and the battery has been commanded (a forced window) */
  underControl(timeoutMs: number): Promise<void>;
  /** what the devices were last told, and when */
  lastCommands(): { chargerPause: { atMs: number } | null; batteryOwnMode: { wallMs: number } | null };
  close(): Promise<void>;
}

const TOPIC_PREFIX = 'dm-stop';

export async function startDeviceRig(): Promise<DeviceRig> {
  const charger = new ChargerSimulator({ grid: '3x400' });
  const chargerUrl = await charger.listen();
  charger.plug({ batteryKwh: 52, maxPhases: 3, maxCurrentA: 16, socPercent: 40 });
  const battery = new SunspecBatterySimulator({ battery: { socPct: 80 } });
  const batteryPort = await battery.listen();
  const broker = await startMosquitto();
  const status: { payload: string; at: number }[] = [];
  const observer: MqttClient = await connectAsync(broker.url, { clientId: `stop-observer-${process.pid}` });
  observer.on('message', (_topic, payload) => status.push({ payload: payload.toString(), at: Date.now() }));
  await observer.subscribeAsync(`${TOPIC_PREFIX}/status`, { qos: 1 });

  const controlWrites = () => charger.requests.filter((r) => r.path === '/control' && Object.keys(r.query).length > 0);
  return {
    charger, battery, broker, status,
    config: (extra = {}) => ({
      roles: ['meter', 'ev', 'battery'], log: { level: 'info', file: false },
      // a winter evening: the house imports, so the battery discharges (auto); the car charges now
      p1: { type: 'simulator', seed: 4, start: '2026-01-14T19:00', speed: 1, grid: '3x400' },
      site: { fuse: { grid: '3x400', phases: 3, amps: 40 } },
      ev: {
        cars: [{ id: 'car_1', name: 'Zoe', batteryKwh: 52 }],
        chargers: [{ id: 'garage', type: 'nrgkick', url: chargerUrl, car: 'car_1', mode: 'now' }],
      },
      battery: { type: 'sunspec', host: '127.0.0.1', port: batteryPort, inverterKva: 5, revertSeconds: 60, timeoutMs: 3000 },
      bus: { port: 0, mqtt: { url: broker.url, topicPrefix: TOPIC_PREFIX, minIntervalS: 1 } },
      ...extra,
    }),
    underControl: async (timeoutMs) => {
      await waitFor('the charger charging', () => !charger.current().paused && charger.current().currentSetA >= 6, timeoutMs);
      await waitFor('the battery forced', () => battery.battery.forced && battery.writes.some((w) => w.storCtlMod !== 0), timeoutMs);
      await waitFor('the MQTT bridge online', () => status.at(-1)?.payload === 'online', timeoutMs);
    },
    lastCommands: () => {
      // the last command of the car's current or pause (the EV driver's energy lease is taken off after the pause)
      const lastCharger = controlWrites().filter((r) => 'charge_pause' in r.query || 'current_set' in r.query).at(-1);
      const lastBattery = battery.writes.at(-1);
      return {
        chargerPause: lastCharger?.query.charge_pause === '1' ? { atMs: lastCharger.atMs } : null,
        batteryOwnMode: lastBattery?.storCtlMod === 0 ? { wallMs: lastBattery.wallMs } : null,
      };
    },
    close: async () => {
      await observer.endAsync();
      await charger.close();
      await battery.close();
      await broker.stop();
    },
  };
}

/** pino's JSON lines (a pipe, not a terminal): the time of the first line with this message. */
export function logTime(lines: readonly string[], message: string): number | null {
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; time?: number };
      if (entry.msg?.includes(message) && typeof entry.time === 'number') return entry.time;
    } catch { /* a partial line */ }
  }
  return null;
}
