/**
 * The garage machine's devices for the fault suite, run inside the garage's network namespace
 * (`ip netns exec ... node dist/test/support/faults/garage.js METER_HOST METER_PORT`): the
 * NRGkick simulator on HTTP and the SunSpec battery simulator on Modbus TCP, both on this
 * namespace's loopback, and the relay (FaultProxy) through which the satellites reach the meter.
 *
 * It reports on stdout, one JSON object a line, every command the devices received, the car's
 * power when it changes (with the charger's warning, e.g. ENERGY_LIMIT_REACHED), and every
 * telegram, grant and hello that crossed the relay, each with the time on the machine's
 * monotonic clock (process.hrtime: one clock for every process, whatever its namespace). It
 * takes link modes on stdin ({"mode": {...}}).
 */
import { createInterface } from 'node:readline';
import { SunspecBatterySimulator } from '../../../main/battery/simulator/sunspec-simulator.js';
import { ChargerSimulator } from '../../../main/ev/simulator/server.js';
import { FaultProxy, monoMs, type LinkMode, type WireNote } from './fault-proxy.js';

const [meterHost, meterPortText] = process.argv.slice(2);
if (!meterHost || !meterPortText) {
  process.stderr.write('usage: garage.js METER_HOST METER_PORT\n');
  process.exit(2);
}

const say = (line: object): void => { process.stdout.write(JSON.stringify(line) + '\n'); };

function noteWire(note: WireNote): void {
  const { t, conn, dir, message } = note;
  if (message.opcode === 0x8) { say({ type: 'close', t, conn, dir }); return; }
  if (message.opcode !== 0x1) return;
  let parsed: { type?: string; name?: string; set?: Record<string, unknown>; grant?: Record<string, unknown>; seq?: number };
  try { parsed = JSON.parse(message.text) as typeof parsed; } catch { return; }
  if (dir === 'up' && parsed.type === 'hello') say({ type: 'hello', t, conn, name: parsed.name ?? null });
  else if (dir === 'down' && parsed.type === 'grant') say({ type: 'grant', t, conn, grant: parsed.grant });
  else if (dir === 'down' && parsed.type === 'snapshot') say({ type: 'snapshot', t, conn });
  else if (dir === 'down' && parsed.type === 'delta' && parsed.set && ('meter' in parsed.set || 'meter.time' in parsed.set)) {
    say({ type: 'telegram', t, conn, seq: parsed.seq });
  }
}

const charger = new ChargerSimulator({ grid: '3x400' });
const chargerUrl = await charger.listen(0, '127.0.0.1');
charger.plug({ batteryKwh: 52, maxPhases: 3, maxCurrentA: 16, socPercent: 40 });
charger.onRequest((request) => {
  // with the session's energy when it arrived: how much a lease (energy_limit) left the car
  if (request.path === '/control') say({ type: 'charger', t: Number(request.arrivedNs) / 1e6, query: request.query, sessionWh: (charger.powerKw(), charger.model.sessionWh) });
});

// the car's power and the charger's warning, said when they change (a step of 0.5 kW or more, a
// start, a stop): a stop the charger makes by itself at its energy limit shows here, not among the commands
let saidKw: number | null = null;
let saidWarning = '';
setInterval(() => {
  const kw = charger.powerKw();
  const warning = charger.warningCode();
  const started = (saidKw === null || saidKw === 0) !== (kw === 0);
  if (!started && saidKw !== null && Math.abs(kw - saidKw) < 0.5 && warning === saidWarning) return;
  saidKw = kw;
  saidWarning = warning;
  say({ type: 'car', t: monoMs(), kw, warning, sessionWh: charger.model.sessionWh, limitWh: charger.current().energyLimitWh });
}, 100).unref();

const battery = new SunspecBatterySimulator({ battery: { socPct: 80 }, now: monoMs });
const batteryPort = await battery.listen(0, '127.0.0.1');
battery.onControlWrite((write) => say({ type: 'battery', t: write.at, write, forced: battery.battery.forced }));

const proxy = await FaultProxy.start({ host: '127.0.0.1', target: { host: meterHost, port: Number(meterPortText) }, onNote: noteWire });

// the battery's own mode comes back by its revert timeout: reported when it happens
let reverts = 0;
setInterval(() => {
  battery.refresh();
  if (battery.battery.reverts !== reverts) {
    reverts = battery.battery.reverts;
    say({ type: 'battery-reverted', t: monoMs(), reverts });
  }
}, 100).unref();

say({ type: 'ready', t: monoMs(), chargerUrl, batteryPort, proxyPort: proxy.port });

const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  const command = JSON.parse(line) as { mode?: LinkMode; exit?: boolean };
  if (command.mode) {
    proxy.setMode(command.mode);
    say({ type: 'mode', t: monoMs(), mode: command.mode });
  }
  if (command.exit) void shutdown();
});
input.on('close', () => void shutdown());

async function shutdown(): Promise<void> {
  await proxy.close();
  await charger.close();
  await battery.close();
  process.exit(0);
}
