import { writeFileSync } from 'node:fs';
import { loadHousehold } from '../backtest/household.js';
import { runAll } from '../backtest/parallel.js';
import { toHtml, toJson, toTable } from '../backtest/report.js';
import { simDays } from '../backtest/calendar-days.js';
import { numberOption, parseCommandLine, UsageError } from './usage.js';

const HELP = `usage: digital-meter backtest [--days N] [--start DATE] [--seed S] [--household FILE]
                             [--json] [--html FILE]

Runs four strategies on the same generated household, second by second, and bills them alike
(the ledger's energy per day; each month's peak, at least the minimum, x the capacity price / 12):
  plugAndCharge   every car at full power from plug-in; the battery in self-consumption
  instantCap30s   every 30 s one charger against an instant cap at the month peak so far
                  (at least 2.5 kW), solar surplus, weekday-repeating plans at full power
  ours            the broker, EV and battery controllers and the planner, as configured
  optimum         the planner's model with perfect knowledge, per month (a lower bound)
  --days N          days to simulate (default 28)
  --start DATE      first day, YYYY-MM-DD, Brussels time (default 2026-04-01)
  --seed S          the seed of the weather, loads, prices and trips (default 1)
  --household FILE  a household JSON file, or flanders-register (default) / flanders-dynamic-230
  --json            print {"days", "strategies": {...}} instead of the table
  --html FILE       also write a self-contained report with plots
`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandLine({
    args, allowPositionals: false, strict: true,
    options: {
      days: { type: 'string' }, start: { type: 'string' }, seed: { type: 'string' }, household: { type: 'string' },
      json: { type: 'boolean' }, html: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const days = numberOption('days', values.days ?? '28', 1, 366);
  if (!Number.isInteger(days)) throw new UsageError(`--days ${values.days}: expected a whole number of days`);
  const seed = numberOption('seed', values.seed ?? '1', 0, 2 ** 32 - 1);
  const start = values.start ?? '2026-04-01';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start)) throw new UsageError(`--start ${start}: expected a date as YYYY-MM-DD`);
  let household;
  try {
    household = loadHousehold(values.household ?? 'flanders-register');
  } catch (error) {
    throw new UsageError(`--household: ${(error as Error).message}`, { cause: error });
  }
  const keys = simDays(start, days).map((d) => d.key);
  const t0 = Date.now();
  const tty = process.stderr.isTTY;
  const reports = await runAll({
    household, seed, start, days, sampleDay: Math.min(days - 1, 10), threads: 2,
    onProgress: (done, total) => {
      const width = 30;
      const filled = Math.round((done / total) * width);
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round((100 * done) / total)}% ${Math.round((Date.now() - t0) / 1000)} s`;
      if (tty) process.stderr.write(`\r${bar}`);
      else if (done === total) process.stderr.write(`${bar}\n`);
    },
  });
  if (tty) process.stderr.write('\n');
  const seconds = (Date.now() - t0) / 1000;
  if (values.json) process.stdout.write(toJson(days, reports));
  else {
    process.stdout.write(`${household.name}, ${days} days from ${start}, seed ${seed} (${seconds.toFixed(0)} s)\n`);
    process.stdout.write(toTable(reports));
  }
  if (values.html) writeFileSync(values.html, toHtml(`Backtest: ${household.name}, ${days} days from ${start}, seed ${seed}`, keys, reports));
  return 0;
}
