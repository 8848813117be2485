import type { SiteDemandInput, SiteGrant, SiteLink } from '../../shared/site/contract.js';
import type { EvChargerState } from '../../shared/ev/state.js';
import type { CarConfig, ChargeMode } from '../config/ev-schema.js';
import type { TimerHandle, Timers } from '../p1/sources/timers.js';
import { canSwitchPhases, type Charger } from './charger.js';
import { EvController, type ChargeIntent, type ControllerDecision, type ControllerSetup } from './controller.js';
import { SocTracker, type SocVia } from './soc.js';

/**
 * One charger's loop: the only owner of its controller, its car's SoC tracker and its demand.
 * It decides on every grant (so a cut goes out within the telegram that asked for it), on every
 * charger reading, and once a second by itself, so that an expired grant or a silent meter puts
 * the charger in its safe state even when nothing else happens. `timers.now` is monotonic.
 */
export interface ChargerLoopOptions {
  setup: Omit<ControllerSetup, 'car' | 'phaseSwitching' | 'phaseSwitchGuardMs' | 'chargerMaxCurrentA' | 'chargerMinCurrentA'>;
  charger: Charger;
  link: SiteLink;
  timers: Timers;
  cars: CarConfig[];
  /** the car on it at start (config), null: none chosen */
  carId: string | null;
  mode: ChargeMode;
  /** the plan's and the trips' hook: what they ask of this charger now */
  intent?: () => ChargeIntent | undefined;
  /** changes worth publishing */
  onChange?: () => void;
  /** EUR per kWh imported now, as the ledger prices it (null: unknown), for the session's cost */
  priceNow?: () => number | null;
}

export class ChargerLoop {
  private controller: EvController;
  private car: CarConfig | null;
  private soc: SocTracker | null;
  private mode: ChargeMode;
  private grant: { grant: SiteGrant; receivedAtMonoMs: number } | null = null;
  private lastMeterMono: number | null = null;
  private tariff: number | null = null;
  private lastDecision: ControllerDecision | null = null;
  private filed: string | null = null;
  private wasPlugged = false;
  private readonly session = new SessionCost();
  private tickTimer: TimerHandle | null = null;
  private expiryTimer: TimerHandle | null = null;
  private unsubscribe: Array<() => void> = [];
  private running = false;

  constructor(private readonly options: ChargerLoopOptions) {
    this.mode = options.mode;
    this.car = options.cars.find((c) => c.id === options.carId) ?? null;
    this.soc = this.car ? new SocTracker(this.car.batteryKwh, this.car.efficiency) : null;
    this.controller = this.newController();
  }

  get id(): string {
    return this.options.charger.id;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const { charger, link } = this.options;
    // the order of grants is the link's to keep (GrantListeners: the newest per connection, and a
    // restarted meter counts from 1 again): a check of its own here ignored a restarted meter's
    // grants for as long as the meter had run before
    this.unsubscribe.push(link.onGrant(charger.id, (grant, receivedAtMonoMs) => {
      this.grant = { grant, receivedAtMonoMs };
      // a grant is issued on a telegram: it is news from the meter too
      this.lastMeterMono = receivedAtMonoMs;
      this.decideWhenExpired(grant.validForMs);
      this.decide();
    }));
    this.unsubscribe.push(charger.onUpdate(() => this.decide()));
    charger.start();
    const everySecond = () => {
      this.tickTimer = this.options.timers.setTimeout(everySecond, 1000);
      this.decide();
    };
    this.tickTimer = this.options.timers.setTimeout(everySecond, 1000);
  }

  /** Stop deciding and leave the charger paused: a stopped controller never leaves a car charging unwatched. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.tickTimer !== null) this.options.timers.clearTimeout(this.tickTimer);
    if (this.expiryTimer !== null) this.options.timers.clearTimeout(this.expiryTimer);
    for (const off of this.unsubscribe.splice(0)) off();
    this.options.link.withdraw(this.options.charger.id);
    this.options.charger.command({ currentA: 0 });
    await this.options.charger.stop();
  }

  /**
   * Decide again the moment this grant runs out: the once-a-second tick alone could leave the
   * charger running up to a second past the grant's validity (safe within 3 s of the last
   * telegram is the promise; the fault suite measured 3.5 s without this).
   */
  private decideWhenExpired(validForMs: number): void {
    const { timers } = this.options;
    if (this.expiryTimer !== null) timers.clearTimeout(this.expiryTimer);
    this.expiryTimer = timers.setTimeout(() => { this.expiryTimer = null; this.decide(); }, validForMs + 1);
  }

  /** a telegram arrived (meter time and the active register) */
  meterSeen(tariff: number | null): void {
    this.lastMeterMono = this.options.timers.now();
    this.tariff = tariff;
  }

  setMode(mode: ChargeMode): void {
    this.mode = mode;
    this.decide();
  }

  /** the user's (or a vehicle source's) state of charge for the car on this charger */
  reportSoc(percent: number, source: 'user' | 'vehicle', via: SocVia = null): void {
    if (!this.soc) throw new Error(`charger ${this.id} has no car: choose one first (ev.car)`);
    this.soc.report(percent, source, this.options.timers.now(), via);
    this.decide();
  }

  /** put another configured car on this charger (at plug-in, from the dashboard) */
  setCar(carId: string): void {
    const car = this.options.cars.find((c) => c.id === carId);
    if (!car) throw new Error(`no car with id "${carId}"; configured: ${this.options.cars.map((c) => c.id).join(', ') || 'none'}`);
    this.car = car;
    this.soc = new SocTracker(car.batteryKwh, car.efficiency);
    this.controller = this.newController();
    this.decide();
  }

