import { backoffDelay, type BackoffOptions } from '../../bus/backoff.js';
import { ConditionLog, silentLogger, type Logger } from '../../log/logger.js';
import type { TimerHandle, Timers } from '../../p1/sources/timers.js';
import type {
  Charger, ChargerCommand, ChargerHealth, ChargerReading, EnergyLimit, PhaseReading, PhaseSwitching,
} from '../charger.js';
import { ChargerFailure, type NrgkickControlAnswer, type NrgkickLink } from './link.js';
import { mapNrgkickStatus } from './status.js';
import { EnergyLease, leaseAllowanceWh, type EnergyLeaseSettings } from '../energy-lease.js';
import { chargePowerKw, type GridType } from '../grid.js';

/**
 * The pure half of the NRGkick driver (the model is main/p1/sources/reconnecting.ts): polls
 * /values every 1-2 s, sends /control only when what the controller wants differs from what
 * the charger last confirmed, checks that the answer echoes what was written, and turns every
 * failure into a health change said once. Failures are retried with the bus's backoff; a 405
 * (the charger's own solar mode) is backed off for longer instead of fought. All timing comes
 * from the injected timers, whose `now` is monotonic.
 *
 * With an energy lease (energy-lease.ts) it also keeps the charger's session energy limit a
 * short allowance above the energy charged while the car may charge: the charger's local API
 * has no command timeout, so that limit is what stops the car when this process dies. A lease
 * change goes in a write of its own, after reading the charger's limit, so a limit the user set
 * in the NRGkick app meanwhile is seen (and the lower of the two kept) instead of overwritten.
 */
export interface NrgkickChargerOptions {
  id: string;
  link: NrgkickLink;
  /** monotonic clock and timers */
  timers: Timers;
  maxCurrentA: number;
  /** /values polled this often while healthy; default 1500 ms */
  pollMs?: number;
  /** the least time between phase switches; default 120 s */
  phaseSwitchGuardMs?: number;
  /** whether phase switching is enabled in the charger's app (config) */
  phaseSwitching?: boolean;
  log?: Logger;
  random?: () => number;
  /** how current becomes power, for the lease's allowance; default 3x400 */
  grid?: GridType;
  /** the dead-man lease on the charger's energy limit; default none */
  energyLease?: EnergyLeaseSettings | null;
}

const MIN_CURRENT_A = 6;
const RETRY: BackoffOptions = { initialMs: 1000, maxMs: 15_000, factor: 2, jitter: 0.2 };
/** the charger's own solar mode will not go away by itself in seconds: ask again rarely */
const SOLAR_MODE_RETRY: BackoffOptions = { initialMs: 30_000, maxMs: 300_000, factor: 2, jitter: 0.2 };

interface ControlState {
  currentSetA: number;
  paused: boolean;
  phaseCount: number;
  energyLimitWh: number;
}

/** the least time between two phase switches unless configured: the car's charger needs a pause to follow one */
export const DEFAULT_PHASE_SWITCH_GUARD_MS = 120_000;

export class NrgkickCharger implements Charger, PhaseSwitching, EnergyLimit {
  readonly id: string;
  readonly description: string;
  readonly minCurrentA = MIN_CURRENT_A;
  readonly maxCurrentA: number;
  readonly phaseSwitchGuardMs: number;
  readonly phaseSwitchingEnabled: boolean;
  readonly energyLease: EnergyLeaseSettings | null;
  private readonly lease: EnergyLease | null;
  private readonly grid: GridType;
  /** a limit found on the charger that is not ours (the user's, in the app), Wh; null: none */
  private appLimitWh: number | null = null;
  /** a limit asked for through setEnergyLimitKwh while the lease is on, Wh; null: none */
  private ownLimitWh: number | null = null;
  /** the first /control read of this process was looked at (a limit then may be a dead controller's lease) */
  private startLimitSeen = false;
  /** monotonic ms of the last /control read (none of our writes in between); null: none yet */
  private controlReadAt: number | null = null;
  /** /control writes begun, so that a read overtaken by a write is not taken for the charger's state */
  private writesBegun = 0;
  /**
   * limits we sent whose answer never came (a timeout, a lost answer): the charger may hold one
   * of them, and finding it there is not the user's doing
   */
  private readonly unconfirmedLimitsWh = new Set<number>();
  private readonly link: NrgkickLink;
  private readonly timers: Timers;
  private readonly pollMs: number;
  private readonly conditions: ConditionLog;
  private readonly random: () => number;
  private readonly listeners = new Set<() => void>();
  private last: ChargerReading | null = null;
  private pollProblem: ChargerFailure | null = null;
  private commandProblem: ChargerFailure | null = null;
  private healthNow: ChargerHealth;
  /** what the charger last confirmed (an answer from /control); null until we asked */
  private confirmed: ControlState | null = null;
  /** what we want; fields left undefined are not ours to change */
  private wanted: Partial<ControlState> = {};
  private commandInFlight = false;
  private commandRetryTimer: TimerHandle | null = null;
  private commandFailures = 0;
  private pollTimer: TimerHandle | null = null;
  private pollFailures = 0;
  private lastPhaseSwitchAt: number | null = null;
  private running = false;
  private inFlight = 0;
  /** the /control request on its way, if any (stop waits for it) */
  private sending: Promise<void> | null = null;
  private stopping = false;
  private failedWhileStopping = false;
  private stopped: Promise<void> | null = null;

