import { grantIsFresh, type GrantReason, type SiteDemandInput, type SiteGrant } from '../../shared/site/contract.js';
import type { CarConfig, ChargeMode, EvControlConfig } from '../config/ev-schema.js';
import type { ChargerHealth, ChargerReading } from './charger.js';
import { chargeConductors, chargePowerKw, currentForPowerA, usablePhases, type GridType } from './grid.js';
import type { SocValue } from './soc.js';
import { FULL_PERCENT } from '../../shared/ev/full.js';
import { tripDemandFields } from './trips/intent.js';

/**
 * The EV controller for one charger (issue 17, site-control.md). Pure: each call to `decide`
 * gets everything it needs (the charger's reading, the car's SoC, the mode, the latest grant
 * with its receipt time on the monotonic clock) and returns the demand to file, the command for
 * the charger and the reason in words. It keeps only its own timing memory (when it last
 * changed, started, stopped, switched phases).
 *
 * Order (issue 17 "Controller"): emergency first (below the car's minimum SoC), then a plan or
 * a trip when one is given, then the cheap register hours, then solar surplus. The broker turns
 * the demand into a grant; this follows the grant: a cut at once, an increase only after the
 * hold time, a restart only after the minimum off time, and the safe state (pause or the
 * configured safe current) whenever the grant is not fresh or the meter has gone quiet.
 */
export interface ControllerSetup {
  device: string;
  grid: GridType;
  car: CarConfig | null;
  chargerMaxCurrentA: number;
  chargerMinCurrentA: number;
  /** the charger can switch phases (capability present and enabled) */
  phaseSwitching: boolean;
  phaseSwitchGuardMs: number;
  firstPhase: 1 | 2 | 3;
  /** 0: pause without a fresh grant; >= 6: hold this current */
  safeCurrentA: number;
  control: EvControlConfig;
}

/** What a plan (the plan issue) or a trip (the trips issue) asks of this charger. */
export interface ChargeIntent {
  /** energy the plan placed in the running quarter for this car, kWh */
  plannedKwh?: number | null;
  /** the part of the quarter's planned energy the plan expects from the sun, kWh (plannedKwh is bought) */
  plannedSunKwh?: number | null;
  /**
   * a trip: the energy (kWh, drawn from the grid) needed by `time` (epoch ms); `urgent` for a
   * sudden trip (charged at once, beyond the peak if it must); `now` the wall time (epoch ms)
   * it was worked out at, for the power an urgent trip needs (without it: full power)
   */
  trip?: { time: number; kwh: number; label?: string; urgent?: boolean; now?: number } | null;
  /** when the cheap register next starts (epoch ms), for the reason shown while waiting */
  nextCheapAt?: number | null;
  /** with a plan: when it next places energy into this car (epoch ms), null: not in its horizon */
  planNextAt?: number | null;
}

export interface ControllerInputs {
  nowMono: number;
  mode: ChargeMode;
  reading: ChargerReading | null;
  health: ChargerHealth;
  soc: SocValue | null;
  /** active tariff register: 2 = the cheap (night/weekend) rate */
  tariff: number | null;
  /** monotonic ms since the last telegram arrived (null: none yet) */
  meterAgeMs: number | null;
  grant: { grant: SiteGrant; receivedAtMonoMs: number } | null;
  intent?: ChargeIntent;
}

export type ReasonCode =
  | 'unplugged' | 'off' | 'charger-problem' | 'safe-no-grant' | 'safe-meter-stale' | 'emergency' | 'now'
  | 'plan' | 'trip' | 'cheap-hours' | 'solar' | 'waiting-cheap' | 'waiting-plan' | 'reduced' | 'held' | 'min-off' | 'no-budget' | 'full';

/**
 * The reason's figures and words by name, so the dashboard can say it in the user's language
 * (the English `text` stays for logs and MQTT): kW, seconds, percentages, the grant's code.
 */
export type ReasonParams = Record<string, number | string>;
export interface Reason { code: ReasonCode; text: string; params?: ReasonParams }

