import { describe, expect, it } from 'vitest';
import { obisName, OBIS_NAMES } from '../../shared/p1/obis-names.js';

describe('OBIS names', () => {
  it('names a code and describes it in English, Dutch and French', () => {
    expect(obisName('1-0:1.8.1')).toMatchObject({ name: 'importT1', description: { nl: 'Afgenomen energie, register 1 (dag)' } });
    expect(obisName('0-2:24.2.3')?.name).toBe('mbusReading');
    expect(obisName('9-9:9.9.9')).toBeUndefined();
  });

  it('has a description in every language for every code', () => {
    for (const entry of OBIS_NAMES) {
      for (const language of ['en', 'nl', 'fr'] as const) expect(entry.description[language].length, `${entry.code} ${language}`).toBeGreaterThan(5);
    }
  });
});