  constructor(private readonly options: NrgkickChargerOptions) {
    this.id = options.id;
    this.link = options.link;
    this.description = options.link.description;
    this.timers = options.timers;
    this.maxCurrentA = options.maxCurrentA;
    this.pollMs = options.pollMs ?? 1500;
    this.phaseSwitchGuardMs = options.phaseSwitchGuardMs ?? DEFAULT_PHASE_SWITCH_GUARD_MS;
    this.phaseSwitchingEnabled = options.phaseSwitching === true;
    this.random = options.random ?? Math.random;
    this.grid = options.grid ?? '3x400';
    this.energyLease = options.energyLease ?? null;
    this.lease = this.energyLease ? new EnergyLease(this.energyLease) : null;
    this.conditions = new ConditionLog(options.log ?? silentLogger());
    this.healthNow = { ok: false, problem: null, message: `${this.description}: not read yet`, sinceMonoMs: this.timers.now() };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.failedWhileStopping = false;
    this.stopped = null;
    void this.poll();
  }

  /**
   * Stop polling. The last command (on a shutdown: the pause) reaches the charger first: a
   * command in flight is waited for, one waiting for its retry is sent now, and the answer is
   * awaited (each try bounded by the link's timeout; a failure is not retried), so a process
   * that exits after `stop()` has paused the charger if the charger could be reached at all.
   */
  stop(): Promise<void> {
    // a second stop while the first waits for the charger's answer waits for the same
    this.stopped ??= this.stopNow();
    return this.stopped;
  }

  private async stopNow(): Promise<void> {
    if (this.pollTimer !== null) this.timers.clearTimeout(this.pollTimer);
    if (this.commandRetryTimer !== null) this.timers.clearTimeout(this.commandRetryTimer);
    this.pollTimer = null;
    this.commandRetryTimer = null;
    if (this.running && !this.stopping) {
      this.stopping = true;
      // a stopped controller leaves the charger paused, and without a lease of ours (the user's own limit stays)
      if (this.lease) this.wanted.energyLimitWh = this.ceilingWh() ?? 0;
      this.sendIfChanged();
      while (this.sending) await this.sending;
    }
    this.running = false;
    await this.link.close();
  }

  /** requests on their way (a poll, a command): lets a caller on a simulated clock wait for the answers */
  requestsInFlight(): number {
    return this.inFlight;
  }

  reading(): ChargerReading | null {
    return this.last;
  }

  health(): ChargerHealth {
    return this.healthNow;
  }

