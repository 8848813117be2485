/**
 * Lets a role refuse a restart for now: the EV role vetoes an update's restart while a car
 * charges on a plan, so installing an update never interrupts a promised charge. A veto is a
 * function asked at the moment of the decision (not a flag someone must remember to clear);
 * it answers a reason to wait, or null.
 */
export type RestartVeto = () => string | null;

export interface VetoDecision {
  allowed: boolean;
  /** "ev: charging the Model 3 on plan until 07:00", one per vetoing role */
  reasons: string[];
}

export class RestartGate {
  private readonly vetoes = new Map<string, RestartVeto>();

  /** Register a role's veto; returns the function that removes it. */
  addVeto(role: string, veto: RestartVeto): () => void {
    if (this.vetoes.has(role)) throw new Error(`a restart veto for '${role}' is already registered`);
    this.vetoes.set(role, veto);
    return () => { this.vetoes.delete(role); };
  }

  /** Ask every role. A veto that throws counts as a veto: when in doubt, do not restart. */
  check(): VetoDecision {
    const reasons: string[] = [];
    for (const [role, veto] of this.vetoes) {
      let reason: string | null;
      try {
        reason = veto();
      } catch (error) {
        reason = `could not tell (${error instanceof Error ? error.message : String(error)})`;
      }
      if (reason !== null) reasons.push(`${role}: ${reason}`);
    }
    return { allowed: reasons.length === 0, reasons };
  }
}
