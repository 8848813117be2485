import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandRegistry } from '../../main/bus/commands.js';
import { registerDashboardCommands } from '../../main/dashboard/commands.js';
import type { Ledger } from '../../main/ledger/ledger.js';
import type { PowerHistory } from '../../main/dashboard/power-history.js';
import { bundledRatesFile, RatesStore } from '../../main/tariff/rates-load.js';

/**
 * The real rates commands on a copy of the bundled rates file, for refusal tests: the ledger and
 * the power history are never reached by rates.save, so they are left out.
 */
export function ratesCommands(registry: CommandRegistry, log?: { info(fields: object, message: string): void }): { store: RatesStore; file: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'dm-rates-')), 'rates.json');
  copyFileSync(bundledRatesFile(), file);
  const store = new RatesStore(file);
  registerDashboardCommands(registry, { ratesStore: store, ledger: {} as Ledger, power: {} as PowerHistory, meterNow: () => null, log });
  return { store, file };
}
