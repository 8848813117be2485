/**
 * The energy lease: a dead-man for a charger whose local API has no command timeout (the
 * NRGkick keeps its last current for ever when its controller dies). While the controller lets
 * the car charge, the charger's own session energy limit is kept a little above what the session
 * has charged: the energy the commanded power delivers in `seconds` (never less than `minWh`).
 * A live controller moves it up long before it is reached; a dead one leaves the car charging
 * for at most that allowance, after which the charger stops by itself.
 *
 * Pure: the caller passes the monotonic time, the session's energy and the power allowed, and
 * writes the limit this returns (null: leave the charger's limit as it is). It returns a new
 * limit only when the lease needs renewing, so a controller that calls it on every decision
 * writes about once every `renewSeconds`.
 */
export interface EnergyLeaseSettings {
  /** the car may charge this long at the allowed power on one lease, s */
  seconds: number;
  /** the least allowance, Wh: at low power a lease still covers a few polls, so the car never stutters */
  minWh: number;
  /** a lease is renewed after this long at the latest, s (and sooner when half of it is used) */
  renewSeconds: number;
}

export interface EnergyLeaseInputs {
  /** monotonic ms */
  nowMonoMs: number;
  /** the controller lets the car charge now (not paused) */
  charging: boolean;
  /** the session's charged energy as the charger last reported it, Wh; null: not known */
  sessionWh: number | null;
  /** the power the charger lets the car draw now (commanded current on the phases in use), kW */
  allowedKw: number;
  /** a lower limit someone else wants (the user in the charger's app), Wh; null: none */
  ceilingWh: number | null;
  /** the limit the charger holds (or has been asked to hold), Wh; 0: none */
  heldWh: number;
}

/** Wh the car may charge on one lease at `allowedKw`: kW x s / 3.6 = Wh, at least the floor. */
export function leaseAllowanceWh(settings: EnergyLeaseSettings, allowedKw: number): number {
  return Math.max(settings.minWh, (Math.max(0, allowedKw) * settings.seconds) / 3.6);
}

export class EnergyLease {
  /** when this process last decided the lease (null: never; a limit held then is a dead controller's) */
  private decidedAtMonoMs: number | null = null;

  constructor(readonly settings: EnergyLeaseSettings) {}

  /** the energy limit to write now, Wh, or null when the charger's limit may stay as it is */
  next(inputs: EnergyLeaseInputs): number | null {
    const { nowMonoMs, sessionWh, heldWh, ceilingWh } = inputs;
    // paused: the pause itself stops the car; the lease stays as a second guard, without a write
    if (!inputs.charging || sessionWh === null) return null;
    const allowance = leaseAllowanceWh(this.settings, inputs.allowedKw);
    const remaining = heldWh - sessionWh;
    const due = heldWh === 0
      || this.decidedAtMonoMs === null
      || nowMonoMs - this.decidedAtMonoMs >= this.settings.renewSeconds * 1000
      // half used (or reached): renew now, long before the car stops
      || remaining < allowance / 2
      // far more left than one lease (the power fell, or a new session restarted the counter)
      || remaining > allowance * 1.5
      || (ceilingWh !== null && heldWh > ceilingWh);
    if (!due) return null;
    this.decidedAtMonoMs = nowMonoMs;
    // never 0: to the charger 0 means no limit at all
    const lease = Math.max(1, Math.ceil(sessionWh + allowance));
    return ceilingWh === null ? lease : Math.min(lease, ceilingWh);
  }
}
