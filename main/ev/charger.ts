/**
 * One interface for every EV charger (nrgkick-api.md, issue 17): the controller only ever speaks
 * to this, so an OCPP charger or another brand fits later beside the NRGkick driver. Optional
 * abilities (phase switching, an energy limit) are separate interfaces that a charger may also
 * implement; the controller asks at run time with the guards below instead of assuming them.
 */
import type { EnergyLeaseSettings } from './energy-lease.js';

/** What the charger says about the car: our four words, plus the charger's own. */
export type ChargerState = 'unplugged' | 'connected' | 'charging' | 'error';

export interface PhaseReading {
  phase: 1 | 2 | 3;
  currentA: number;
  powerKw: number;
}

export interface ChargerReading {
  state: ChargerState;
  /** the charger's own status words, e.g. "CHARGING" or "ERROR (RCD_TRIGGERED)" */
  chargerWords: string;
  /** measured power, kW, all phases together */
  powerKw: number;
  phases: PhaseReading[];
  /** energy charged in the current (or last) session, kWh */
  sessionKwh: number;
  /** what the charger has been told: current (A), paused, phases in use */
  currentSetA: number;
  paused: boolean;
  phaseCount: 1 | 2 | 3;
  /** monotonic ms at which this reading arrived */
  atMonoMs: number;
}

/** Why the charger link is not healthy, in words for people and a code for programs. */
export type ChargerProblem =
  | 'unreachable' | 'timeout' | 'auth' | 'solar-mode' | 'read-back' | 'bad-answer' | 'http';

export interface ChargerHealth {
  ok: boolean;
  problem: ChargerProblem | null;
  /** what went wrong and what to do about it; null while ok */
  message: string | null;
  /** monotonic ms since which this health holds */
  sinceMonoMs: number;
}

/**
 * What the controller wants the charger to do. `currentA` below the charger's minimum (6 A for
 * IEC 61851) means pause: a car cannot charge at less.
 */
export interface ChargerCommand {
  currentA: number;
}

export interface Charger {
  readonly id: string;
  /** e.g. "NRGkick at 192.168.1.40" */
  readonly description: string;
  /** the smallest current at which a car charges, A (6 for every IEC 61851 charger) */
  readonly minCurrentA: number;
  /** the charger's rated (or configured lower) current, A */
  readonly maxCurrentA: number;
  start(): void;
  stop(): Promise<void>;
  /** the last reading, null before the first */
  reading(): ChargerReading | null;
  health(): ChargerHealth;
  /** ask for a current; sent only when it differs from what the charger already has */
  command(command: ChargerCommand): void;
  /** a new reading or a health change; returns an unsubscribe */
  onUpdate(listener: () => void): () => void;
}

/** A charger that can switch between one and three phases (NRGkick when enabled in its app). */
export interface PhaseSwitching {
  /** false when the charger could switch but the user has not enabled it */
  readonly phaseSwitchingEnabled: boolean;
  /** the least time between two switches, ms, that the charger (and the car) tolerate */
  readonly phaseSwitchGuardMs: number;
  switchPhases(phases: 1 | 3): void;
}

/**
 * A charger that stops by itself after an amount of energy in the session. With an energy lease
 * (energy-lease.ts) the driver also uses that limit as a dead-man: kept a short allowance above
 * the energy charged while the car may charge, so a dead controller leaves the car charging for
 * that allowance at most.
 */
export interface EnergyLimit {
  /** a limit of the session's energy; 0 removes it (with a lease on, the lower of it and the lease is held) */
  setEnergyLimitKwh(kwh: number): void;
  /** the dead-man lease on that limit; null when off */
  readonly energyLease: EnergyLeaseSettings | null;
}

export function canSwitchPhases(charger: Charger): charger is Charger & PhaseSwitching {
  const candidate = charger as Partial<PhaseSwitching>;
  return typeof candidate.switchPhases === 'function' && typeof candidate.phaseSwitchGuardMs === 'number' && candidate.phaseSwitchingEnabled === true;
}

export function hasEnergyLimit(charger: Charger): charger is Charger & EnergyLimit {
  return typeof (charger as Partial<EnergyLimit>).setEnergyLimitKwh === 'function';
}
