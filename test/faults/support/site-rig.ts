import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SunspecBatterySimulator } from '../../../main/battery/simulator/sunspec-simulator.js';
import { issueNamedToken } from '../../../main/bus/named-tokens.js';
import { ChargerSimulator } from '../../../main/ev/simulator/server.js';
import { freePort, startMosquitto, type Broker } from '../../support/mosquitto.js';
import { startServe, type ServeProcess } from '../../support/serve-process.js';

/**
 * The whole site as a household runs it, for the fault suite: the meter role reading its P1
 * simulator (optionally faster than real time), the EV role on the NRGkick simulator (real HTTP),
 * the battery role on the SunSpec simulator (real Modbus TCP), Home Assistant's side as a real
 * Mosquitto with the bridge's commands on. Devices beside the meter in one `serve`, or on a
 * satellite `serve` (a second process on the meter's websocket with its own satellite token).
 */
export interface RigOptions {
  /** simulated seconds per second of the P1 simulator */
  speed: number;
  /** the simulated meter's first telegram, Brussels time (as `simulate --start`) */
  start: string;
  /** EV and battery in a second `serve` (a satellite) rather than beside the meter */
  satellite: boolean;
  /** what MQTT commands may do (bus.mqtt.role) */
  mqttRole: 'viewer' | 'dashboard';
  /** the memory sampler in each serve process: one JSON line per this many ms into <dir>/<name>.samples */
  sampleMs?: number;
  logLevel?: string;
}

export interface Rig {
  dir: string;
  meter: ServeProcess;
  satellite: ServeProcess | null;
  /** the meter's data directory (meter.sqlite, rates.json beside the config) */
  meterData: string;
  ratesFile: string;
  satelliteToken: string;
  charger: ChargerSimulator;
  battery: SunspecBatterySimulator;
  broker: Broker;
  samplesFile(process: 'meter' | 'satellite'): string;
  stop(): Promise<void>;
}

const SAMPLER = resolve(import.meta.dirname, '../../../dist/test/support/memory-sampler.js');

/** A rates file a household could have written: day and night registers, a capacity price. */
export const RIG_RATES = {
  Electricity: {
    registers: { 1: 'Day', 2: 'Night' },
    '+': { Day: 0.32, Night: 0.26 },
    '-': { Day: 0.04, Night: 0.03 },
  },
  Capacity: { eurPerKwYear: 53.26 },
};

export async function startRig(o: RigOptions): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'dm-rig-'));
  const broker = await startMosquitto();
  const charger = new ChargerSimulator({ grid: '3x400' });
  const chargerUrl = await charger.listen();
  charger.plug({ batteryKwh: 60, maxPhases: 3, maxCurrentA: 16, socPercent: 30 });
  const battery = new SunspecBatterySimulator({ battery: { socPct: 60 } });
  const batteryPort = await battery.listen();
  const meterData = join(dir, 'meter-data');
  const ratesFile = join(dir, 'rates.json');
  writeFileSync(ratesFile, `${JSON.stringify(RIG_RATES, null, 2)}\n`);
  const satelliteName = 'garage-pi';
  const satelliteToken = issueNamedToken(meterData, 'satellite', satelliteName).token;
  const log = { level: o.logLevel ?? 'warn', file: true };
  const devices = {
    ev: {
      cars: [{ id: 'car_1', name: 'Zoe', batteryKwh: 60 }],
      chargers: [{ id: 'garage', type: 'nrgkick', url: chargerUrl, car: 'car_1', mode: 'now' }],
    },
    battery: { type: 'sunspec', host: '127.0.0.1', port: batteryPort, inverterKva: 5, revertSeconds: 10, timeoutMs: 3000 },
  };
  const meterConfig = {
    dataDir: meterData, rates: 'rates.json', log,
    roles: o.satellite ? ['meter'] : ['meter', 'ev', 'battery'],
    p1: { type: 'simulator', seed: 7, start: o.start, speed: o.speed, grid: '3x400' },
    site: { fuse: { grid: '3x400', phases: 3, amps: 32 } },
    bus: { mqtt: { url: broker.url, minIntervalS: 1, commands: true, role: o.mqttRole } },
    ...(o.satellite ? {} : devices),
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(meterConfig, null, 2));
  const sampler = (name: string) => (o.sampleMs
    ? { NODE_OPTIONS: `--expose-gc --import ${SAMPLER}`, DM_SAMPLE_FILE: join(dir, `${name}.samples`), DM_SAMPLE_MS: String(o.sampleMs) }
    : {});
  const meter = await startServe(['--config', join(dir, 'config.json'), '--port', String(await freePort())], { home: join(dir, 'meter-home'), env: sampler('meter') });
  let satellite: ServeProcess | null = null;
  if (o.satellite) {
    writeFileSync(join(dir, 'satellite.json'), JSON.stringify({
      dataDir: join(dir, 'satellite-data'), log, roles: ['ev', 'battery'],
      bus: { meter: { url: `${meter.origin.replace('http', 'ws')}/ws`, token: satelliteToken, name: satelliteName } },
      ...devices, ev: { ...devices.ev, grid: '3x400' },
    }, null, 2));
    satellite = await startServe(['--config', join(dir, 'satellite.json'), '--port', String(await freePort())], { home: join(dir, 'satellite-home'), env: sampler('satellite') });
  }
  return {
    dir, meter, satellite, meterData, ratesFile, satelliteToken, charger, battery, broker,
    samplesFile: (name) => join(dir, `${name}.samples`),
    async stop() {
      if (satellite) await satellite.stop();
      await meter.stop();
      await charger.close();
      await battery.close();
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
