import type { ModelDef, PointDef } from '../sunspec/model-types.js';
import { decodeRaw, encodeRaw, encodeString, modelDef, pointDef } from '../sunspec/registry.js';
import { END_MODEL_ID, SUNS_MARKER } from '../sunspec/chain.js';

/**
 * A SunSpec device's holding registers built from the generated map (the same definitions the
 * driver reads): "SunS" at the base, then each model's block (ID, L, points), then the end marker.
 * A block of an id that the map does not know (a vendor model) is filled with zeros, so a driver
 * must walk past it by its length.
 */
export interface PlacedModel {
  id: number;
  address: number;
  length: number;
  /** null for a vendor block */
  def: ModelDef | null;
}

export type ModelSpec = number | { id: number; length: number };

export class RegisterImage {
  readonly regs = new Uint16Array(0x10000);
  readonly models: PlacedModel[] = [];
  readonly start: number;
  readonly end: number;

  constructor(readonly base: number, specs: ModelSpec[]) {
    this.start = base;
    this.regs.set(SUNS_MARKER, base);
    let address = base + 2;
    for (const spec of specs) {
      const def = typeof spec === 'number' ? modelDef(spec) ?? null : null;
      const id = typeof spec === 'number' ? spec : spec.id;
      if (typeof spec === 'number' && !def) throw new Error(`the simulator has no definition of SunSpec model ${spec}`);
      const length = def ? def.length : (spec as { length: number }).length;
      this.regs[address] = id;
      this.regs[address + 1] = length;
      this.models.push({ id, address, length, def });
      if (def) for (const p of def.points) if (p.name !== 'ID' && p.name !== 'L') this.regs.set(encodeRaw(p, null), address + p.offset);
      address += 2 + length;
    }
    this.regs[address] = END_MODEL_ID;
    this.regs[address + 1] = 0;
    this.end = address + 2;
  }

  model(id: number): PlacedModel {
    const found = this.models.find((m) => m.id === id);
    if (!found) throw new Error(`model ${id} is not in this layout`);
    return found;
  }

  /** the point at a register address, if a known model has one starting there or spanning it */
  pointAt(address: number): { model: PlacedModel; point: PointDef } | null {
    for (const model of this.models) {
      if (!model.def || address < model.address || address >= model.address + 2 + model.length) continue;
      const offset = address - model.address;
      const point = model.def.points.find((p) => offset >= p.offset && offset < p.offset + p.size);
      return point ? { model, point } : null;
    }
    return null;
  }

  setRaw(id: number, name: string, raw: number | null): void {
    const m = this.model(id);
    const p = pointDef(m.def!, name);
    this.regs.set(encodeRaw(p, raw), m.address + p.offset);
  }

  getRaw(id: number, name: string): number | null {
    const m = this.model(id);
    const p = pointDef(m.def!, name);
    return decodeRaw(p, this.regs, m.address + p.offset);
  }

  /** write a value in engineering units through the point's scale factor as the image holds it */
  setValue(id: number, name: string, value: number): void {
    const m = this.model(id);
    const p = pointDef(m.def!, name);
    const sf = p.sf ? this.getRaw(id, p.sf) ?? 0 : 0;
    this.setRaw(id, name, p.type === 'float32' ? value : Math.round(value / 10 ** sf));
  }

  value(id: number, name: string): number | null {
    const p = pointDef(this.model(id).def!, name);
    const raw = this.getRaw(id, name);
    if (raw === null) return null;
    const sf = p.sf ? this.getRaw(id, p.sf) ?? 0 : 0;
    return raw * 10 ** sf;
  }

  setText(id: number, name: string, text: string): void {
    const m = this.model(id);
    const p = pointDef(m.def!, name);
    this.regs.set(encodeString(text, p.size), m.address + p.offset);
  }
}
