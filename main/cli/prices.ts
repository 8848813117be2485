import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brusselsDateKey } from '../../shared/time/brussels.js';
import { loadConfig } from '../config/load.js';
import { silentLogger } from '../log/logger.js';
import { FileSecretStore } from '../secrets/file-secret-store.js';
import { migrate } from '../store/migrations.js';
import { openMeterDatabase, type OpenedDatabase } from '../store/open-database.js';
import { openSqlite } from '../store/sqlite.js';
import { dynamicContractOf, type DynamicContract } from '../tariff/prices/consumer-price.js';
import { brusselsDateRange, dayPrices, type DayPriceRow } from '../tariff/prices/day-prices.js';
import { cacheCovers, fetchIntoCache } from '../tariff/prices/fetch-into-cache.js';
import { PriceCache } from '../tariff/prices/price-cache.js';
import { configuredSources } from '../tariff/prices/sources.js';
import { bundledRatesFile, loadRatesFile } from '../tariff/rates-load.js';
import { parseCommandLine, UsageError } from './usage.js';

/** The meter database in the data directory (as main/app.ts opens it); the price cache is one table in it. */
export const DATABASE_FILE = 'meter.sqlite';

const HELP = `usage: digital-meter prices [--date YYYY-MM-DD] [--json] [--offline]
                            [--config FILE] [--rates FILE] [--db FILE]

Prints the day-ahead spot price of every quarter hour of a Brussels day (92, 96 or 100 on the
DST days) and, when the rates have a dynamic contract (Electricity.dynamic), the consumer
import price (with VAT) and export price per kWh. Prices missing from the cache are fetched
(ENTSO-E when an entsoe-token is set, then Energy-Charts) and kept for next time.
  --date YYYY-MM-DD  the Brussels day (default: today)
  --json             one JSON object per quarter instead of the table
  --offline          use only the cache; never ask a price source
  --rates FILE       rates.json for the consumer prices (default: the active rates file)
  --db FILE          the database holding the price cache (default: ${DATABASE_FILE} in the data
                     directory; without a configuration only if it exists, else nothing is kept)
`;

const fixed = (n: number | null, digits: number, width: number) => (n === null ? '-' : n.toFixed(digits)).padStart(width);
const round = (n: number | null, digits: number) => (n === null ? null : Number(n.toFixed(digits)));

function describeFormula(contract: DynamicContract): string {
  const f = (side: '+' | '-') => {
    const formula = contract.dynamic[side];
    if (!formula) return 'register rate';
    const sign = formula.base < 0 ? '-' : '+';
    return `${formula.factor} x spot ${sign} ${Math.abs(formula.base)} ${contract.dynamic.unit}`;
  };
  const vat = contract.vat ? ` + ${Number((contract.vat * 100).toFixed(2))}% VAT` : '';
  return `import = ${f('+')}${vat}; export = ${f('-')}`;
}

function jsonRow(r: DayPriceRow): Record<string, unknown> {
  return {
    start: new Date(r.start).toISOString(),
    local: r.local,
    spotEurPerMwh: r.spotEurPerMwh,
    resolutionMinutes: r.resolutionMinutes,
    importEurPerKwh: round(r.importEurPerKwh, 6),
    exportEurPerKwh: round(r.exportEurPerKwh, 6),
    source: r.source,
  };
}

function table(date: string, rows: DayPriceRow[], contract: DynamicContract | null): string {
  const known = rows.filter((r) => r.spotEurPerMwh !== null).length;
  const sources = [...new Set(rows.map((r) => r.source).filter((s) => s !== null))].join(', ') || 'none';
  const offsets = new Set(rows.map((r) => r.local.slice(16)));
  const lines = [
    `Day-ahead prices for ${date} (Brussels time): ${known} of ${rows.length} quarters known, from ${sources}`,
    contract ? `Consumer prices (EUR/kWh): ${describeFormula(contract)}` : 'No dynamic contract in the rates: spot prices only.',
    '',
    `${'time'.padEnd(offsets.size > 1 ? 14 : 5)}  spot EUR/MWh${contract ? '  import EUR/kWh  export EUR/kWh' : ''}`,
  ];
  for (const r of rows) {
    // on a DST day the repeated or skipped hour needs the offset to be unambiguous
    const time = r.local.slice(11, 16) + (offsets.size > 1 ? ` (${r.local.slice(16)})` : '');
    let line = `${time}  ${fixed(r.spotEurPerMwh, 2, 12)}`;
    if (contract) line += `  ${fixed(r.importEurPerKwh, 5, 14)}  ${fixed(r.exportEurPerKwh, 5, 14)}`;
    lines.push(line);
  }
  return lines.join('\n') + '\n';
}

