import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { RatesDocument, RatesPreview } from '../../shared/dashboard/state.js';
import { brusselsDateKey } from '../../shared/time/brussels.js';
import { CommandArgumentError, type CommandRegistry } from '../bus/commands.js';
import type { Ledger } from '../ledger/ledger.js';
import { electricityEur, gasEur, waterEur } from '../tariff/pricing.js';
import { parseJsonFile } from '../config/load.js';
import { describeZodIssues } from '../config/errors.js';
import type { RatesStore } from '../tariff/rates-load.js';
import { ratesSchema, type Rates } from '../tariff/rates-schema.js';
import type { PowerHistory } from './power-history.js';

export interface DashboardCommandDeps {
  ratesStore: RatesStore;
  ledger: Ledger;
  power: PowerHistory;
  /** meter time of the latest telegram (null before the first) */
  meterNow: () => number | null;
}

const ratesArgs = z.object({ rates: z.unknown() }).strict();

/**
 * Proposed rates checked by the rates schema; a refusal names the fields (never the file's
 * absolute path: the client did not send a file) and answers bad-arguments.
 */
function checkedRates(raw: unknown): Rates {
  const parsed = ratesSchema.safeParse(raw);
  if (!parsed.success) throw new CommandArgumentError(`rates refused: ${describeZodIssues(parsed.error).map((p) => (p.startsWith('(top level)') ? `rates${p.slice(11)}` : `rates.${p}`)).join('; ')}`);
  return parsed.data;
}

/**
 * Today's cost so far priced with `rates`: the day's energy per register at the register's (or
 * the current clock band's) price. Exact for register tariffs; for clock bands and dynamic
 * prices it is an estimate, which is what a preview is for.
 */
export function todayCostWith(rates: Rates, ledger: Ledger, now: number): number {
  const day = ledger.day(brusselsDateKey(now));
  if (!day) return 0;
  const e = electricityEur(rates, now, day.importWh, day.exportWh);
  return e.importEur - e.exportEur + gasEur(rates, day.gasLitres) + waterEur(rates, day.waterLitres);
}

/** The rates editor's and the live chart's commands; validation by the shared rates schema. */
export function registerDashboardCommands(registry: CommandRegistry, deps: DashboardCommandDeps): void {
  const { ratesStore, ledger } = deps;
  registry.register('dashboard.power', {
    summary: 'the live power samples of the last 15 minutes of meter time',
    args: z.object({}).strict(),
    run: () => deps.power.samples(),
  });
  registry.register('rates.get', {
    summary: 'the active rates file as written',
    args: z.object({}).strict(),
    run: (): RatesDocument => ({ file: ratesStore.file, rates: parseJsonFile(ratesStore.file, readFileSync(ratesStore.file, 'utf8')) }),
  });
  registry.register('rates.preview', {
    summary: "today's cost so far with proposed rates (validated, not saved)",
    args: ratesArgs,
    run: ({ rates }): RatesPreview => {
      const proposed = checkedRates(rates);
      const now = deps.meterNow() ?? Date.now();
      const day = ledger.day(brusselsDateKey(now));
      const todayEur = day ? day.importEur - day.exportEur + day.gasEur + day.waterEur : 0;
      return { todayEur, previewEur: todayCostWith(proposed, ledger, now) };
    },
  });
  registry.register('rates.save', {
    summary: 'validate and save the rates file atomically; in force from the latest telegram on',
    args: ratesArgs,
    run: ({ rates }) => {
      checkedRates(rates);
      ratesStore.save(rates);
      return { saved: true, file: ratesStore.file };
    },
  });
}
