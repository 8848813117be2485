/**
 * `digital-meter simulate`: a simulated Belgian meter's P1 telegrams on stdout, or served over
 * TCP like a P1 dongle. The simulator (main/p1/simulator/) generates; this file only wires the
 * options, the pacing and the output.
 */
import { once } from 'node:events';
import { createLogger } from '../log/logger.js';
import { SimulatedMeter } from '../p1/simulator/meter.js';
import { GRID_KINDS, type GridKind } from '../p1/simulator/grid.js';
import { paceTelegrams, type TelegramSink } from '../p1/simulator/pacer.js';
import { TcpBroadcast } from '../p1/simulator/tcp-broadcast.js';
import { parseDuration, parseSpeed, parseStart, SimulatorOptionError } from '../p1/simulator/run-options.js';
import { parseCommandLine, UsageError } from './usage.js';

const HELP = `usage: digital-meter simulate [options]

Simulates a Belgian household behind an e-MUCS 50217 meter: one P1 telegram per simulated
second, with correct CRCs, written to stdout (or served over TCP with --tcp).
  --seed N          the household and its days (default 1); same seed and start = same bytes
  --start ISO       first telegram's time, e.g. 2025-01-15T18:00 (Brussels time without an
                    offset) or 2025-01-15T17:00:00Z (default: now)
  --speed X|max     simulated seconds per real second (default 1 = real time)
  --grid G          1x230, 3x230 or 3x400 (default 3x400)
  --duration D      90s, 15m, 1h, 7d ... (default: no end)
  --tcp PORT        serve the telegrams to every TCP client instead of writing stdout
                    (PORT 0 picks a free port; the port is logged)
  --host ADDRESS    address to listen on with --tcp (default 127.0.0.1)
  --pv KWP          PV peak power in kWp (default drawn from the seed; 0 = no panels)
  --water           add a water meter on M-Bus channel 2
`;

function integerOption(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} ${text}: expected a whole number from ${min} to ${max}`);
  return value;
}

/** stdout as a sink; a closed pipe (`| head`) ends the run quietly. */
function stdoutSink(abort: AbortController): TelegramSink {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') process.stderr.write(`digital-meter simulate: stdout: ${error.message}\n`);
    abort.abort();
  });
  return {
    write: (chunk) => process.stdout.write(chunk),
    drained: () => once(process.stdout, 'drain', { signal: abort.signal }).then(() => undefined, () => undefined),
  };
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandLine({
    args,
    options: {
      seed: { type: 'string', default: '1' },
      start: { type: 'string' },
      speed: { type: 'string', default: '1' },
      grid: { type: 'string', default: '3x400' },
      duration: { type: 'string' },
      tcp: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      pv: { type: 'string' },
      water: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!GRID_KINDS.includes(values.grid as GridKind)) throw new UsageError(`--grid ${values.grid}: expected one of ${GRID_KINDS.join(', ')}`);
  const seed = integerOption('seed', values.seed, 0, 2 ** 32 - 1);
  const tcpPort = values.tcp === undefined ? null : integerOption('tcp', values.tcp, 0, 65535);
  let start: number;
  let speed: number | 'max';
  let count = Infinity;
  let pvKwp: number | undefined;
  try {
    start = parseStart(values.start);
    speed = parseSpeed(values.speed);
    if (values.duration !== undefined) count = parseDuration(values.duration);
  } catch (error) {
    if (error instanceof SimulatorOptionError) throw new UsageError(error.message);
    throw error;
  }
  if (values.pv !== undefined) {
    pvKwp = Number(values.pv);
    if (!(pvKwp >= 0 && pvKwp <= 100)) throw new UsageError(`--pv ${values.pv}: expected kWp from 0 to 100`);
  }

  const meter = new SimulatedMeter({ seed, start, grid: values.grid as GridKind, pvKwp, water: values.water });
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    if (tcpPort === null) {
      await paceTelegrams(meter, stdoutSink(abort), { speed, count, signal: abort.signal });
      return 0;
    }
    const log = createLogger({ console: process.stderr });
    const server = new TcpBroadcast(log);
    let port: number;
    try {
      port = await server.listen(tcpPort, values.host);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'EADDRINUSE' ? 'the port is in use (another simulator or dongle bridge?)'
        : code === 'EACCES' ? 'permission denied (ports below 1024 need privileges)'
        : code === 'EADDRNOTAVAIL' ? 'this machine has no such address' : (error as Error).message;
      process.stderr.write(`digital-meter simulate: cannot listen on ${values.host}:${tcpPort}: ${why}\n`);
      return 69; // EX_UNAVAILABLE
    }
    log.info({ host: values.host, port, seed, start: new Date(start).toISOString(), speed, grid: values.grid }, `simulated P1 meter listening on ${values.host}:${port}`);
    const sent = await paceTelegrams(meter, server, { speed, count, signal: abort.signal });
    await server.close();
    log.info({ telegrams: sent }, 'simulation ended');
    return 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
