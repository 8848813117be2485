import type { Telegram } from '../../shared/p1/telegram.js';
import type { MeterState } from '../../shared/state.js';

/** The bus state's `meter` part from one telegram: what it carries, null for what it does not. */
export function meterStateOf(t: Telegram): MeterState {
  let gasM3: number | null = null;
  let gasTime: number | null = null;
  let waterM3: number | null = null;
  let waterTime: number | null = null;
  for (const m of t.mbus) {
    if (m.kind === 'gas' && gasM3 === null) { gasM3 = m.value; gasTime = m.time; }
    if (m.kind === 'water' && waterM3 === null) { waterM3 = m.value; waterTime = m.time; }
  }
  return {
    time: t.time,
    powerKw: t.powerKw ? { import: t.powerKw.import, export: t.powerKw.export } : null,
    phases: t.phases.map((p) => ({ phase: p.phase, voltageV: p.voltageV, currentA: p.currentA, importKw: p.importKw, exportKw: p.exportKw })),
    tariff: t.tariff,
    counters: {
      importKwh: t.importKwh ? { t1: t.importKwh.t1, t2: t.importKwh.t2 } : null,
      exportKwh: t.exportKwh ? { t1: t.exportKwh.t1, t2: t.exportKwh.t2 } : null,
      gasM3, gasTime, waterM3, waterTime,
    },
  };
}
