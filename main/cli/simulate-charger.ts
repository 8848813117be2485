/**
 * `digital-meter simulate-charger`: a simulated NRGkick Gen2 with a car, on a real HTTP port,
 * for people without the hardware. The simulator lives in main/ev/simulator/; this file only
 * reads the options and runs it until interrupted.
 */
import { once } from 'node:events';
import type { GridType } from '../ev/grid.js';
import { ChargerSimulator } from '../ev/simulator/server.js';
import { numberOption, parseCommandLine, UsageError } from './usage.js';

const HELP = `usage: digital-meter simulate-charger [options]

Serves the NRGkick Gen2 local JSON API (/info, /values, /control) with a simulated car behind
it, so the EV controller can be tried without a charger.
  --port N          HTTP port (default 8090; 0 picks a free one)
  --host ADDRESS    address to listen on (default 127.0.0.1)
  --grid G          3x400, 3x230 or 1x230 (default 3x400): how current becomes power
  --rated A         the charger's rated current, 16 or 32 (default 16)
  --battery KWH     the car's battery (default 60)
  --soc PERCENT     the car's state of charge at plug-in (default 40)
  --car-phases N    1 or 3 (default 3)
  --car-current A   the most current the car takes (default 16)
  --unplugged       start with no car plugged in
  --user NAME       require HTTP Basic auth with this user (and --password)
  --password TEXT
  --phase-switching accept phase_count writes
Every /control write received is printed to stderr with the time it arrived, and so is the
charger's stop at its energy limit (warning ENERGY_LIMIT_REACHED) and its end.
`;

const CONTROL_KEYS = new Set(['current_set', 'charge_pause', 'energy_limit', 'phase_count']);

export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandLine({
    args,
    options: {
      port: { type: 'string', default: '8090' },
      host: { type: 'string', default: '127.0.0.1' },
      grid: { type: 'string', default: '3x400' },
      rated: { type: 'string', default: '16' },
      battery: { type: 'string', default: '60' },
      soc: { type: 'string', default: '40' },
      'car-phases': { type: 'string', default: '3' },
      'car-current': { type: 'string', default: '16' },
      unplugged: { type: 'boolean', default: false },
      user: { type: 'string' },
      password: { type: 'string' },
      'phase-switching': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!['3x400', '3x230', '1x230'].includes(values.grid)) throw new UsageError(`--grid ${values.grid}: expected 3x400, 3x230 or 1x230`);
  const rated = numberOption('rated', values.rated, 6, 32);
  const carPhases = numberOption('car-phases', values['car-phases'], 1, 3);
  if (carPhases !== 1 && carPhases !== 3) throw new UsageError(`--car-phases ${values['car-phases']}: expected 1 or 3`);
  if ((values.user === undefined) !== (values.password === undefined)) throw new UsageError('--user and --password go together');
  const port = numberOption('port', values.port, 0, 65535);
  const simulator = new ChargerSimulator({
    grid: values.grid as GridType,
    ratedCurrentA: rated,
    auth: values.user !== undefined ? { username: values.user, password: values.password ?? '' } : null,
    phaseSwitching: values['phase-switching'],
  });
  if (!values.unplugged) {
    simulator.plug({
      batteryKwh: numberOption('battery', values.battery, 1, 300),
      socPercent: numberOption('soc', values.soc, 0, 100),
      maxPhases: carPhases,
      maxCurrentA: numberOption('car-current', values['car-current'], 6, 32),
    });
  }
  let url: string;
  try {
    url = await simulator.listen(port, values.host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    process.stderr.write(`digital-meter simulate-charger: cannot listen on ${values.host}:${port}: ${code === 'EADDRINUSE' ? 'the port is in use' : (error as Error).message}\n`);
    return 69;
  }
  process.stderr.write(`simulated NRGkick listening on ${url} (grid ${values.grid}, ${values.unplugged ? 'no car' : `car at ${values.soc}%`})\n`);
  // every command with the time it arrived: what a controller did, and when (e.g. the pause of its stop)
  simulator.onRequest((request) => {
    const writes = Object.entries(request.query).filter(([key]) => CONTROL_KEYS.has(key));
    if (request.path !== '/control' || writes.length === 0) return;
    process.stderr.write(`${new Date(request.atMs).toISOString()} control ${writes.map(([k, v]) => `${k}=${v}`).join(' ')}\n`);
  });
  // the charger's own stops at its energy limit, said when they begin and end (a dead controller's lease running out)
  let warning = simulator.warningCode();
  const warnings = setInterval(() => {
    const now = simulator.warningCode();
    if (now === warning) return;
    warning = now;
    process.stderr.write(`${new Date().toISOString()} warning ${now} (energy limit ${simulator.current().energyLimitWh} Wh)\n`);
  }, 200);
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await once(abort.signal, 'abort');
  clearInterval(warnings);
  await simulator.close();
  return 0;
}
