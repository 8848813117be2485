import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueNamedToken } from '../../../main/bus/named-tokens.js';
import { startServe, type ServeProcess } from '../../support/serve-process.js';
import { startGarage, type Garage } from './garage-harness.js';

export type SatelliteKind = 'ev' | 'battery';
export const SATELLITE_NAME: Record<SatelliteKind, string> = { ev: 'garage-ev', battery: 'garage-battery' };
/**
 * The EV charger's energy lease here (ev.chargers[].energyLease; default 60 s): short, so a dead
 * EV satellite's car stops within a test's patience. 15 s of 11.04 kW = 46 Wh, renewed every 5 s.
 */
export const EV_LEASE = { seconds: 15, minWh: 20, renewSeconds: 5 };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/**
 * The whole site on this machine's loopback, every role a real `serve` process: the meter with
 * the given P1 source, and the garage (the devices' simulators and the relay, as a child process
 * reporting every command) with an EV and a battery satellite, each with its own token. The
 * meter keeps one port across restarts so the satellites find it again.
 */
export class Site {
  meter: ServeProcess | null = null;
  readonly satellites = new Map<SatelliteKind, ServeProcess>();
  private constructor(readonly dir: string, readonly meterDb: string, private readonly meterPort: number, readonly garage: Garage) {}

  static async start(o: { p1: object; revertSeconds: number }): Promise<Site> {
    const dir = mkdtempSync(join(tmpdir(), 'dm-faults-site-'));
    const meterData = join(dir, 'meter-data');
    writeFileSync(join(dir, 'meter.json'), JSON.stringify({
      roles: ['meter'], dataDir: meterData, log: { level: 'warn', file: false }, p1: o.p1,
      site: { fuse: { grid: '3x400', phases: 3, amps: 40 } },
    }));
    const tokens = { ev: issueNamedToken(meterData, 'satellite', SATELLITE_NAME.ev).token, battery: issueNamedToken(meterData, 'satellite', SATELLITE_NAME.battery).token };
    const meterPort = await freePort();
    const garage = await startGarage([], '127.0.0.1', meterPort);
    const site = new Site(dir, join(meterData, 'meter.sqlite'), meterPort, garage);
    const url = `ws://127.0.0.1:${garage.proxyPort}/ws`;
    writeFileSync(join(dir, 'ev.json'), JSON.stringify({
      roles: ['ev'], dataDir: join(dir, 'ev-data'), log: { level: 'warn', file: false },
      bus: { meter: { url, token: tokens.ev, name: SATELLITE_NAME.ev } },
      ev: {
        grid: '3x400',
        cars: [{ id: 'zoe', name: 'Zoe', batteryKwh: 52 }],
        chargers: [{ id: 'garage', type: 'nrgkick', url: garage.chargerUrl, car: 'zoe', mode: 'now', energyLease: EV_LEASE }],
      },
    }));
    writeFileSync(join(dir, 'battery.json'), JSON.stringify({
      roles: ['battery'], dataDir: join(dir, 'battery-data'), log: { level: 'warn', file: false },
      bus: { meter: { url, token: tokens.battery, name: SATELLITE_NAME.battery } },
      battery: { type: 'sunspec', host: '127.0.0.1', port: garage.batteryPort, inverterKva: 5, revertSeconds: o.revertSeconds, timeoutMs: 3000 },
    }));
    return site;
  }

  async startMeter(): Promise<ServeProcess> {
    this.meter = await startServe(['--config', join(this.dir, 'meter.json'), '--port', String(this.meterPort)], { home: join(this.dir, 'm') });
    return this.meter;
  }

  async startSatellite(kind: SatelliteKind): Promise<ServeProcess> {
    const s = await startServe(['--config', join(this.dir, `${kind}.json`), '--port', '0'], { home: join(this.dir, kind) });
    this.satellites.set(kind, s);
    return s;
  }

  async kill(process: ServeProcess | null): Promise<void> {
    if (!process || process.child.exitCode !== null || process.child.signalCode !== null) return;
    const exited = new Promise((r) => process.child.once('exit', r));
    process.child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    for (const s of this.satellites.values()) await this.kill(s);
    await this.kill(this.meter);
    await this.garage.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