export interface ControllerDecision {
  /** the demand to file; null withdraws it */
  demand: SiteDemandInput | null;
  /** what the charger should do: currentA below its minimum pauses */
  command: { currentA: number; phases: 1 | 3 };
  /** the grant's kW this decision follows (null in the safe state) */
  grantedKw: number | null;
  reason: Reason;
  /** true in the safe state (no fresh grant, stale meter) */
  safe: boolean;
}

/** a charger that has not answered for this long is treated as out of control */
const CHARGER_PROBLEM_GRACE_MS = 5000;
/** a budget cut smaller than this waits for the next grant (never a fuse cut) */
const CUT_DEADBAND_KW = 0.25;
/** an increase smaller than this is not worth a command */
const RAISE_STEP_A = 0.5;
/**
 * a car drawing less than this share of what it is allowed for TAKING_LESS_MS (beyond any ramp)
 * limits itself (the taper near full, its own charge limit): it asks only for what it takes
 */
const TAKING_SHARE = 0.7;
const TAKING_LESS_MS = 60_000;
/** above what it draws, a self-limiting car still asks for this much (its draw may rise again) */
const TAKING_MARGIN_KW = 0.3;
/** a car that limits itself is asked again for more after this long */
const TAKING_RETRY_MS = 15 * 60_000;

export class EvController {
  private current: { currentA: number; phases: 1 | 3 };
  private lastChangeAt: number | null = null;
  private runningSince: number | null = null;
  private stoppedAt: number | null = null;
  private lastPhaseSwitchAt: number | null = null;
  /** a calendar trip in register 2 follows its deadline, not the cheap hours (cheapHoursCarry) */
  private tripOnDeadline = false;
  private tripBasis = '';
  /** since when (monotonic ms) the running car draws less than it is allowed; null: it draws it */
  private takingLessSince: number | null = null;
  /** what a self-limiting car was last seen to take (kW) and when (monotonic ms) */
  private takes: { kw: number; atMono: number } | null = null;

  constructor(private readonly setup: ControllerSetup) {
    this.current = { currentA: 0, phases: this.maxPhases() };
  }

  /** the phases the car can use on this grid */
  private maxPhases(): 1 | 3 {
    return usablePhases(this.setup.grid, this.setup.car?.maxPhases ?? 3);
  }

  private maxCurrentA(): number {
    return Math.min(this.setup.chargerMaxCurrentA, this.setup.car?.maxCurrentA ?? this.setup.chargerMaxCurrentA);
  }

  decide(inputs: ControllerInputs): ControllerDecision {
    const demand = this.buildDemand(inputs);
    const decision = this.follow(inputs, demand);
    const wasRunning = this.current.currentA >= this.setup.chargerMinCurrentA;
    this.apply(decision.command, inputs.nowMono);
    // a charge that starts now is inside its minimum on-time from this second, on the phases
    // just chosen: the demand says so at once. The broker sees the car's power only from its
    // next reading; with the demand of before the start it counts the ramping car as house load,
    // finds the surplus gone and stops the car again (a 2 kW surplus on one phase did, each minute)
    if (demand && !wasRunning && this.current.currentA >= this.setup.chargerMinCurrentA) return { ...decision, demand: this.buildDemand(inputs) };
    return decision;
  }

