import type { Dynamic, Rates } from '../rates-schema.js';

/**
 * The price a household pays (import) or gets (export) on a dynamic contract, from the
 * day-ahead spot price. Suppliers publish it as a formula on their tariff cards, e.g. Engie
 * Dynamic import 0.1039 x spot + 0.8702: spot in EUR/MWh, result in c/kWh excluding VAT.
 * The formula is data (rates.json Electricity.dynamic), never code per supplier.
 */
export interface DynamicContract {
  dynamic: Dynamic;
  /** VAT on import as a fraction (0.06 for Belgian residential electricity); 0 when the rates name none */
  vat: number;
}

export type Direction = 'import' | 'export';

/** The dynamic contract in the rates, or null when the rates have a fixed (register) contract. */
export function dynamicContractOf(rates: Rates): DynamicContract | null {
  const dynamic = rates.Electricity.dynamic;
  return dynamic ? { dynamic, vat: rates.Electricity.vat ?? 0 } : null;
}

const PER_KWH: Record<Dynamic['unit'], number> = { 'c/kWh': 1 / 100, 'EUR/kWh': 1, 'EUR/MWh': 1 / 1000 };

/**
 * EUR/kWh for one direction at a spot price in EUR/MWh: import with VAT; export without (a
 * household does not charge VAT on what it injects). Null when the contract has no formula
 * for that direction (export is then compensated at the register rate).
 */
export function consumerPriceEurPerKwh(contract: DynamicContract, direction: Direction, spotEurPerMwh: number): number | null {
  const formula = contract.dynamic[direction === 'import' ? '+' : '-'];
  if (!formula) return null;
  const price = (formula.factor * spotEurPerMwh + formula.base) * PER_KWH[contract.dynamic.unit];
  return direction === 'import' ? price * (1 + contract.vat) : price;
}
