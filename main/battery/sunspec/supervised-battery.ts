import { backoffDelay, type BackoffOptions } from '../../bus/backoff.js';
import { ConditionLog, silentLogger, type Logger } from '../../log/logger.js';
import { systemTimers, type TimerHandle, type Timers } from '../../p1/sources/timers.js';
import { BatteryFailure, type Battery, type BatteryCommand, type BatteryHealth, type BatteryReading, type CommandEcho } from '../battery.js';
import { ModbusException } from './chain.js';
import type { ModbusLink, ModbusLinkDriver } from './modbus-link.js';
import { SunspecDevice, type SunspecDeviceOptions } from './sunspec-device.js';

export interface SupervisedBatteryOptions extends SunspecDeviceOptions {
  timers?: Timers;
  backoff?: BackoffOptions;
  random?: () => number;
  log?: Logger;
}

/** 1 s, 2 s, 4 s ... 30 s: a rebooting inverter is found again within seconds, a dead one costs one attempt per 30 s. */
export const BATTERY_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 30_000, factor: 2, jitter: 0.2 };

/**
 * The pure half of the SunSpec battery (the model is main/p1/sources/reconnecting.ts): open the
 * link and find the map; when that fails or the link dies (closed, timed out), drop it and retry
 * with the shared backoff; put each condition into words once. A refused request (a Modbus
 * exception) is the device's answer, not a dead link: it fails that call and keeps the link.
 * Calls while no link is up fail at once, so the controller goes to its safe state instead of
 * waiting.
 */
export class SupervisedBattery implements Battery {
  readonly description: string;
  private readonly timers: Timers;
  private readonly backoff: BackoffOptions;
  private readonly random: () => number;
  private readonly conditions: ConditionLog;
  private readonly listeners = new Set<(health: BatteryHealth) => void>();
  private current: BatteryHealth = { state: 'connecting', message: null, reason: null };
  private link: ModbusLink | null = null;
  private device: SunspecDevice | null = null;
  private attempts = 0;
  private generation = 0;
  private retryTimer: TimerHandle | null = null;
  private closed = false;
  private opening: Promise<void> | null = null;

  constructor(private readonly driver: ModbusLinkDriver, private readonly o: SupervisedBatteryOptions) {
    this.description = driver.description;
    this.timers = o.timers ?? systemTimers;
    this.backoff = o.backoff ?? BATTERY_BACKOFF;
    this.random = o.random ?? Math.random;
    this.conditions = new ConditionLog(o.log ?? silentLogger());
  }

  /** Begin connecting (also done by the first call). Resolves once the first attempt ended. */
  start(): Promise<void> {
    if (!this.opening && !this.device && !this.closed && this.retryTimer === null) this.opening = this.attempt();
    return this.opening ?? Promise.resolve();
  }

  /** the device's identity once connected (base, models, manufacturer) */
  identity() {
    return this.device?.identity ?? null;
  }

  health(): BatteryHealth {
    return this.current;
  }

  onHealth(listener: (health: BatteryHealth) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  read(): Promise<BatteryReading> {
    return this.use((device) => device.read());
  }

  command(command: BatteryCommand): Promise<CommandEcho> {
    return this.use((device) => device.command(command));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.generation++;
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const link = this.link;
    this.link = null;
    this.device = null;
    if (link) await link.close().catch(() => undefined);
  }

  private async use<T>(call: (device: SunspecDevice) => Promise<T>): Promise<T> {
    if (!this.device && this.opening) await this.opening;
    const device = this.device;
    if (!device) throw new BatteryFailure(this.current.reason ?? 'not-connected', this.current.message ?? `${this.description}: not connected yet`);
    const generation = this.generation;
    try {
      return await call(device);
    } catch (error) {
      if (error instanceof ModbusException) {
        throw new BatteryFailure('refused-request', error.message);
      }
      if (error instanceof BatteryFailure && error.reason === 'not-held') throw error;
      // anything else means the link is not usable: drop it and reconnect
      if (generation === this.generation) this.lose(toFailure(error));
      throw toFailure(error);
    }
  }

  private async attempt(): Promise<void> {
    const generation = ++this.generation;
    let link: ModbusLink | null = null;
    try {
      link = await this.driver.open((failure) => { if (generation === this.generation) this.lose(failure); });
      const device = await SunspecDevice.open(link, this.o);
      if (generation !== this.generation) {
        await link.close().catch(() => undefined);
        return;
      }
      this.link = link;
      this.device = device;
      const wasDown = this.attempts > 0;
      this.attempts = 0;
      const id = device.identity;
      const what = [id.manufacturer, id.model].filter(Boolean).join(' ') || 'SunSpec device';
      this.setHealth('ok', null, `${this.description}: ${what}, SunSpec at ${id.base}, models ${id.models.map((m) => m.id).join(', ')}${wasDown ? ' (connected again)' : ''}`);
    } catch (error) {
      if (link) await link.close().catch(() => undefined);
      if (generation !== this.generation) return;
      const failure = toFailure(error);
      this.setHealth('error', failure.reason, `${failure.message} Retrying by itself.`);
      this.scheduleRetry();
    } finally {
      if (generation === this.generation) this.opening = null;
    }
  }

  private lose(failure: BatteryFailure): void {
    this.generation++;
    const link = this.link;
    this.link = null;
    this.device = null;
    this.opening = null;
    if (link) void link.close().catch(() => undefined);
    this.setHealth('error', failure.reason, `${failure.message} The battery is left to its own mode (revert timeout); retrying by itself.`);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer !== null) return;
    const delay = backoffDelay(this.attempts++, this.backoff, this.random);
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      if (!this.closed) this.opening = this.attempt();
    }, delay);
  }

  private setHealth(state: BatteryHealth['state'], reason: string | null, message: string): void {
    const changed = this.current.state !== state || this.current.reason !== reason;
    this.current = { state, reason, message: state === 'ok' ? null : message };
    if (!changed) return;
    this.conditions.report(`battery ${this.description}`, `${state}:${reason ?? ''}`, state === 'ok' ? 'info' : 'warn', message, { source: 'battery' });
    for (const listener of this.listeners) listener(this.current);
  }
}

function toFailure(error: unknown): BatteryFailure {
  if (error instanceof BatteryFailure) return error;
  return new BatteryFailure('failed', error instanceof Error ? error.message : String(error));
}
