/**
 * The site across processes: a `serve` meter (simulated P1 at one telegram a second) and a
 * `serve --roles ev` satellite with a test device, both started from the README's satellite
 * steps as written (on free ports instead of 8080 and 8081; the satellite reaches the meter
 * through a TCP relay so the link can be cut silently). Observed as a user would: a viewer on the
 * meter's bus (`site`) and one on the satellite's own bus (`satellite`).
 *
 * Times are measured from the event (a kill, a cut, a pause) to the delta that shows its effect;
 * the bounds are the product's promises (3 s to the safe state, 1 s for a closed socket, the ping
 * timeout for a silent cut), not tuned to this machine.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusClient } from '../../main/bus/client.js';
import type { BusState } from '../../shared/state.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { eventually } from '../support/ws-probe.js';

function packageRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'bin', 'digital-meter.js'))) dir = dirname(dir);
  return dir;
}
const ROOT = packageRoot();
const BIN = join(ROOT, 'bin', 'digital-meter.js');

/** The README's satellite steps: the shell block between the satellite-steps markers. */
function readmeSteps(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- satellite-steps -->\n```sh\n([\s\S]*?)```\n<!-- \/satellite-steps -->/.exec(readme);
  if (!block) throw new Error('README.md has no satellite-steps block');
  return block[1]!.split('\n');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

interface Started { child: ChildProcess; token: string; port: number; stderr: () => string }

/** `npx digital-meter serve ...` as the README has it, in the steps' folder; resolves on its one stdout line. */
async function serve(args: string[], cwd: string): Promise<Started> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, DM_TOKEN: '', XDG_CONFIG_HOME: join(cwd, 'xdg-config'), XDG_DATA_HOME: join(cwd, 'xdg-data') }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address within 60 s; stderr:\n${err.slice(-2000)}`)), 60_000);
    createInterface({ input: child.stdout! }).once('line', (l) => { clearTimeout(timer); resolve(l); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited with ${code}; stderr:\n${err.slice(-2000)}`)); });
  });
  const match = /^Dashboard: http:\/\/[^:]+:(\d+)\/#token=(\S+)$/.exec(line);
  if (!match) throw new Error(`unexpected line: ${line}`);
  return { child, port: Number(match[1]), token: match[2]!, stderr: () => err };
}

function viewer(url: string, token: string): BusClient {
  const client = new BusClient({ url, token, role: 'viewer', name: 'test-viewer', backoff: { initialMs: 100, maxMs: 500 } });
  client.start();
  return client;
}

const testload = (state: BusState | null) => state?.site?.devices.filter((d) => d.device === 'testload') ?? [];
const satDevice = (state: BusState | null) => state?.satellite?.devices.find((d) => d.device === 'testload') ?? null;