  carId(): string | null {
    return this.car?.id ?? null;
  }

  /** the car on this charger and its state of charge now (%), for the trips' intent */
  carNow(): { car: CarConfig | null; socPercent: number | null } {
    return { car: this.car, socPercent: this.soc?.value()?.percent ?? null };
  }

  decision(): ControllerDecision | null {
    return this.lastDecision;
  }

  decide(): void {
    if (!this.running) return;
    const { charger, timers } = this.options;
    const now = timers.now();
    const reading = charger.reading();
    const plugged = reading !== null && reading.state !== 'unplugged';
    if (this.soc) {
      if (!plugged && this.wasPlugged) this.soc.unplugged();
      if (reading && plugged) this.soc.session(reading.sessionKwh);
    }
    if (!plugged && this.wasPlugged) this.session.reset();
    if (reading && plugged) this.session.charged(reading.sessionKwh, this.options.priceNow?.() ?? null);
    this.wasPlugged = plugged;
    const decision = this.controller.decide({
      nowMono: now,
      mode: this.mode,
      reading,
      health: charger.health(),
      soc: this.soc?.value() ?? null,
      tariff: this.tariff,
      meterAgeMs: this.lastMeterMono === null ? null : now - this.lastMeterMono,
      grant: this.grant,
      intent: this.options.intent?.(),
    });
    // the command first: a cut goes to the charger before the demand is checked and sent to the site
    charger.command({ currentA: decision.command.currentA });
    if (canSwitchPhases(charger)) charger.switchPhases(decision.command.phases);
    this.file(decision.demand);
    const changed = !this.lastDecision || this.lastDecision.reason.text !== decision.reason.text
      || this.lastDecision.command.currentA !== decision.command.currentA || this.lastDecision.safe !== decision.safe;
    this.lastDecision = decision;
    if (changed) this.options.onChange?.();
  }

  /** file the demand when it differs from the last one filed; withdraw once when there is none */
  private file(demand: SiteDemandInput | null): void {
    const key = demand ? JSON.stringify(demand) : null;
    if (key === this.filed) return;
    this.filed = key;
    if (demand) this.options.link.demand(demand);
    else this.options.link.withdraw(this.options.charger.id);
  }

  state(): EvChargerState {
    const { charger, cars } = this.options;
    const reading = charger.reading();
    const soc = this.soc?.value() ?? null;
    const decision = this.lastDecision;
    const plugged = reading !== null && reading.state !== 'unplugged';
    return {
      id: charger.id,
      description: charger.description,
      car: this.car ? { id: this.car.id, name: this.car.name, minSocPercent: this.car.minSocPercent } : null,
      cars: cars.map((c) => ({ id: c.id, name: c.name })),
      plugged,
      state: reading?.state ?? 'unknown',
      chargerWords: reading?.chargerWords ?? null,
      soc: soc ? { percent: Math.round(soc.percent * 10) / 10, source: soc.source, basedOn: soc.basedOn, via: soc.via ?? null } : null,
      socPrompt: plugged && this.car !== null && soc === null,
      powerKw: reading ? Math.round(reading.powerKw * 1000) / 1000 : null,
      phases: reading ? reading.phases.map((p) => ({ phase: p.phase, currentA: p.currentA, powerKw: Math.round(p.powerKw * 1000) / 1000 })) : [],
      sessionKwh: reading ? Math.round(reading.sessionKwh * 1000) / 1000 : null,
      sessionEur: plugged ? this.session.eur() : null,
      mode: this.mode,
      commandA: decision?.command.currentA ?? 0,
      commandPhases: decision?.command.phases ?? 3,
      grantedKw: decision?.grantedKw ?? null,
      reason: decision?.reason ?? { code: 'starting', text: 'starting' },
      safe: decision?.safe ?? true,
      problem: charger.health().problem === null ? null : charger.health().message,
    };
  }

  private newController(): EvController {
    const { charger, setup } = this.options;
    return new EvController({
      ...setup,
      car: this.car,
      chargerMaxCurrentA: charger.maxCurrentA,
      chargerMinCurrentA: charger.minCurrentA,
      phaseSwitching: canSwitchPhases(charger),
      phaseSwitchGuardMs: canSwitchPhases(charger) ? charger.phaseSwitchGuardMs : 0,
    });
  }
}

/**
 * What the session's energy cost: each increase of the charger's session counter priced at the
 * import price in force when it was charged (the hours charged, as the ledger prices them).
 * Energy charged while no price was known is left out, and the figure says it is partial.
 */
class SessionCost {
  private lastKwh: number | null = null;
  private eurSum = 0;
  private priced = false;
  private unpriced = false;

  reset(): void {
    this.lastKwh = null;
    this.eurSum = 0;
    this.priced = false;
    this.unpriced = false;
  }

  charged(sessionKwh: number, eurPerKwh: number | null): void {
    // a new session restarts the charger's counter
    if (this.lastKwh !== null && sessionKwh < this.lastKwh) this.reset();
    const delta = this.lastKwh === null ? sessionKwh : sessionKwh - this.lastKwh;
    this.lastKwh = sessionKwh;
    if (delta <= 0) return;
    if (eurPerKwh === null) { this.unpriced = true; return; }
    this.eurSum += delta * eurPerKwh;
    this.priced = true;
  }

  eur(): { eur: number; partial: boolean } | null {
    return this.priced ? { eur: Math.round(this.eurSum * 100) / 100, partial: this.unpriced } : null;
  }
}