  /** The demand for the broker: which class, what band (site-control.md "Messages"). */
  buildDemand(inputs: ControllerInputs): SiteDemandInput | null {
    const { reading, mode, soc } = inputs;
    if (!reading || reading.state === 'unplugged' || reading.state === 'error' || mode === 'off') return null;
    const { grid } = this.setup;
    const car = this.setup.car;
    const phases = this.current.phases;
    const maxKw = chargePowerKw(grid, this.setup.phaseSwitching ? this.maxPhases() : phases, this.maxCurrentA());
    const minRunKw = chargePowerKw(grid, this.setup.phaseSwitching ? 1 : phases, this.setup.chargerMinCurrentA);
    const running = this.current.currentA >= this.setup.chargerMinCurrentA;
    // a charge inside its minimum on-time asks for at least its running power: the broker decides
    // whether the budget allows that, instead of the car stopping on every passing cloud
    const inMinOn = running && this.runningSince !== null && inputs.nowMono - this.runningSince < this.setup.control.minOnSeconds * 1000;
    const base = {
      device: this.setup.device,
      kind: 'ev' as const,
      conductors: chargeConductors(grid, phases, this.setup.firstPhase),
      measuredKw: round3(reading.powerKw),
      minRunKw: round3(minRunKw),
      interruptible: true,
    };
    const wholeBand = (minKw: number) => ({ minKw: round3(minKw), maxKw: round3(maxKw) });
    // below the minimum SoC: the car runs at once, at least at its running power even above the
    // quarter's target (site-control.md rule 2; the broker prices the raise), and up to full power
    // as far as the quarter allows. Full power above the target would set a month peak of the
    // house plus a whole charger for a car that is charging anyway; `now` asks for that
    if (soc && car && soc.percent < car.minSocPercent) {
      if (this.setup.control.emergencyMayRaisePeak) return { ...base, class: 'emergency', priority: 100, band: wholeBand(minRunKw) };
      return { ...base, class: 'plan', priority: 100, band: wholeBand(0), plannedKwh: round3(maxKw / 4) };
    }
    if (mode === 'now') return { ...base, class: 'emergency', priority: 50, band: wholeBand(maxKw) };
    // what the car takes: nothing when full; what it draws (and a little more, never below its
    // running power) while it holds itself below what it is allowed. Power granted to a car that
    // does not draw it would otherwise be exported rather than stored by the battery
    const takesKw = this.takesKw(inputs, minRunKw);
    const keep = Math.min(inMinOn ? minRunKw : 0, takesKw);
    const band = (minKw: number) => ({ minKw: round3(Math.min(minKw, takesKw)), maxKw: round3(Math.min(maxKw, takesKw)) });
    const trip = inputs.intent?.trip;
    // a calendar trip in smart mode; a sudden trip whenever the car may charge for more than the sun
    if (trip && trip.kwh > 0 && (mode === 'smart' || (mode === 'solar' && trip.urgent)) && !this.cheapHoursCarry(inputs, trip, maxKw)) {
      const fields = tripDemandFields(trip, { minRunKw, maxKw, keepKw: keep }, trip.now ?? null);
      return { ...base, class: fields.class, priority: fields.priority, band: band(fields.minKw), deadline: fields.deadline };
    }
    if (mode === 'smart') {
      const intent = inputs.intent;
      if (intent?.plannedKwh !== undefined && intent.plannedKwh !== null) {
        if (intent.plannedKwh > 0) {
          const sun = intent.plannedSunKwh ?? null;
          return { ...base, class: 'plan', priority: 50, band: band(keep), plannedKwh: round3(intent.plannedKwh), plannedSunKwh: sun === null ? null : round3(sun) };
        }
      } else if (inputs.tariff === 2) {
        // no plan yet: the cheap register's hours stand in for one (a full quarter's energy)
        return { ...base, class: 'plan', priority: 40, band: band(keep), plannedKwh: round3(maxKw / 4) };
      }
    }
    return { ...base, class: 'opportunistic', priority: 30, band: band(keep) };
  }

