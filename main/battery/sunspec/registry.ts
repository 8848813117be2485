import type { ModelDef, PointDef } from './model-types.js';
import { SUNSPEC_MODELS } from './models.generated.js';

/**
 * Looking up models and points in the generated map, and turning registers into values and back.
 * SunSpec marks an unimplemented point with a sentinel per type (0xFFFF for uint16, 0x8000 for
 * int16 and sunssf, NaN for float32 ...): those read as null, never as a number.
 */

export function modelDef(id: number): ModelDef | undefined {
  return SUNSPEC_MODELS.get(id);
}

export function requireModel(id: number): ModelDef {
  const def = SUNSPEC_MODELS.get(id);
  if (!def) throw new Error(`SunSpec model ${id} is not in the register map`);
  return def;
}

export function pointDef(model: ModelDef, name: string): PointDef {
  const point = model.points.find((p) => p.name === name);
  if (!point) throw new Error(`SunSpec model ${model.id} has no point ${name}`);
  return point;
}

/** The value of a symbol of an enum or bit field (e.g. ChaGriSet GRID = 1), from the definition. */
export function symbolValue(point: PointDef, symbol: string): number {
  const found = point.symbols.find(([name]) => name.toUpperCase() === symbol.toUpperCase());
  if (!found) throw new Error(`SunSpec point ${point.name} has no symbol ${symbol}`);
  return found[1];
}

const FLOAT = new DataView(new ArrayBuffer(4));

/** The raw (unscaled) number a point holds, or null when the device marks it unimplemented. */
export function decodeRaw(point: PointDef, regs: ArrayLike<number>, at: number): number | null {
  const r0 = regs[at] ?? 0;
  const r1 = regs[at + 1] ?? 0;
  switch (point.type) {
    case 'uint16': case 'enum16': case 'bitfield16': case 'count':
      return r0 === 0xffff ? null : r0;
    case 'acc16':
      return r0;
    case 'int16': case 'sunssf':
      return r0 === 0x8000 ? null : (r0 << 16) >> 16;
    case 'uint32': case 'enum32': case 'bitfield32': {
      const v = r0 * 0x10000 + r1;
      return v === 0xffffffff ? null : v;
    }
    case 'acc32':
      return r0 * 0x10000 + r1;
    case 'int32': {
      const v = (r0 << 16) | r1;
      return v === -0x80000000 ? null : v;
    }
    case 'float32': {
      FLOAT.setUint16(0, r0);
      FLOAT.setUint16(2, r1);
      const v = FLOAT.getFloat32(0);
      return Number.isNaN(v) ? null : v;
    }
    case 'acc64': case 'string': case 'pad':
      return null;
  }
}

/** Registers holding `raw` for a point (the inverse of decodeRaw; null writes the unimplemented sentinel). */
export function encodeRaw(point: PointDef, raw: number | null): number[] {
  switch (point.type) {
    case 'uint16': case 'enum16': case 'bitfield16': case 'count': case 'acc16':
      return [raw === null ? 0xffff : clampInt(raw, 0, 0xfffe)];
    case 'int16': case 'sunssf':
      return [raw === null ? 0x8000 : clampInt(raw, -0x7fff, 0x7fff) & 0xffff];
    case 'uint32': case 'enum32': case 'bitfield32': case 'acc32': {
      const v = raw === null ? 0xffffffff : clampInt(raw, 0, 0xfffffffe);
      return [Math.floor(v / 0x10000), v % 0x10000];
    }
    case 'int32': {
      const v = raw === null ? -0x80000000 : clampInt(raw, -0x7fffffff, 0x7fffffff);
      return [(v >>> 16) & 0xffff, v & 0xffff];
    }
    case 'float32':
      FLOAT.setFloat32(0, raw === null ? Number.NaN : raw);
      return [FLOAT.getUint16(0), FLOAT.getUint16(2)];
    case 'acc64': case 'string': case 'pad':
      return new Array<number>(point.size).fill(0);
  }
}

/** A string point's text (NUL padded, two characters per register). */
export function decodeString(regs: ArrayLike<number>, at: number, size: number): string {
  let text = '';
  for (let i = 0; i < size; i++) {
    const r = regs[at + i] ?? 0;
    text += String.fromCharCode(r >> 8, r & 0xff);
  }
  return text.replace(/\0+$/, '').trim();
}

export function encodeString(text: string, size: number): number[] {
  const regs: number[] = [];
  for (let i = 0; i < size; i++) regs.push(((text.charCodeAt(2 * i) || 0) & 0xff) << 8 | ((text.charCodeAt(2 * i + 1) || 0) & 0xff));
  return regs;
}

function clampInt(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.round(v)));
}

/**
 * One model's registers as read from a device, with values by point name and its scale factors
 * applied (value = raw x 10^sf).
 */
export class ModelBlock {
  constructor(readonly def: ModelDef, readonly address: number, readonly regs: ArrayLike<number>) {}

  raw(name: string): number | null {
    const p = pointDef(this.def, name);
    return decodeRaw(p, this.regs, p.offset);
  }

  /** the point's value with its scale factor applied; null when unimplemented (or its sf is) */
  value(name: string): number | null {
    const p = pointDef(this.def, name);
    const raw = decodeRaw(p, this.regs, p.offset);
    if (raw === null) return null;
    if (!p.sf) return raw;
    const sf = this.raw(p.sf);
    return sf === null ? null : raw * 10 ** sf;
  }

  text(name: string): string {
    const p = pointDef(this.def, name);
    return decodeString(this.regs, p.offset, p.size);
  }

  /** the register address of a point on the device */
  addressOf(name: string): number {
    return this.address + pointDef(this.def, name).offset;
  }
}
