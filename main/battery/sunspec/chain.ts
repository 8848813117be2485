import { BatteryFailure } from '../battery.js';

/**
 * Finding the SunSpec map on a device (battery-control.md): the "SunS" marker at one of the
 * well-known bases, then the chain of models, each block starting with its ID and L (its length
 * after those two), ending with ID 0xFFFF. Never fixed offsets: vendors put other models between
 * the ones we need, and firmware updates move them.
 */
export const SUNSPEC_BASES = [40000, 0, 50000] as const;
/** "SunS" in two registers */
export const SUNS_MARKER = [0x5375, 0x6e53] as const;
export const END_MODEL_ID = 0xffff;

export interface ChainEntry {
  id: number;
  /** address of the model's ID register */
  address: number;
  /** L */
  length: number;
}

export interface SunspecChain {
  base: number;
  models: ChainEntry[];
}

/** Reads registers; rejects with a ModbusException for a refused read, anything else for a dead link. */
export type ReadRegisters = (address: number, count: number) => Promise<number[]>;

export class ModbusException extends Error {
  override name = 'ModbusException';
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

const MAX_MODELS = 64;

export async function discoverChain(read: ReadRegisters): Promise<SunspecChain> {
  let base: number | null = null;
  for (const candidate of SUNSPEC_BASES) {
    let regs: number[];
    try {
      regs = await read(candidate, 2);
    } catch (error) {
      // an address the device does not have: try the next base; a dead link ends the search
      if (error instanceof ModbusException) continue;
      throw error;
    }
    if (regs[0] === SUNS_MARKER[0] && regs[1] === SUNS_MARKER[1]) {
      base = candidate;
      break;
    }
  }
  if (base === null) {
    throw new BatteryFailure('not-sunspec', `No SunSpec map found (no "SunS" at ${SUNSPEC_BASES.join(', ')}): enable SunSpec/Modbus TCP on the inverter, or check the unit id.`);
  }
  const models: ChainEntry[] = [];
  let address = base + 2;
  for (let n = 0; n < MAX_MODELS; n++) {
    const [id, length] = await read(address, 2);
    if (id === END_MODEL_ID || id === undefined || length === undefined) return { base, models };
    models.push({ id, address, length });
    address += 2 + length;
    if (address > 0xffff) break;
  }
  throw new BatteryFailure('bad-chain', `The SunSpec model chain at ${base} does not end (no end marker within ${MAX_MODELS} models or the address space).`);
}