  /**
   * The most the car takes now (kW): nothing when full or inside its minimum off time; while it holds itself below what it is
   * allowed (for a minute, beyond any ramp), what it draws plus a margin and never below its
   * running power, or nothing when it draws next to nothing; asked again for more after
   * TAKING_RETRY_MS, or at once when it draws what it is allowed.
   */
  private takesKw(inputs: ControllerInputs, minRunKw: number): number {
    const reading = inputs.reading!;
    const now = inputs.nowMono;
    if (inputs.soc && inputs.soc.percent >= FULL_PERCENT) {
      this.takingLessSince = null;
      this.takes = null;
      return 0;
    }
    // started this very second (the demand filed with the start): it cannot have drawn anything yet
    if (this.runningSince === now) return this.takes?.kw ?? Infinity;
    const allowedKw = chargePowerKw(this.setup.grid, this.current.phases, this.current.currentA);
    if (this.current.currentA >= this.setup.chargerMinCurrentA) {
      if (reading.powerKw >= TAKING_SHARE * allowedKw) {
        this.takingLessSince = null;
        this.takes = null;
        return Infinity;
      }
      this.takingLessSince ??= now;
      if (now - this.takingLessSince >= TAKING_LESS_MS) {
        this.takes = { kw: reading.powerKw < 0.25 * minRunKw ? 0 : Math.max(minRunKw, reading.powerKw + TAKING_MARGIN_KW), atMono: now };
      }
    } else {
      this.takingLessSince = null;
      // inside its minimum off time it cannot start: power granted now would go unused
      if (this.stoppedAt !== null && now - this.stoppedAt < this.setup.control.minOffSeconds * 1000) return 0;
    }
    if (this.takes && now - this.takes.atMono > TAKING_RETRY_MS) this.takes = null;
    return this.takes?.kw ?? Infinity;
  }

  /**
   * In register 2 without a plan, a calendar trip is charged as the cheap hours are: as fast as
   * the quarter's budget allows, which brings it early and cheaply. Its deadline takes over (and
   * with it the broker's right to raise the target) once the trip's average need from now on
   * reaches half the charger's most: there is still time to meet it then, at twice the pace.
   * Back to the cheap hours only below 40%, so a charge at the deadline's pace does not flip.
   */
  private cheapHoursCarry(inputs: ControllerInputs, trip: NonNullable<ChargeIntent['trip']>, maxKw: number): boolean {
    const planned = inputs.intent?.plannedKwh;
    if (trip.urgent || inputs.mode !== 'smart' || inputs.tariff !== 2 || (planned !== undefined && planned !== null) || trip.now === undefined) {
      this.tripOnDeadline = false;
      return false;
    }
    const hours = (trip.time - trip.now) / 3_600_000;
    const needKw = hours > 0 ? trip.kwh / hours : Infinity;
    // another trip, or a SoC learnt (until then the whole need counts): judged afresh
    const basis = `${trip.time}|${inputs.soc === null}`;
    if (basis !== this.tripBasis) this.tripOnDeadline = false;
    this.tripBasis = basis;
    this.tripOnDeadline = this.tripOnDeadline ? needKw >= 0.4 * maxKw : needKw >= 0.5 * maxKw;
    return !this.tripOnDeadline;
  }

