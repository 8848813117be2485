import pino from 'pino';
import { Ledger } from '../../main/ledger/ledger.js';
import { RateSchedule } from '../../main/ledger/rate-schedule.js';
import { QuarterTracker } from '../../main/peak/quarter-tracker.js';
import { ratesSchema } from '../../main/tariff/rates-schema.js';
import type { Telegram } from '../../shared/p1/telegram.js';
import type { ClosedQuarter } from '../../shared/peak/quarter-state.js';

const rates = ratesSchema.parse({
  Gas: { '+': 1.576 },
  Water: { '+': 6.1 },
  Electricity: { '+': { Day: 0.4, Night: 0.3 }, '-': { Day: 0.1, Night: 0.1 } },
});

/** What the ledger and the quarter tracker made of a stream of telegrams. */
export interface Books {
  electricity: {
    importWh: number[];
    exportWh: number[];
    /** money, rounded to 1e-9 EUR: pricing a delta in one piece or two differs in the last bits */
    importEur: number;
    exportEur: number;
  };
  /** litres */
  gas: number;
  water: number;
  quarters: ClosedQuarter[];
}

const schedule = new RateSchedule(rates);
const silent = pino({ level: 'silent' });

/** The ledger and quarter tracker as the pipeline runs them, on the meter's own time. */
export function booksOf(telegrams: Iterable<Telegram>): Books {
  const ledger = new Ledger({ schedule, log: silent });
  const tracker = new QuarterTracker();
  const quarters: ClosedQuarter[] = [];
  for (const telegram of telegrams) {
    ledger.addTelegram(telegram);
    quarters.push(...tracker.ingest(telegram).closed);
  }
  quarters.push(...tracker.finish().closed);
  const s = ledger.session;
  const eur = (value: number) => Math.round(value * 1e9) / 1e9;
  return {
    electricity: { importWh: [...s.importWh], exportWh: [...s.exportWh], importEur: eur(s.importEur), exportEur: eur(s.exportEur) },
    gas: s.gasLitres,
    water: s.waterLitres,
    quarters,
  };
}
