/**
 * One interface for every home battery (architecture principle 2): a SunSpec inverter over Modbus
 * TCP today, vendor maps and a V2G car later. Powers are signed kW as in the site contract
 * (shared/site/contract.ts): + charging (drawing from the site), - discharging (feeding it). Each
 * driver maps its device's own sign convention to this one, so nothing above a driver ever sees
 * another.
 */

/** What the battery reports, read from the device (never assumed from what was last written). */
export interface BatteryReading {
  /** state of charge, 0..100 % of the usable capacity */
  socPct: number;
  /** + charging, - discharging, kW */
  powerKw: number;
  /** usable capacity, kWh */
  capacityKwh: number;
  /** the most it charges at, kW (positive) */
  maxChargeKw: number;
  /** the most it discharges at, kW (positive) */
  maxDischargeKw: number;
  /** the device's own minimum reserve, % (the strategy keeps at least the larger of this and its own) */
  reservePct: number | null;
  /** whether the device is following our command or its own mode */
  control: 'forced' | 'own';
}

/**
 * What a controller can ask of a battery:
 * - charge at `kw` (positive), from the grid too when `fromGrid` (SunSpec ChaGriSet = GRID),
 *   otherwise only from solar surplus as the inverter sees it;
 * - discharge at `kw` (positive);
 * - idle: hold at 0 kW;
 * - own: hand control back to the inverter's own mode (no limits active).
 * Every forcing command carries a revert timeout on the device, so a controller that dies leaves
 * the battery in its own mode within that time, never forcing.
 */
export type BatteryCommand =
  | { kind: 'charge'; kw: number; fromGrid: boolean }
  | { kind: 'discharge'; kw: number }
  | { kind: 'idle' }
  | { kind: 'own' };

/** What the device holds after a command, read back from it. */
export interface CommandEcho {
  command: BatteryCommand;
  /** the signed kW the device was told to hold (+ charge), null for 'own' */
  setpointKw: number | null;
  /** the revert timeout the device confirmed, seconds (0 for 'own') */
  revertS: number;
}

export type BatteryLinkState = 'connecting' | 'ok' | 'error';

export interface BatteryHealth {
  state: BatteryLinkState;
  /** for people: what happened and what the software does about it (null when ok) */
  message: string | null;
  /** a short stable code: 'refused', 'timeout', 'not-sunspec', 'write-refused', ... */
  reason: string | null;
}

export interface Battery {
  /** for people: 'SunSpec battery at 192.168.1.50:502 unit 1' */
  readonly description: string;
  /** read the battery now; rejects with words for people when the device cannot be read */
  read(): Promise<BatteryReading>;
  /** write a command and read it back; rejects when the device refused or did not answer */
  command(command: BatteryCommand): Promise<CommandEcho>;
  /** the link's condition, reported once per change */
  health(): BatteryHealth;
  onHealth(listener: (health: BatteryHealth) => void): () => void;
  /** stop: close the link and cancel retries (leaves the device to its revert timeout) */
  close(): Promise<void>;
}

/** The signed setpoint a command asks for, kW (+ charge). */
export function commandSetpointKw(command: BatteryCommand): number | null {
  switch (command.kind) {
    case 'charge': return Math.max(0, command.kw);
    case 'discharge': return -Math.max(0, command.kw);
    case 'idle': return 0;
    case 'own': return null;
  }
}

/** The command that holds a signed setpoint (+ charge); 0 is idle. */
export function commandForKw(kw: number, fromGrid: boolean): BatteryCommand {
  if (kw > 0) return { kind: 'charge', kw, fromGrid };
  if (kw < 0) return { kind: 'discharge', kw: -kw };
  return { kind: 'idle' };
}

/** A problem talking to the battery, already in words for people. */
export class BatteryFailure extends Error {
  override name = 'BatteryFailure';
  constructor(readonly reason: string, message: string) {
    super(message);
  }
}