  private follow(inputs: ControllerInputs, demand: SiteDemandInput | null): ControllerDecision {
    const now = inputs.nowMono;
    const hold = { currentA: this.current.currentA, phases: this.current.phases };
    const pause = { currentA: 0, phases: this.current.phases };
    if (!inputs.reading && inputs.health.problem !== null) {
      // never read (wrong password, unreachable from the start): not "no car", but a charger we cannot see
      const message = inputs.health.message ?? inputs.health.problem;
      return { demand: null, command: pause, grantedKw: null, safe: true, reason: { code: 'charger-problem', text: `${message}; paused until it answers`, params: { problem: inputs.health.problem, safeA: 0 } } };
    }
    if (!inputs.reading || inputs.reading.state === 'unplugged') {
      return { demand: null, command: pause, grantedKw: null, safe: false, reason: { code: 'unplugged', text: 'no car plugged in' } };
    }
    if (inputs.reading.state === 'error') {
      return { demand: null, command: pause, grantedKw: null, safe: false, reason: { code: 'charger-problem', text: `charger error: ${inputs.reading.chargerWords}`, params: { problem: 'error', words: inputs.reading.chargerWords ?? '' } } };
    }
    if (inputs.mode === 'off') return { demand: null, command: pause, grantedKw: null, safe: false, reason: { code: 'off', text: 'mode off' } };
    const safeCommand = { currentA: this.setup.safeCurrentA >= this.setup.chargerMinCurrentA ? Math.min(this.setup.safeCurrentA, this.current.currentA || this.setup.safeCurrentA) : 0, phases: this.current.phases };
    const safeWords = safeCommand.currentA > 0 ? `held at the safe ${safeCommand.currentA} A` : 'paused';
    const safeA = safeCommand.currentA;
    const staleMs = this.setup.control.meterStaleSeconds * 1000;
    if (inputs.meterAgeMs === null || inputs.meterAgeMs > staleMs) {
      const since = inputs.meterAgeMs === null ? 'no meter data yet' : `no meter data for ${Math.round(inputs.meterAgeMs / 1000)} s`;
      const params: ReasonParams = inputs.meterAgeMs === null ? { safeA } : { safeA, seconds: Math.round(inputs.meterAgeMs / 1000) };
      return { demand, command: safeCommand, grantedKw: null, safe: true, reason: { code: 'safe-meter-stale', text: `${since}: ${safeWords}`, params } };
    }
    const granted = inputs.grant;
    if (!granted || !grantIsFresh(granted.receivedAtMonoMs, granted.grant, now)) {
      const text = granted ? `the budget grant expired ${Math.round((now - granted.receivedAtMonoMs) / 1000)} s ago: ${safeWords}` : `no budget grant yet: ${safeWords}`;
      const params: ReasonParams = granted ? { safeA, seconds: Math.round((now - granted.receivedAtMonoMs) / 1000) } : { safeA };
      return { demand, command: safeCommand, grantedKw: null, safe: true, reason: { code: 'safe-no-grant', text, params } };
    }
    const health = inputs.health;
    if (!health.ok && health.problem !== null) {
      // one lost poll is not a reason to stop a charge; a refusal (credentials, the charger's own
      // solar mode, a command that did not take) is: we no longer know what the charger does
      const lasting = health.problem === 'auth' || health.problem === 'solar-mode' || health.problem === 'read-back'
        || now - health.sinceMonoMs >= CHARGER_PROBLEM_GRACE_MS;
      if (lasting) {
        return { demand, command: safeCommand, grantedKw: null, safe: true, reason: { code: 'charger-problem', text: `${health.message ?? health.problem}; ${safeWords} until it answers`, params: { problem: health.problem, safeA } } };
      }
    }
    const target = this.target(granted.grant.kw, now);
    const wanted = target.command;
    const grantKw = granted.grant.kw;
    const running = this.current.currentA >= this.setup.chargerMinCurrentA;
    const wantsRun = wanted.currentA >= this.setup.chargerMinCurrentA;
    let command = wanted;
    let held: Reason | null = null;
    // inside the minimum off time the car asks for nothing (takesKw), so the grant is 0: say why
    const offLeftMs = !running && this.stoppedAt !== null ? this.setup.control.minOffSeconds * 1000 - (now - this.stoppedAt) : 0;
    const inMinOff = offLeftMs > 0;
    if ((wantsRun || (inMinOff && demand !== null && demand.band.maxKw === 0 && !(inputs.soc && inputs.soc.percent >= FULL_PERCENT))) && !running) {
      if (inMinOff) {
        command = pause;
        const seconds = Math.ceil(offLeftMs / 1000);
        held = { code: 'min-off', text: `starting again in ${seconds} s (minimum off time)`, params: { seconds } };
      }
    } else if (wantsRun && running && wanted.phases === this.current.phases && wanted.currentA > this.current.currentA) {
      if (wanted.currentA - this.current.currentA < RAISE_STEP_A) {
        command = hold;
      } else if (this.lastChangeAt !== null && now - this.lastChangeAt < this.setup.control.increaseHoldSeconds * 1000) {
        command = hold;
        held = { code: 'held', text: `${fmtKw(grantKw)} kW allowed; raising after ${this.setup.control.increaseHoldSeconds} s without a cut`, params: { kw: round1(grantKw), seconds: this.setup.control.increaseHoldSeconds } };
      }
    } else if (wantsRun && running && wanted.phases === this.current.phases && wanted.currentA < this.current.currentA && granted.grant.reason.code !== 'fuse') {
      // the quarter budget is an average: an excess this small for a second is absorbed by the
      // broker's next grant (it sees the energy in E); chasing it would command every second
      const excessKw = chargePowerKw(this.setup.grid, this.current.phases, this.current.currentA) - chargePowerKw(this.setup.grid, this.current.phases, wanted.currentA);
      if (excessKw < CUT_DEADBAND_KW) command = hold;
    }
    const reason = held ?? this.reasonFor(inputs, demand, granted.grant.reason, grantKw, command);
    return { demand, command, grantedKw: grantKw, safe: false, reason };
  }