/**
 * A command that only reads creates no files: the rates file in force if there is one, else the
 * bundled rates (never a copy of them in the user's configuration directory).
 */
function ratesFileToRead(configured: string | undefined, configDir: string): string {
  if (configured) return resolve(configDir, configured);
  const file = join(configDir, 'rates.json');
  return existsSync(file) ? file : bundledRatesFile();
}

/**
 * The price cache: in the database named by --db or the data directory's, created when there is
 * a configuration; without one (a first try) only an existing database is used, else a cache in
 * memory for this run: nothing is written where nothing was.
 */
function openCache(file: string, create: boolean): OpenedDatabase & { kept: boolean } {
  if (create || existsSync(file)) return { ...openMeterDatabase(file, silentLogger()), kept: true };
  const db = openSqlite(':memory:');
  migrate(db);
  return { db, problems: [], kept: false };
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandLine({
    args,
    options: {
      date: { type: 'string' },
      json: { type: 'boolean', default: false },
      offline: { type: 'boolean', default: false },
      config: { type: 'string' },
      rates: { type: 'string' },
      db: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const date = values.date ?? brusselsDateKey(Date.now());
  const day = brusselsDateRange(date);
  if (!day) throw new UsageError(`--date ${date}: expected a date YYYY-MM-DD`);

  const loaded = loadConfig(values.config);
  const rates = loadRatesFile(values.rates ? resolve(values.rates) : ratesFileToRead(loaded.config.rates, loaded.configDir));
  const contract = dynamicContractOf(rates);
  const dbFile = values.db ? resolve(values.db) : join(loaded.dataDir, DATABASE_FILE);
  // the store's own opening: WAL, migrations, and a damaged file moved aside, never replaced
  const { db, problems, kept } = openCache(dbFile, values.db !== undefined || loaded.file !== null);
  for (const problem of problems) process.stderr.write(`digital-meter prices: ${problem}\n`);
  try {
    const cache = new PriceCache(db);
    if (!values.offline && !cacheCovers(cache, day)) {
      const { sources, notes } = await configuredSources(loaded.config.prices, new FileSecretStore(loaded.dataDir));
      for (const note of notes) process.stderr.write(`digital-meter prices: ${note}\n`);
      const outcome = await fetchIntoCache(sources, cache, day, [day], Date.now);
      for (const failure of outcome.failures) process.stderr.write(`digital-meter prices: ${failure}\n`);
      for (const empty of outcome.answeredEmpty) process.stderr.write(`digital-meter prices: ${empty} has no prices for ${date} (not published yet?)\n`);
      if (!kept) process.stderr.write(`digital-meter prices: not kept: there is no database at ${dbFile} yet (without a configuration nothing is created; --db FILE names one)\n`);
    }
    const rows = dayPrices(day, cache.range(day), contract);
    const none = rows.every((r) => r.spotEurPerMwh === null);
    if (none) {
      // a table of dashes "from none" says nothing: say it in words (--json still lists the quarters for scripts)
      if (values.json) process.stdout.write(rows.map((r) => JSON.stringify(jsonRow(r))).join('\n') + '\n');
      const why = values.offline ? (kept ? ` in the cache at ${dbFile} (--offline: no source was asked)` : ' (--offline, and there is no price cache yet)') : '';
      process.stderr.write(`digital-meter prices: no day-ahead prices known for ${date}${why}; register rates apply\n`);
      return 1;
    }
    if (values.json) {
      process.stdout.write(rows.map((r) => JSON.stringify(jsonRow(r))).join('\n') + '\n');
    } else {
      process.stdout.write(table(date, rows, contract));
    }
    return 0;
  } finally {
    db.close();
  }
}
