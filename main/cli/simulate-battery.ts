/**
 * `digital-meter simulate-battery`: a SunSpec home battery on Modbus TCP (main/battery/simulator/),
 * for the demo, tests and trying a configuration without hardware.
 */
import { createLogger } from '../log/logger.js';
import { SunspecBatterySimulator, type SimulatorLayout } from '../battery/simulator/sunspec-simulator.js';
import { numberOption, parseCommandLine, UsageError } from './usage.js';

const HELP = `usage: digital-meter simulate-battery [options]

Serves a simulated home battery inverter over Modbus TCP with the SunSpec models 1, an inverter
model, 124 (storage controls, with the revert timeout honoured) and 802 (battery).
  --port N          TCP port (default 1502; 0 picks a free one; the port is logged)
  --host ADDRESS    address to listen on (default 127.0.0.1)
  --base B          SunSpec base register: 40000, 0 or 50000 (default 40000)
  --inverter M      101, 102, 103 (integer + scale factors) or 111, 112, 113 (float) (default 103)
  --capacity KWH    usable capacity (default 10)
  --soc PCT         state of charge at start (default 50)
  --max-kw KW       charge and discharge limit (default 5)
  --power-sign S    how 802 W is signed: discharge-positive (default) or charge-positive
  --own-kw KW       what the inverter does in its own mode, + charging (default 0)
`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandLine({
    args,
    options: {
      port: { type: 'string', default: '1502' },
      host: { type: 'string', default: '127.0.0.1' },
      base: { type: 'string', default: '40000' },
      inverter: { type: 'string', default: '103' },
      capacity: { type: 'string', default: '10' },
      soc: { type: 'string', default: '50' },
      'max-kw': { type: 'string', default: '5' },
      'power-sign': { type: 'string', default: 'discharge-positive' },
      'own-kw': { type: 'string', default: '0' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const base = Number(values.base);
  if (base !== 40000 && base !== 0 && base !== 50000) throw new UsageError(`--base ${values.base}: expected 40000, 0 or 50000`);
  const inverter = Number(values.inverter);
  if (![101, 102, 103, 111, 112, 113].includes(inverter)) throw new UsageError(`--inverter ${values.inverter}: expected 101, 102, 103, 111, 112 or 113`);
  const sign = values['power-sign'];
  if (sign !== 'discharge-positive' && sign !== 'charge-positive') throw new UsageError(`--power-sign ${sign}: expected discharge-positive or charge-positive`);
  const maxKw = numberOption('max-kw', values['max-kw'], 0.1, 100);
  const sim = new SunspecBatterySimulator({
    layout: { base: base as SimulatorLayout['base'], inverter: inverter as SimulatorLayout['inverter'], powerSign: sign },
    battery: {
      capacityKwh: numberOption('capacity', values.capacity, 0.5, 1000), socPct: numberOption('soc', values.soc, 0, 100),
      maxChargeKw: maxKw, maxDischargeKw: maxKw, ownModeKw: numberOption('own-kw', values['own-kw'], -100, 100),
    },
  });
  const log = createLogger({ console: process.stderr });
  let port: number;
  try {
    port = await sim.listen(numberOption('port', values.port, 0, 65535), values.host);
  } catch (error) {
    process.stderr.write(`digital-meter simulate-battery: cannot listen on ${values.host}:${values.port}: ${(error as Error).message}\n`);
    return 69;
  }
  log.info({ host: values.host, port, base, inverter }, `simulated SunSpec battery listening on ${values.host}:${port}`);
  sim.onControlWrite((w) => log.info({ storCtlMod: w.storCtlMod, inWRte: w.inWRte, outWRte: w.outWRte, revertS: w.revertS }, 'control written'));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.close();
  return 0;
}