  /** The current and phases that draw at most `kw` (never more), switching phases for low power when allowed. */
  private target(kw: number, now: number): { command: { currentA: number; phases: 1 | 3 } } {
    const { grid, chargerMinCurrentA: minA } = this.setup;
    let phases = this.current.phases;
    const maxPhases = this.maxPhases();
    const canSwitch = this.setup.phaseSwitching && maxPhases === 3 && (this.lastPhaseSwitchAt === null || now - this.lastPhaseSwitchAt >= this.setup.phaseSwitchGuardMs);
    if (canSwitch) {
      const threePhaseMinKw = chargePowerKw(grid, 3, minA);
      const onePhaseMinKw = chargePowerKw(grid, 1, minA);
      const onePhaseMaxKw = chargePowerKw(grid, 1, this.maxCurrentA());
      // a margin above the three-phase minimum so that a surplus hovering at it does not flip
      // phases; but more than one phase can carry goes to three at once (a plan's 4.2 kW would
      // otherwise stay at one phase's 3.68 kW for good, short every quarter)
      if (phases === 3 && kw < threePhaseMinKw && kw >= onePhaseMinKw) phases = 1;
      else if (phases === 1 && kw >= threePhaseMinKw && (kw >= threePhaseMinKw * 1.15 || kw > onePhaseMaxKw + 0.05)) phases = 3;
    }
    // 1e-6: 2.07 kW / 230 V is 9 A, not 8.9999 A (floating point), while never rounding up past
    // the grant by more than the half watt the demand's powers are rounded to: the smallest power
    // on 3 x 230 V, sqrt(3) x 230 V x 6 A = 2.3902 kW, is asked as 2.39 kW, and a grant of that
    // must start the car at 6 A, not leave it off at 5.9 A
    const amps = Math.floor(Math.min(this.maxCurrentA(), currentForPowerA(grid, phases, kw + 0.0005)) * 10 + 1e-6) / 10;
    return { command: { currentA: amps >= minA ? amps : 0, phases } };
  }

  private apply(command: { currentA: number; phases: 1 | 3 }, now: number): void {
    const minA = this.setup.chargerMinCurrentA;
    const was = this.current;
    const wasRunning = was.currentA >= minA;
    const runs = command.currentA >= minA;
    if (command.phases !== was.phases) this.lastPhaseSwitchAt = now;
    if (Math.abs(command.currentA - was.currentA) >= 0.05 || command.phases !== was.phases) this.lastChangeAt = now;
    if (runs && !wasRunning) this.runningSince = now;
    if (!runs && wasRunning) { this.stoppedAt = now; this.runningSince = null; }
    this.current = { currentA: runs ? command.currentA : 0, phases: command.phases };
  }

