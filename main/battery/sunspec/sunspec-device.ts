import { BatteryFailure, commandSetpointKw, type BatteryCommand, type BatteryReading, type CommandEcho } from '../battery.js';
import { discoverChain, type ChainEntry } from './chain.js';
import type { ModelDef } from './model-types.js';
import type { ModbusLink } from './modbus-link.js';
import { encodeRaw, ModelBlock, pointDef, requireModel, symbolValue } from './registry.js';

/**
 * A SunSpec battery inverter on one open link: the models found on it, and reading and commanding
 * it through models 124 (basic storage controls) and 802 (battery). Scale factors are read from the
 * device with every block, so a device that changes one is followed.
 *
 * Forcing through 124: with both limit bits of StorCtl_Mod set, the battery's power stays between
 * -OutWRte and +InWRte (percent of WChaMax; battery-control.md: devices use WChaMax for both
 * directions). A negative OutWRte therefore forces a charge and a negative InWRte a discharge: the
 * window [x, x] holds exactly x. 0/0 holds it idle; StorCtl_Mod = 0 gives it back to its own mode.
 */

/** How the device signs 802 W. SunSpec does not fix it (battery-control.md). */
export type PowerSign = 'charge-positive' | 'discharge-positive';

/** The inverter models, preferred first (three-phase, then split, then single; integer or float). */
export const INVERTER_MODELS = [103, 113, 102, 112, 101, 111] as const;

export interface DeviceIdentity {
  base: number;
  models: ChainEntry[];
  manufacturer: string;
  model: string;
  serial: string;
  /** the inverter model found (103, 113 ...), or null */
  inverterModel: number | null;
}

export interface SunspecDeviceOptions {
  powerSign: PowerSign;
  /** InOutWRte_RvrtTms written with every forcing command, seconds */
  revertS: number;
}

const M124 = requireModel(124);
const M802 = requireModel(802);
const CHARGE_BIT = symbolValue(pointDef(M124, 'StorCtl_Mod'), 'CHARGE');
const DISCHARGE_BIT = symbolValue(pointDef(M124, 'StorCtl_Mod'), 'DISCHARGE');
const BOTH_LIMITS = (1 << CHARGE_BIT) | (1 << DISCHARGE_BIT);
const GRID = symbolValue(pointDef(M124, 'ChaGriSet'), 'GRID');
const PV = symbolValue(pointDef(M124, 'ChaGriSet'), 'PV');
/** OutWRte .. ChaGriSet: consecutive and all writable in the definition (checked below) */
const RATE_POINTS = ['OutWRte', 'InWRte', 'InOutWRte_WinTms', 'InOutWRte_RvrtTms', 'InOutWRte_RmpTms', 'ChaGriSet'] as const;
{
  const first = pointDef(M124, RATE_POINTS[0]).offset;
  RATE_POINTS.forEach((name, i) => {
    const p = pointDef(M124, name);
    if (p.offset !== first + i || p.size !== 1 || !p.writable) throw new Error(`model 124: ${name} is not where the driver writes it`);
  });
}

export class SunspecDevice {
  private constructor(
    private readonly link: ModbusLink,
    readonly identity: DeviceIdentity,
    private readonly storage: ChainEntry,
    private readonly battery: ChainEntry,
    private readonly o: SunspecDeviceOptions,
  ) {}

  /** Find the map and the models the driver needs; fails with words for people when one is missing. */
  static async open(link: ModbusLink, o: SunspecDeviceOptions): Promise<SunspecDevice> {
    const chain = await discoverChain((address, count) => link.read(address, count));
    const find = (id: number) => chain.models.find((m) => m.id === id);
    const missing = [124, 802].filter((id) => !find(id));
    if (missing.length) {
      throw new BatteryFailure('no-storage-model', `The SunSpec device has no model ${missing.join(' or ')} (it lists ${chain.models.map((m) => m.id).join(', ') || 'none'}): it cannot be controlled as a battery through SunSpec.`);
    }
    for (const id of [124, 802]) {
      const entry = find(id)!;
      const def = requireModel(id);
      if (entry.length < def.length) throw new BatteryFailure('short-model', `SunSpec model ${id} on the device is ${entry.length} registers long; the definition needs ${def.length}.`);
    }
    const common = find(1);
    let manufacturer = '', model = '', serial = '';
    if (common) {
      const block = await readBlock(link, requireModel(1), common);
      manufacturer = block.text('Mn');
      model = block.text('Md');
      serial = block.text('SN');
    }
    const inverter = INVERTER_MODELS.find((id) => find(id)) ?? null;
    return new SunspecDevice(link, { base: chain.base, models: chain.models, manufacturer, model, serial, inverterModel: inverter }, find(124)!, find(802)!, o);
  }

