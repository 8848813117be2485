/**
 * The part of a quarter's planned charging that the plan buys from the grid, as a share of it.
 * The rest the plan expects from the sun, and the sun in the forecast is yesterday's sky: a car
 * told to take a quarter's whole planned energy takes it from the grid at the day rate when the
 * clouds come instead (the backtest's register household bought 82 kWh that way in 28 days).
 * So a device is held only to the bought part and takes the rest from a surplus that is really
 * there; what the sun does not bring the next plan places again.
 *
 * Devices absorb the forecast surplus first and the grid supplies the remainder, so with charges
 * C and the plan's import I the bought part is min(C, I): the share is min(1, I / C).
 */
export function gridShare(importKwh: number, chargesKwh: number): number {
  if (chargesKwh <= 1e-9) return 1;
  return Math.min(1, Math.max(0, importKwh) / chargesKwh);
}

/**
 * A device's planned charge `kwh` in a quarter split into the part bought from the grid and the
 * part expected from the sun (the charges C and the plan's import I of that quarter, as above)
 */
export function splitCharge(kwh: number, importKwh: number, chargesKwh: number): { boughtKwh: number; sunKwh: number } {
  const share = gridShare(importKwh, chargesKwh);
  return { boughtKwh: kwh * share, sunKwh: Math.max(0, kwh) * (1 - share) };
}

/**
 * The battery's planned energy in a quarter (signed, + charge) as it is held to it: a discharge
 * whole, a charge only in the part the plan buys from the grid, given the quarter's import and
 * the cars' planned energies. The rest of a charge the plan expects from the sun, which the
 * battery stores when the surplus is there; held to all of it, a cloudier day than the forecast
 * had the battery buy its "solar" charge at the day rate (the register household, November: 32
 * kWh from the grid at the day rate, none in the optimum)
 */
export function batteryBoughtKwh(batteryKwh: number, importKwh: number, carKwh: Iterable<number>): number {
  if (batteryKwh <= 0) return batteryKwh;
  let charges = batteryKwh;
  for (const kwh of carKwh) charges += Math.max(0, kwh);
  return splitCharge(batteryKwh, importKwh, charges).boughtKwh;
}

/**
 * The last hour before a car leaves its planned energy is all firm: the sun the plan counted on
 * may not come, and no later plan has the time to place the missing kWh again (the register
 * household, 3 April: a car 1.4% short of a 94% trip after its last hour's energy waited for a
 * surplus below the charger's 1.38 kW minimum).
 */
export const FIRM_BEFORE_DEPARTURE_MS = 60 * 60_000;

/** whether a quarter starting at `quarterStart` is in the firm hour before the departure at `departure` (epoch ms; null: none) */
export function firmBeforeDeparture(quarterStart: number, departure: number | null): boolean {
  return departure !== null && departure > quarterStart && departure - quarterStart <= FIRM_BEFORE_DEPARTURE_MS;
}
