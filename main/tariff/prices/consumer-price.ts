/**
 * The price a household pays (import) or gets (export) on a dynamic contract, from the
 * day-ahead spot price. Suppliers publish it as a formula on their tariff cards, e.g. Engie
 * Dynamic import 0.1039 x spot + 0.8702: spot in EUR/MWh, result in c/kWh excluding VAT.
 * The formula is data (rates.json), never code per supplier.
 */
export interface DynamicFormula {
  /** multiplies the spot price in EUR/MWh; the product is in c/kWh */
  factor: number;
  /** c/kWh excluding VAT, may be negative (injection formulas subtract a fee) */
  base: number;
}

export interface DynamicContract {
  import: DynamicFormula;
  export: DynamicFormula;
  /** VAT on the import price in percent (6 for Belgian residential electricity); export carries none */
  vatPercent: number;
}

export type Direction = 'import' | 'export';

/** EUR/kWh for one direction at a spot price in EUR/MWh: import with VAT, export without. */
export function consumerPriceEurPerKwh(contract: DynamicContract, direction: Direction, spotEurPerMwh: number): number {
  const formula = contract[direction];
  const centsPerKwh = formula.factor * spotEurPerMwh + formula.base;
  const vat = direction === 'import' ? 1 + contract.vatPercent / 100 : 1;
  return (centsPerKwh / 100) * vat;
}