  async read(): Promise<BatteryReading> {
    const battery = await readBlock(this.link, M802, this.battery);
    const storage = await readBlock(this.link, M124, this.storage);
    const soc = battery.value('SoC');
    const wh = battery.value('WHRtg');
    const w = battery.value('W');
    if (soc === null || wh === null || w === null) throw new BatteryFailure('unimplemented', 'The battery does not report its SoC, capacity or power (model 802).');
    const wChaMax = storage.value('WChaMax');
    const chaRate = battery.value('WChaRteMax');
    const disRate = battery.value('WDisChaRteMax');
    const reserve = battery.value('SoCRsvMin') ?? storage.value('MinRsvPct');
    const sign = this.o.powerSign === 'charge-positive' ? 1 : -1;
    return {
      socPct: soc,
      powerKw: (sign * w) / 1000 || 0, // never -0
      capacityKwh: wh / 1000,
      maxChargeKw: Math.min(chaRate ?? Infinity, wChaMax ?? Infinity) / 1000,
      maxDischargeKw: Math.min(disRate ?? Infinity, wChaMax ?? Infinity) / 1000,
      reservePct: reserve,
      control: (storage.raw('StorCtl_Mod') ?? 0) === 0 ? 'own' : 'forced',
    };
  }

  /** Write a command, always with the revert timeout, then read it back. */
  async command(command: BatteryCommand): Promise<CommandEcho> {
    const storage = await readBlock(this.link, M124, this.storage);
    const ctlAddress = storage.addressOf('StorCtl_Mod');
    const setpoint = commandSetpointKw(command);
    if (setpoint === null) {
      await this.link.write(ctlAddress, encodeRaw(pointDef(M124, 'StorCtl_Mod'), 0));
      const back = await readBlock(this.link, M124, this.storage);
      if ((back.raw('StorCtl_Mod') ?? 0) !== 0) throw new BatteryFailure('not-held', 'The battery did not take back its own mode (StorCtl_Mod reads non-zero).');
      return { command, setpointKw: null, revertS: 0 };
    }
    const wChaMax = storage.value('WChaMax');
    const rateSf = storage.raw('InOutWRte_SF') ?? 0;
    if (!wChaMax || wChaMax <= 0) throw new BatteryFailure('unimplemented', 'The battery does not report WChaMax (model 124): no base for the charge and discharge rates.');
    const pct = Math.min(100, (Math.abs(setpoint) * 1000 / wChaMax) * 100);
    const signed = setpoint > 0 ? pct : setpoint < 0 ? -pct : 0;
    const rawPct = Math.round(signed / 10 ** rateSf);
    const values = new Map<string, number>([
      ['InWRte', rawPct],
      ['OutWRte', -rawPct],
      ['InOutWRte_WinTms', 0],
      ['InOutWRte_RvrtTms', this.o.revertS],
      ['InOutWRte_RmpTms', 0],
      ['ChaGriSet', command.kind === 'charge' && command.fromGrid ? GRID : PV],
    ]);
    const regs = RATE_POINTS.flatMap((name) => encodeRaw(pointDef(M124, name), values.get(name)!));
    // rates and revert timeout first, then the mode bits: the device never forces with stale rates
    await this.link.write(storage.addressOf(RATE_POINTS[0]), regs);
    await this.link.write(ctlAddress, encodeRaw(pointDef(M124, 'StorCtl_Mod'), BOTH_LIMITS));
    const back = await readBlock(this.link, M124, this.storage);
    const held = back.raw('InWRte') === rawPct && back.raw('OutWRte') === -rawPct
      && back.raw('InOutWRte_RvrtTms') === this.o.revertS && back.raw('StorCtl_Mod') === BOTH_LIMITS;
    if (!held) throw new BatteryFailure('not-held', `The battery did not keep what was written (InWRte ${back.raw('InWRte')}, OutWRte ${back.raw('OutWRte')}, revert ${back.raw('InOutWRte_RvrtTms')} s).`);
    const heldPct = (back.raw('InWRte') ?? 0) * 10 ** rateSf;
    return { command, setpointKw: (heldPct / 100) * wChaMax / 1000, revertS: back.raw('InOutWRte_RvrtTms') ?? 0 };
  }
}

async function readBlock(link: ModbusLink, def: ModelDef, entry: ChainEntry): Promise<ModelBlock> {
  const regs = await link.read(entry.address, def.length + 2);
  return new ModelBlock(def, entry.address, regs);
}