describe('a satellite for real: serve --roles ev connecting to a serve meter, as the README says', () => {
  let dir: string;
  let meter: Started;
  let satellite: Started;
  let proxy: TcpProxy;
  let meterView: BusClient;
  let satView: BusClient;
  let satelliteArgs: string[];
  const clients: BusClient[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dm-site-'));
    const meterPort = await freePort();
    const satellitePort = await freePort();
    // the satellite is configured with the relay's address, which forwards to the meter
    let relayPort = 0;
    let token = '';
    const lines = readmeSteps();
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.replace(/\s+#.*$/, '').trim();
      if (!line) continue;
      const heredoc = /^cat > (\S+) <<'JSON'$/.exec(line);
      if (heredoc) {
        const body: string[] = [];
        while (lines[++i] !== 'JSON') body.push(lines[i]!);
        const text = body.join('\n')
          .replace('PASTE-THE-METER-TOKEN', token)
          .replace('ws://127.0.0.1:8080/ws', `ws://127.0.0.1:${relayPort}/ws`);
        writeFileSync(join(dir, heredoc[1]!), text + '\n');
        continue;
      }
      const command = /^npx digital-meter (.*?)( &)?$/.exec(line);
      if (!command) throw new Error(`a README step this test does not know how to run: ${line}`);
      const args = command[1]!.split(/\s+/).map((a) => (a === '8080' ? String(meterPort) : a === '8081' ? String(satellitePort) : a));
      if (args[0] === 'token') {
        token = execFileSync(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, DM_TOKEN: '' } }).toString().trim();
      } else if (command[2]) {
        meter = await serve(args, dir);
        proxy = await TcpProxy.start(meter.port);
        relayPort = proxy.port;
      } else {
        satelliteArgs = args;
        satellite = await serve(args, dir);
      }
    }
    expect(meter.token).toBe(token);
    meterView = viewer(`ws://127.0.0.1:${meter.port}/ws`, meter.token);
    satView = viewer(`ws://127.0.0.1:${satellite.port}/ws`, satellite.token);
    clients.push(meterView, satView);
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) await c.close();
    await proxy?.close();
    for (const p of [satellite, meter]) if (p && p.child.exitCode === null) p.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('the satellite files its device\'s demand under its name and follows its grants', async () => {
    await eventually(() => testload(meterView.current).length === 1 && testload(meterView.current)[0]!.measuredKw >= 1, 'testload drawing its grant at the meter', 30_000);
    const [device] = testload(meterView.current);
    expect(device).toMatchObject({ kind: 'test', door: 'satellite:garage', class: 'emergency' });
    // emergency: at least its 1 kW minimum, at most its 2 kW
    expect(device!.grantedKw).toBeGreaterThanOrEqual(1);
    expect(device!.grantedKw).toBeLessThanOrEqual(2);
    await eventually(() => satDevice(satView.current)?.safe === false, 'the satellite\'s page showing a fresh grant', 10_000);
    expect(satView.current?.satellite).toMatchObject({ name: 'garage', link: 'connected' });
    expect(satDevice(satView.current)!.reason?.code).toBe('emergency');
  }, 60_000);

  it('grants withheld while deltas flow: the device is safe when its grant expires, and resumes', async () => {
    let safeAt: number | null = null;
    const onDelta = (_d: unknown, state: BusState) => { if (safeAt === null && satDevice(state)?.safe) safeAt = performance.now(); };
    satView.on('delta', onDelta);
    const result = await meterView.command('site.pause');
    const pausedAt = performance.now();
    try {
      expect(result).toMatchObject({ ok: true, value: { paused: true } });
      await eventually(() => safeAt !== null, 'the device safe', 10_000);
      // the last grant came at most one telegram before the pause: safe 2.5 s after it, within 3 s
      expect(safeAt! - pausedAt).toBeLessThan(3000);
      // telegrams kept coming all along: this was the grant's expiry, not a stale link
      expect(satView.current?.satellite?.link).toBe('connected');
      // and the device itself stopped drawing (it checks its grant's age every 100 ms)
      await eventually(() => satDevice(satView.current)!.drawKw === 0, 'the device drawing nothing', 1000);
    } finally {
      satView.off('delta', onDelta);
      // the later tests need grants again, whatever happened here
      await meterView.command('site.resume');
    }
    await eventually(() => satDevice(satView.current)?.safe === false && satDevice(satView.current)!.drawKw >= 1, 'the device running again', 10_000);
  }, 30_000);

  it('a silent link cut: the device is safe within 3 s, its demand gone at the meter within the ping timeout (2 x 15 s)', async () => {
    let goneAt: number | null = null;
    let safeAt: number | null = null;
    const onMeter = (_d: unknown, state: BusState) => { if (goneAt === null && testload(state).length === 0) goneAt = performance.now(); };
    const onSat = (_d: unknown, state: BusState) => { if (safeAt === null && satDevice(state)?.safe) safeAt = performance.now(); };
    meterView.on('delta', onMeter);
    satView.on('delta', onSat);
    proxy.blackhole();
    const cutAt = performance.now();
    await eventually(() => safeAt !== null, 'the device safe after the cut', 10_000);
    expect(safeAt! - cutAt).toBeLessThan(3000);
    await eventually(() => goneAt !== null, 'the demand gone at the meter', 40_000);
    meterView.off('delta', onMeter);
    satView.off('delta', onSat);
    expect(goneAt! - cutAt).toBeLessThan(30_000 + 1000);
  }, 60_000);

  it('the link back: the same identity, one demand, no duplicate grants', async () => {
    proxy.restore();
    await eventually(() => testload(meterView.current).length === 1 && satDevice(satView.current)?.safe === false, 'the satellite back', 30_000);
    // a few telegrams later: still one entry, from the same door, and no grant received twice
    const grantsBefore = satDevice(satView.current)!.grants;
    await eventually(() => satDevice(satView.current)!.grants >= grantsBefore + 3, 'three more grants', 10_000);
    expect(testload(meterView.current)).toEqual([expect.objectContaining({ door: 'satellite:garage' })]);
    expect(satDevice(satView.current)!.duplicateGrants).toBe(0);
  }, 60_000);

  it('the satellite\'s socket closed (process killed): its demand gone within 1 s; restarted, it is the same satellite', async () => {
    let goneAt: number | null = null;
    const onMeter = (_d: unknown, state: BusState) => { if (goneAt === null && testload(state).length === 0) goneAt = performance.now(); };
    meterView.on('delta', onMeter);
    satellite.child.kill('SIGKILL');
    const killedAt = performance.now();
    await eventually(() => goneAt !== null, 'the demand gone at the meter', 10_000);
    meterView.off('delta', onMeter);
    expect(goneAt! - killedAt).toBeLessThan(1000);

    await satView.close();
    satellite = await serve(satelliteArgs, dir);
    satView = viewer(`ws://127.0.0.1:${satellite.port}/ws`, satellite.token);
    clients.push(satView);
    await eventually(() => testload(meterView.current).length === 1 && satDevice(satView.current)?.safe === false, 'the restarted satellite granted', 30_000);
    expect(testload(meterView.current)[0]!.door).toBe('satellite:garage');
  }, 90_000);

  it('the meter killed: the satellite\'s device is safe within 3 s of the last telegram', async () => {
    let lastTelegramAt = 0;
    let safeAt: number | null = null;
    meterView.on('delta', (delta) => { if ('meter' in delta.set || 'meter.time' in delta.set) lastTelegramAt = performance.now(); });
    satView.on('delta', (_d, state) => { if (safeAt === null && satDevice(state)?.safe) safeAt = performance.now(); });
    await eventually(() => lastTelegramAt > 0, 'a telegram', 5000);
    meter.child.kill('SIGKILL');
    await eventually(() => safeAt !== null, 'the device safe', 10_000);
    expect(safeAt! - lastTelegramAt).toBeLessThan(3000);
    await eventually(() => satDevice(satView.current)!.drawKw === 0, 'the device drawing nothing', 1000);
    await eventually(() => satView.current?.satellite?.link !== 'connected', 'the satellite\'s page showing the link down', 10_000);
  }, 30_000);
});
