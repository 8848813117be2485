/**
 * The quarter-hour budget formulas of capacity-tariff.md, exactly, as pure functions.
 * t = seconds elapsed in the quarter (0..900), E = kWh imported so far, P = import power now
 * (kW), T = target peak (kW).
 */
export const QUARTER_SECONDS = 900;

/**
 * The remaining seconds used as a divisor. The doc asks to guard t near 900: telegrams come every
 * second, so the last one of a quarter has at least 1 s left; a meter clock that says otherwise
 * is held at 1 s, which keeps A finite and with the right sign (the energy budget left, spent in
 * one second).
 */
export const MIN_REMAINING_S = 1;

function remainingSeconds(elapsedS: number): number {
  return Math.max(QUARTER_SECONDS - elapsedS, MIN_REMAINING_S);
}

/** F = 4 x (E + P x (900 - t) / 3600): the quarter's average if P holds to its end. */
export function forecastKw(energyKwh: number, powerKw: number, elapsedS: number): number {
  const left = Math.max(QUARTER_SECONDS - elapsedS, 0);
  return 4 * (energyKwh + (powerKw * left) / 3600);
}

/** A = (T/4 - E) x 3600 / (900 - t): the average power the rest of the quarter may use. */
export function allowedKw(targetKw: number, energyKwh: number, elapsedS: number): number {
  return ((targetKw / 4 - energyKwh) * 3600) / remainingSeconds(elapsedS);
}

/** G = A - P; when G < 0, min(P, -G) must be shed now (never more than is imported). */
export function shedNowKw(powerKw: number, gapKw: number): number {
  return gapKw < 0 ? Math.min(powerKw, -gapKw) : 0;
}

/** T = max(minimum (2.5 kW in Flanders), this month's peak so far, the user's chosen floor). */
export function targetKw(minimumKw: number, monthPeakKw: number | null, userFloorKw: number): number {
  return Math.max(minimumKw, monthPeakKw ?? 0, userFloorKw);
}

export interface Budget {
  forecastKw: number;
  targetKw: number;
  allowedKw: number;
  gapKw: number;
  shedNowKw: number;
  /** E >= T/4: every further kWh raises the quarter above the target */
  quarterLost: boolean;
}

export function budget(energyKwh: number, powerKw: number, elapsedS: number, target: number): Budget {
  const allowed = allowedKw(target, energyKwh, elapsedS);
  const gap = allowed - powerKw;
  return {
    forecastKw: forecastKw(energyKwh, powerKw, elapsedS),
    targetKw: target,
    allowedKw: allowed,
    gapKw: gap,
    shedNowKw: shedNowKw(powerKw, gap),
    quarterLost: energyKwh >= target / 4,
  };
}
