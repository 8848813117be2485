import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SUNSPEC_MODELS } from '../../../main/battery/sunspec/models.generated.js';
import { decodeRaw, encodeRaw, pointDef } from '../../../main/battery/sunspec/registry.js';
import { generateSunspecMap, MAPPED_MODELS } from '../../support/sunspec-map.js';
import { definedLength, definedPoint, haveSunspec, noSunspecReason, sunspecDir } from '../../support/sunspec-definitions.js';

const generatedFile = new URL('../../../main/battery/sunspec/models.generated.ts', import.meta.url);

describe.skipIf(!haveSunspec)('the SunSpec register map', () => {
  if (!haveSunspec) console.log(noSunspecReason);

  it('is exactly what the generator makes from ../shared/sunspec (regenerate after a definitions update)', () => {
    expect(generateSunspecMap(sunspecDir)).toBe(readFileSync(generatedFile, 'utf8'));
  });

  it('has the definitions\' offsets, lengths and scale factors for the points the driver uses', () => {
    for (const id of MAPPED_MODELS) expect(SUNSPEC_MODELS.get(id)?.length, `model ${id}`).toBe(definedLength(id));
    const used: Array<[number, string]> = [
      [124, 'StorCtl_Mod'], [124, 'InWRte'], [124, 'OutWRte'], [124, 'InOutWRte_RvrtTms'], [124, 'ChaGriSet'], [124, 'WChaMax'],
      [124, 'InOutWRte_SF'], [802, 'SoC'], [802, 'W'], [802, 'WHRtg'], [802, 'SoCRsvMin'], [802, 'W_SF'], [1, 'Mn'], [103, 'W'], [113, 'W'],
    ];
    for (const [model, name] of used) {
      const def = definedPoint(model, name);
      const mapped = pointDef(SUNSPEC_MODELS.get(model)!, name);
      expect({ offset: mapped.offset, size: mapped.size, type: mapped.type, sf: mapped.sf }, `${model}.${name}`)
        .toEqual({ offset: def.offset, size: def.size, type: def.type, sf: def.sf });
    }
  });
});

describe('register values', () => {
  const m802 = SUNSPEC_MODELS.get(802)!;
  it('reads the unimplemented sentinels as null, and signed values with their sign', () => {
    expect(decodeRaw(pointDef(m802, 'SoC'), [0xffff], 0)).toBeNull();
    expect(decodeRaw(pointDef(m802, 'W'), [0x8000], 0)).toBeNull();
    expect(decodeRaw(pointDef(m802, 'W'), [0xfc18], 0)).toBe(-1000); // 0x10000 - 1000 = 0xfc18
    expect(decodeRaw(pointDef(m802, 'NCyc'), [0x0001, 0x0002], 0)).toBe(65538);
    // 2.5 as IEEE 754 single: 0x40200000
    expect(decodeRaw(pointDef(SUNSPEC_MODELS.get(113)!, 'W'), [0x4020, 0x0000], 0)).toBe(2.5);
    expect(encodeRaw(pointDef(m802, 'W'), -1000)).toEqual([0xfc18]);
  });
});
