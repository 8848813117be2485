/**
 * Offsets, types, scale-factor names and symbols read straight from the SunSpec Alliance's JSON
 * definitions in ../shared/sunspec, independently of the generated map, so tests check the map
 * and the driver against the source instead of against themselves.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir } from './shared-fixtures.js';

export const sunspecDir = join(sharedDir, 'sunspec');
export const haveSunspec = existsSync(join(sunspecDir, 'model_124.json'));
export const noSunspecReason = `skipped: ${sunspecDir} is absent (the team's ../shared folder is not next to the checkout)`;

interface JsonPoint { name: string; type: string; size: number; sf?: string; symbols?: Array<{ name: string; value: number }> }

export interface DefinedPoint { offset: number; size: number; type: string; sf: string | null; symbols: Map<string, number> }

export function definedPoint(model: number, name: string): DefinedPoint {
  const json = JSON.parse(readFileSync(join(sunspecDir, `model_${model}.json`), 'utf8')) as { group: { points: JsonPoint[] } };
  let offset = 0;
  for (const p of json.group.points) {
    if (p.name === name) return { offset, size: p.size, type: p.type, sf: p.sf ?? null, symbols: new Map((p.symbols ?? []).map((s) => [s.name.toUpperCase(), s.value])) };
    offset += p.size;
  }
  throw new Error(`model ${model} has no point ${name} in its definition`);
}

/** L of a model per its definition: the sum of the point sizes after ID and L */
export function definedLength(model: number): number {
  const json = JSON.parse(readFileSync(join(sunspecDir, `model_${model}.json`), 'utf8')) as { group: { points: JsonPoint[] } };
  return json.group.points.reduce((n, p) => n + p.size, 0) - 2;
}

/** a signed 16-bit register as a number */
export function int16(reg: number): number {
  return (reg << 16) >> 16;
}