  private reasonFor(inputs: ControllerInputs, demand: SiteDemandInput | null, grantReason: GrantReason, grantKw: number, command: { currentA: number; phases: 1 | 3 }): Reason {
    const running = command.currentA >= this.setup.chargerMinCurrentA;
    const kwNow = chargePowerKw(this.setup.grid, command.phases, command.currentA);
    const car = this.setup.car;
    const kw = round1(kwNow);
    const run = running ? 1 : 0;
    const grant = grantReason.code;
    if (inputs.soc && inputs.soc.percent >= FULL_PERCENT) return { code: 'full', text: 'the car is full' };
    const cut = demand !== null && grantKw < demand.band.maxKw - 0.05;
    if (cut && (grantReason.code === 'budget' || grantReason.code === 'fuse' || grantReason.code === 'no-budget')) {
      return { code: 'reduced', text: running ? `reduced to ${fmtKw(kwNow)} kW: ${grantReason.text}` : `paused: ${grantReason.text}`, params: { kw, running: run, grant } };
    }
    switch (demand?.class) {
      case 'emergency':
        if (inputs.intent?.trip?.urgent && !(inputs.soc && car && inputs.soc.percent < car.minSocPercent) && inputs.mode !== 'now') {
          // the broker's words say whether (and for how many euros) this goes above the quarter's target
          return { code: 'trip', text: `sudden trip${tripLabel(inputs)}: charging ${fmtKw(kwNow)} kW at once (${grantReason.text})`, params: { kw, running: run, grant, label: inputs.intent?.trip?.label ?? '', ...grantReason.params } };
        }
        if (inputs.mode === 'now' && !(inputs.soc && car && inputs.soc.percent < car.minSocPercent)) return { code: 'now', text: `charging now at ${fmtKw(kwNow)} kW`, params: { kw } };
        // the broker's words say whether (and by how much, in euros) this raises the quarter above its target
        return { code: 'emergency', text: `emergency: below ${car?.minSocPercent ?? 20}%, charging at ${fmtKw(kwNow)} kW (${grantReason.text})`, params: { percent: car?.minSocPercent ?? 20, kw, ...grantReason.params } };
      case 'deadline':
        // the broker's words: the energy by when, or the raised target and what it costs
        return { code: 'trip', text: running ? `charging ${fmtKw(kwNow)} kW for the trip${tripLabel(inputs)} (${grantReason.text})` : `trip${tripLabel(inputs)}: waiting: ${grantReason.text}`, params: { kw, running: run, grant, label: inputs.intent?.trip?.label ?? '' } };
      case 'plan':
        if (inputs.intent?.plannedKwh != null) return { code: 'plan', text: running ? `charging ${fmtKw(kwNow)} kW as planned` : `planned, but: ${grantReason.text}`, params: { kw, running: run, grant } };
        if (inputs.intent?.trip && inputs.intent.trip.kwh > 0) {
          return { code: 'trip', text: running ? `register 2 (cheap rate): charging ${fmtKw(kwNow)} kW for the trip${tripLabel(inputs)} at ${brusselsTime(inputs.intent.trip.time)}` : `trip${tripLabel(inputs)}: register 2, but: ${grantReason.text}`, params: { kw, running: run, grant, label: inputs.intent?.trip?.label ?? '' } };
        }
        return { code: 'cheap-hours', text: running ? `register 2 (cheap rate): charging ${fmtKw(kwNow)} kW` : `register 2, but: ${grantReason.text}`, params: { kw, running: run, grant } };
      default:
        if (running) return { code: 'solar', text: `solar surplus ${fmtKw(grantKw)} kW`, params: { kw: round1(grantKw) } };
        if (inputs.mode === 'smart' && inputs.intent?.plannedKwh != null) {
          // the plan (on any contract) says when, not the register: nothing in this quarter
          const next = inputs.intent.planNextAt;
          return next != null
            ? { code: 'waiting-plan', text: `plan: charging from ${brusselsTime(next)} (cheapest quarters)`, params: { at: brusselsTime(next) } }
            : { code: 'waiting-plan', text: 'plan: no charge needed in the next 48 h' };
        }
        if (inputs.mode === 'smart') {
          const at = inputs.intent?.nextCheapAt;
          return at
            ? { code: 'waiting-cheap', text: `waiting for register 2 at ${brusselsTime(at)}`, params: { at: brusselsTime(at) } }
            : { code: 'waiting-cheap', text: 'waiting for register 2 (cheap rate) or solar surplus' };
        }
        return { code: 'no-budget', text: 'waiting for solar surplus' };
    }
  }
}

function tripLabel(inputs: ControllerInputs): string {
  const label = inputs.intent?.trip?.label;
  return label ? ` "${label}"` : '';
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function fmtKw(kw: number): string {
  return kw.toFixed(1);
}

function brusselsTime(epochMs: number): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Brussels', hour: '2-digit', minute: '2-digit' }).format(new Date(epochMs));
}