  onUpdate(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  command(command: ChargerCommand): void {
    if (command.currentA < MIN_CURRENT_A) {
      this.wanted.paused = true;
    } else {
      this.wanted.paused = false;
      this.wanted.currentSetA = Math.round(Math.min(this.maxCurrentA, command.currentA) * 10) / 10;
    }
    this.updateLease();
    this.sendIfChanged();
  }

  switchPhases(phases: 1 | 3): void {
    if (!this.phaseSwitchingEnabled) return;
    this.wanted.phaseCount = phases;
    this.sendIfChanged();
  }

  setEnergyLimitKwh(kwh: number): void {
    const wh = Math.max(0, Math.round(kwh * 1000));
    if (this.lease) {
      this.ownLimitWh = wh > 0 ? wh : null;
      this.updateLease();
    } else {
      this.wanted.energyLimitWh = wh;
    }
    this.sendIfChanged();
  }

  /** the lowest limit someone other than the lease wants, Wh; null: none */
  private ceilingWh(): number | null {
    const limits = [this.appLimitWh, this.ownLimitWh].filter((w): w is number => w !== null);
    return limits.length ? Math.min(...limits) : null;
  }

  /** the power the charger lets the car draw now: the commanded current on the phases in use (measured if more), kW */
  private allowedKw(): number {
    const reading = this.last;
    const drawing = reading?.phases.filter((p) => p.currentA > 0.5).length ?? 0;
    const phases = drawing > 0 ? drawing : this.wanted.phaseCount ?? this.confirmed?.phaseCount ?? 3;
    return Math.max(reading?.powerKw ?? 0, chargePowerKw(this.grid, phases, this.wanted.currentSetA ?? 0));
  }

  /** renew the lease when it is due (energy-lease.ts decides); the write follows through sendIfChanged */
  private updateLease(): void {
    if (!this.lease || this.stopping) return;
    const reading = this.last;
    const next = this.lease.next({
      nowMonoMs: this.timers.now(),
      charging: this.wanted.paused === false && this.wanted.currentSetA !== undefined,
      sessionWh: reading && reading.state !== 'unplugged' ? Math.round(reading.sessionKwh * 1000) : null,
      allowedKw: this.allowedKw(),
      ceilingWh: this.ceilingWh(),
      heldWh: this.wanted.energyLimitWh ?? this.confirmed?.energyLimitWh ?? 0,
    });
    if (next !== null) this.wanted.energyLimitWh = next;
  }

  /**
   * The limit on the charger when this process first reads it: one within two leases of the
   * session's energy is taken for a lease a dead controller left (this one, before a restart)
   * and is replaced; one further out was set by the user and is kept as the ceiling.
   */
  private learnStartLimit(limitWh: number, sessionWh: number | null): void {
    if (!this.energyLease || limitWh <= 0) return;
    const largestLease = leaseAllowanceWh(this.energyLease, chargePowerKw(this.grid, 3, this.maxCurrentA));
    if (sessionWh !== null && limitWh - sessionWh <= 2 * largestLease) return;
    this.appLimitWh = limitWh;
  }

  /** read the charger's limit before a lease write: one changed since we last saw it was set by the user */
  private async learnLimitBeforeLease(): Promise<void> {
    const had = this.confirmed;
    const seen = readControl(await this.link.get('/control'), this.description);
    if (had && this.setByUser(seen.energyLimitWh, had.energyLimitWh)) {
      this.appLimitWh = seen.energyLimitWh > 0 ? seen.energyLimitWh : null;
      this.conditions.report(`ev ${this.id} energy limit`, `user ${seen.energyLimitWh}`, 'info', `${this.description}: its energy limit was set to ${seen.energyLimitWh / 1000} kWh outside Digital Meter; the lease stays below it`);
    }
    this.confirmed = seen;
    this.controlReadAt = this.timers.now();
    this.updateLease();
  }

  /** a limit on the charger that is neither the one it confirmed to us nor one we sent without an answer */
  private setByUser(seenWh: number, confirmedWh: number): boolean {
    return seenWh !== confirmedWh && !this.unconfirmedLimitsWh.has(seenWh);
  }

  /**
   * While a limit of the user's holds the lease down, no lease write (and so no read before one)
   * happens: the charger's limit is read every `renewSeconds` instead, so a limit the user raises
   * or removes in the app is seen and the lease takes over again.
   */
  private async rereadUserLimit(): Promise<void> {
    if (!this.lease || this.appLimitWh === null || this.commandInFlight || this.confirmed === null) return;
    const now = this.timers.now();
    if (this.controlReadAt !== null && now - this.controlReadAt < this.lease.settings.renewSeconds * 1000) return;
    const writes = this.writesBegun;
    const seen = readControl(await this.link.get('/control'), this.description);
    // a write of ours crossed the read: its answer is the newer word
    if (writes !== this.writesBegun || this.commandInFlight || this.confirmed === null) return;
    this.controlReadAt = now;
    if (this.setByUser(seen.energyLimitWh, this.confirmed.energyLimitWh)) {
      this.appLimitWh = seen.energyLimitWh > 0 ? seen.energyLimitWh : null;
      this.confirmed = seen;
    }
  }

  /** the /control parameters that differ from what the charger confirmed (all of them before the first answer) */
  private pendingChanges(): Record<string, number> {
    const changes: Record<string, number> = {};
    const had = this.confirmed;
    const wanted = this.wanted;
    if (wanted.currentSetA !== undefined && !wanted.paused && (!had || Math.abs(had.currentSetA - wanted.currentSetA) >= 0.05)) {
      changes.current_set = wanted.currentSetA;
    }
    if (wanted.paused !== undefined && (!had || had.paused !== wanted.paused)) changes.charge_pause = wanted.paused ? 1 : 0;
    if (wanted.phaseCount !== undefined && (!had || had.phaseCount !== wanted.phaseCount)) {
      const now = this.timers.now();
      if (this.lastPhaseSwitchAt === null || now - this.lastPhaseSwitchAt >= this.phaseSwitchGuardMs) changes.phase_count = wanted.phaseCount;
    }
    if (wanted.energyLimitWh !== undefined && (!had || had.energyLimitWh !== wanted.energyLimitWh)) changes.energy_limit = wanted.energyLimitWh;
    return changes;
  }

  private sendIfChanged(): void {
    if (!this.running || this.commandInFlight || this.commandRetryTimer !== null || this.failedWhileStopping) return;
    const changes = this.pendingChanges();
    if (Object.keys(changes).length === 0) return;
    // the car's current and pause go out at once; a lease change follows in a write of its own
    if (this.lease && !this.stopping && 'energy_limit' in changes && Object.keys(changes).length > 1) delete changes.energy_limit;
    const sending = this.send(changes);
    this.sending = sending;
    void sending.finally(() => { if (this.sending === sending) this.sending = null; });
  }

  private async send(changes: Record<string, number>): Promise<void> {
    this.commandInFlight = true;
    this.inFlight++;
    try {
      if (this.lease && !this.stopping && 'energy_limit' in changes) {
        await this.learnLimitBeforeLease();
        const limit = this.pendingChanges().energy_limit;
        // the charger already holds it (the user set the same): nothing to write
        changes = limit === undefined ? {} : { energy_limit: limit };
      }
      if (Object.keys(changes).length > 0) await this.write(changes);
    } catch (error) {
      let failure = toFailure(error);
      if ('energy_limit' in changes && (failure.problem === 'http' || failure.problem === 'read-back')) {
        failure = new ChargerFailure(failure.problem, `${failure.message} (writing its energy limit, the lease that stops the car if Digital Meter dies: for a charger that cannot hold one, set "energyLease": false)`);
      }
      this.setCommandProblem(failure);
      // a read-back mismatch means our idea of the charger is wrong: ask afresh next time
      if (failure.problem === 'read-back') this.confirmed = null;
      // stopping: one try only, the process is on its way out
      if (this.stopping) {
        this.failedWhileStopping = true;
        return;
      }
      const delay = backoffDelay(this.commandFailures++, failure.problem === 'solar-mode' ? SOLAR_MODE_RETRY : RETRY, this.random);
      this.commandRetryTimer = this.timers.setTimeout(() => {
        this.commandRetryTimer = null;
        this.sendIfChanged();
      }, delay);
    } finally {
      this.commandInFlight = false;
      this.inFlight--;
    }
    this.sendIfChanged();
  }

  /** one /control write, checked against its echo */
  private async write(changes: Record<string, number>): Promise<void> {
    this.writesBegun++;
    if (changes.energy_limit !== undefined) this.unconfirmedLimitsWh.add(changes.energy_limit);
    const raw = await this.link.get('/control', changes);
    const answer = readControl(raw, this.description);
    for (const [key, value] of Object.entries(changes)) {
      const echoed = (raw as Record<string, unknown>)[key];
      if (typeof echoed !== 'number' || Math.abs(echoed - value) > 0.05) {
        throw new ChargerFailure('read-back', `${this.description} was told ${key}=${value} but answered ${key}=${String(echoed)}: the command did not take, the charger is treated as not under control`);
      }
    }
    if ('phase_count' in changes) this.lastPhaseSwitchAt = this.timers.now();
    this.confirmed = answer;
    if (changes.energy_limit !== undefined) this.unconfirmedLimitsWh.clear();
    this.commandFailures = 0;
    this.setCommandProblem(null);
  }

  private async poll(): Promise<void> {
    this.pollTimer = null;
    if (!this.running) return;
    let delay = this.pollMs;
    this.inFlight++;
    try {
      const values = await this.link.get('/values', { general: '', powerflow: '', energy: '' });
      if (this.confirmed === null && !this.commandInFlight) {
        // learn what the charger is set to, so that the first command sends only what changes
        this.confirmed = readControl(await this.link.get('/control'), this.description);
        this.controlReadAt = this.timers.now();
        if (!this.startLimitSeen) {
          this.startLimitSeen = true;
          this.learnStartLimit(this.confirmed.energyLimitWh, sessionWhOf(values));
        }
      }
      this.last = readValues(values, this.confirmed, this.timers.now(), this.description);
      await this.rereadUserLimit();
      this.pollFailures = 0;
      // the charger just answered with our credentials: a command that failed to reach it or was
      // refused them is no longer a reason to distrust it (else a paused charger, with nothing new
      // to command, would keep an old 401 for ever); refusals of the command itself stay
      const transport = this.commandProblem?.problem;
      if (transport === 'auth' || transport === 'unreachable' || transport === 'timeout') this.commandProblem = null;
      this.setPollProblem(null);
    } catch (error) {
      this.setPollProblem(toFailure(error));
      delay = Math.max(this.pollMs, backoffDelay(this.pollFailures++, RETRY, this.random));
    } finally {
      this.inFlight--;
    }
    if (!this.running || this.stopping) return;
    this.notify();
    this.updateLease();
    this.sendIfChanged();
    this.pollTimer = this.timers.setTimeout(() => void this.poll(), delay);
  }

  private setPollProblem(problem: ChargerFailure | null): void {
    this.pollProblem = problem;
    this.updateHealth();
  }

  private setCommandProblem(problem: ChargerFailure | null): void {
    this.commandProblem = problem;
    this.updateHealth();
  }

  private updateHealth(): void {
    const problem = this.commandProblem ?? this.pollProblem;
    const ok = problem === null && this.last !== null;
    const code = problem?.problem ?? null;
    if (ok === this.healthNow.ok && code === this.healthNow.problem && (problem?.message ?? null) === this.healthNow.message) return;
    const wasBad = !this.healthNow.ok && this.healthNow.problem !== null;
    this.healthNow = { ok, problem: code, message: problem?.message ?? null, sinceMonoMs: this.timers.now() };
    if (problem) this.conditions.report(`ev ${this.id}`, problem.problem, problem.problem === 'solar-mode' || problem.problem === 'auth' ? 'error' : 'warn', problem.message);
    else if (ok) this.conditions.report(`ev ${this.id}`, 'ok', 'info', wasBad ? `${this.description} answers again` : `${this.description} answers`);
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}

function toFailure(error: unknown): ChargerFailure {
  if (error instanceof ChargerFailure) return error;
  return new ChargerFailure('bad-answer', error instanceof Error ? error.message : String(error));
}

/** the session's charged energy in a /values answer, Wh */
function sessionWhOf(values: unknown): number | null {
  return num((values as ValuesAnswer | null)?.energy?.charged_energy);
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function readControl(answer: unknown, description: string): ControlState {
  const a = (answer ?? {}) as NrgkickControlAnswer;
  const current = num(a.current_set);
  const pause = num(a.charge_pause);
  if (current === null || pause === null) {
    throw new ChargerFailure('bad-answer', `${description} answered /control without current_set and charge_pause`);
  }
  return { currentSetA: current, paused: pause === 1, phaseCount: num(a.phase_count) ?? 3, energyLimitWh: num(a.energy_limit) ?? 0 };
}

interface ValuesAnswer {
  general?: { status?: unknown; error_code?: unknown };
  powerflow?: { total_active_power?: unknown; l1?: PhaseAnswer; l2?: PhaseAnswer; l3?: PhaseAnswer };
  energy?: { charged_energy?: unknown };
}
interface PhaseAnswer { current?: unknown; active_power?: unknown }

function readValues(answer: unknown, control: ControlState | null, atMonoMs: number, description: string): ChargerReading {
  if (answer === null || typeof answer !== 'object') throw new ChargerFailure('bad-answer', `${description} answered /values with no object`);
  const values = answer as ValuesAnswer;
  const status = mapNrgkickStatus(values.general?.status);
  const errorCode = values.general?.error_code;
  const words = status.state === 'error' && errorCode !== undefined && errorCode !== null && errorCode !== 0 && errorCode !== 'NO_ERROR'
    ? `${status.words} (${String(errorCode)})` : status.words;
  const phases: PhaseReading[] = [];
  const lines: [1 | 2 | 3, PhaseAnswer | undefined][] = [[1, values.powerflow?.l1], [2, values.powerflow?.l2], [3, values.powerflow?.l3]];
  for (const [phase, line] of lines) {
    phases.push({ phase, currentA: num(line?.current) ?? 0, powerKw: (num(line?.active_power) ?? 0) / 1000 });
  }
  const totalW = num(values.powerflow?.total_active_power);
  const activePhases = phases.filter((p) => p.currentA > 0.5).length;
  return {
    state: status.state,
    chargerWords: words,
    powerKw: (totalW ?? phases.reduce((sum, p) => sum + p.powerKw * 1000, 0)) / 1000,
    phases,
    sessionKwh: (num(values.energy?.charged_energy) ?? 0) / 1000,
    currentSetA: control?.currentSetA ?? 0,
    paused: control?.paused ?? true,
    phaseCount: (control?.phaseCount ?? (activePhases || 3)) as 1 | 2 | 3,
    atMonoMs,
  };
}
