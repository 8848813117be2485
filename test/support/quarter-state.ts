import type { QuarterState } from '../../shared/peak/quarter-state.js';

/** A full running-quarter state for bus and MQTT tests: midway through a quiet quarter, with `overrides` on top. */
export function quarterState(overrides: Partial<QuarterState> = {}): QuarterState {
  return {
    time: 1_700_000_450_000, quarterStart: 1_700_000_100_000, quarterEnd: 1_700_001_000_000, elapsedS: 450,
    energySoFarKwh: 0.15, energySource: 'counters', averageSoFarKw: 0.6, powerKw: 1.2, forecastKw: 1.8,
    targetKw: 2.5, allowedKw: 3.8, gapKw: 2.6, shedNowKw: 0, quarterLost: false, newPeakInTheMaking: false,
    monthPeakKw: null, userFloorKw: 0,
    ...overrides,
  };
}
