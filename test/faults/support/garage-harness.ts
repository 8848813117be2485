import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { LinkMode } from '../../support/faults/fault-proxy.js';
import { DeviceRecords } from './device-records.js';

function packageRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'bin', 'digital-meter.js'))) dir = dirname(dir);
  return dir;
}

/** The compiled garage harness (npm run build; `npm run test:faults` builds first). */
export const GARAGE_JS = join(packageRoot(), 'dist', 'test', 'support', 'faults', 'garage.js');

export interface Garage {
  child: ChildProcess;
  records: DeviceRecords;
  chargerUrl: string;
  batteryPort: number;
  proxyPort: number;
  setMode(mode: LinkMode): void;
  stop(): Promise<void>;
}

/** Start the garage's devices and relay (test/support/faults/garage.ts) on the given machine. */
export async function startGarage(wrap: string[], meterHost: string, meterPort: number): Promise<Garage> {
  if (!existsSync(GARAGE_JS)) throw new Error(`${GARAGE_JS} is missing: run npm run build first`);
  const [command, ...rest] = [...wrap, process.execPath, GARAGE_JS, meterHost, String(meterPort)];
  const child = spawn(command!, rest, { stdio: ['pipe', 'pipe', 'pipe'] });
  const records = new DeviceRecords();
  let err = '';
  child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the garage harness did not start within 30 s: ${err}`)), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (parsed.type === 'ready') { clearTimeout(timer); resolve(parsed); } else records.take(parsed);
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the garage harness exited with ${code}: ${err}`)); });
  });
  return {
    child, records,
    chargerUrl: ready.chargerUrl as string, batteryPort: ready.batteryPort as number, proxyPort: ready.proxyPort as number,
    setMode: (mode) => { child.stdin!.write(JSON.stringify({ mode }) + '\n'); },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin!.end(JSON.stringify({ exit: true }) + '\n');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Wait for a condition, polling; fails naming what did not happen. */
export async function until(what: string, test: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
