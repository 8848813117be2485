/**
 * What month peaks cost under the Flemish capacity tariff (capacity-tariff.md): the bill uses the
 * average of the last 12 month peaks, each counted as at least the minimum (2.5 kW), priced per kW
 * per year. The price and the minimum come from rates.json, never from here.
 */

/** A month as the bill counts it: never below the minimum. */
export function countedKw(peakKw: number, minimumKw: number): number {
  return Math.max(peakKw, minimumKw);
}

export interface RollingAverage {
  /** null when no month is known */
  averageKw: number | null;
  monthsKnown: number;
}

/**
 * Average of the known peaks among up to 12 months (null = no data for that month: left out, so a
 * new installation is not pulled down by months it never saw), each counted as at least the minimum.
 */
export function rollingAverageKw(peaks: readonly (number | null)[], minimumKw: number): RollingAverage {
  let sum = 0;
  let known = 0;
  for (const peak of peaks) {
    if (peak === null) continue;
    sum += countedKw(peak, minimumKw);
    known += 1;
  }
  return { averageKw: known ? sum / known : null, monthsKnown: known };
}

/** The capacity part of a year's bill at this average (excl. VAT, in the price's currency). */
export function yearlyCapacityCostEur(averageKw: number, pricePerKwYear: number): number {
  return averageKw * pricePerKwYear;
}

/**
 * What moving this month's peak from `currentKw` to `newKw` adds to the bill: each kW above the
 * minimum sits in 12 monthly averages at 1/12 each, each monthly bill being 1/12 of a year, so it
 * costs price / 12 (about 4.2 EUR at 50 EUR/kW/yr). A rise that stays under the minimum is free.
 */
export function costOfRaisingPeakEur(currentKw: number | null, newKw: number, minimumKw: number, pricePerKwYear: number): number {
  const before = countedKw(currentKw ?? 0, minimumKw);
  const after = countedKw(newKw, minimumKw);
  return after > before ? ((after - before) * pricePerKwYear) / 12 : 0;
}
