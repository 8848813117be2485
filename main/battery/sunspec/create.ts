import type { Logger } from '../../log/logger.js';
import type { Timers } from '../../p1/sources/timers.js';
import type { BackoffOptions } from '../../bus/backoff.js';
import { modbusTcpDriver } from './modbus-link.js';
import type { PowerSign } from './sunspec-device.js';
import { SupervisedBattery } from './supervised-battery.js';

export interface SunspecBatteryOptions {
  host: string;
  port: number;
  unitId: number;
  powerSign: PowerSign;
  revertS: number;
  timeoutMs: number;
  log?: Logger;
  timers?: Timers;
  backoff?: BackoffOptions;
}

/** A SunSpec battery over Modbus TCP: the thin link under its supervisor. */
export function createSunspecBattery(o: SunspecBatteryOptions): SupervisedBattery {
  return new SupervisedBattery(modbusTcpDriver({ host: o.host, port: o.port, unitId: o.unitId, timeoutMs: o.timeoutMs }), {
    powerSign: o.powerSign, revertS: o.revertS, log: o.log, timers: o.timers, backoff: o.backoff,
  });
}
