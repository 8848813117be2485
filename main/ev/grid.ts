import type { Conductor } from '../../shared/site/contract.js';

/**
 * How a charger's current becomes power and which conductors it loads (nrgkick-api.md "Control
 * facts", site-control.md "Fuse headroom"). On 3 x 400 V (with neutral) each phase carries
 * 230 V x I. On 3 x 230 V (no neutral) a one-phase load sits between two conductors (230 V x I,
 * loading both) and a three-phase load draws sqrt(3) x 230 V x I. On 1 x 230 V there is one phase.
 */
export type GridType = '3x400' | '3x230' | '1x230';

const PHASE_VOLTS = 230;

export function chargePowerKw(grid: GridType, phases: number, currentA: number): number {
  if (currentA <= 0 || phases <= 0) return 0;
  if (grid === '1x230' || phases === 1) return (PHASE_VOLTS * currentA) / 1000;
  if (grid === '3x230') return (Math.sqrt(3) * PHASE_VOLTS * currentA) / 1000;
  return (phases * PHASE_VOLTS * currentA) / 1000;
}

/** The current per conductor that gives `kw` on this grid and phase count (inverse of chargePowerKw). */
export function currentForPowerA(grid: GridType, phases: number, kw: number): number {
  const perAmp = chargePowerKw(grid, phases, 1);
  return perAmp > 0 ? Math.max(0, kw) / perAmp : 0;
}

/** The phases a charger can use on this grid: a 1 x 230 V connection has only one. */
export function usablePhases(grid: GridType, carPhases: number): 1 | 3 {
  return grid === '1x230' || carPhases < 3 ? 1 : 3;
}

/**
 * The conductors a charge loads. `firstPhase` is where the charger's L1 is wired (config): on
 * 3 x 230 V a one-phase charge loads that conductor and the next one.
 */
export function chargeConductors(grid: GridType, phases: number, firstPhase: Conductor = 1): Conductor[] {
  if (grid === '1x230') return [1];
  if (phases >= 3) return [1, 2, 3];
  if (grid === '3x230') return [firstPhase, (((firstPhase % 3) + 1) as Conductor)];
  return [firstPhase];
}
