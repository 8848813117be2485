import type { ClosedQuarter } from '../../shared/peak/quarter-state.js';
import type { Ledger } from '../ledger/ledger.js';
import type { MeterPipeline } from './meter-pipeline.js';

const kwh = (wh: number) => Math.round(wh) / 1000 + 0; // Wh are whole unless shared out; + 0 turns -0 into 0
const r3 = (x: number) => Math.round(x * 1000) / 1000 + 0;
const r4 = (x: number) => Math.round(x * 10_000) / 10_000 + 0;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The `replay --summary` object (README, "replay"): the change of every counter over the
 * replay, its cost at the energy rates (VAT when rates.json says so, no fixed fees, no capacity
 * cost), the quarters and this month's peak. Energy and power to 0.001, money to 0.0001.
 */
export function replaySummary(pipeline: MeterPipeline, ledger: Ledger, quarters: readonly ClosedQuarter[], monthPeakKw: number | null) {
  const s = ledger.session;
  return {
    telegrams: { ok: pipeline.counts.ok, refused: pipeline.counts.refused },
    first: iso(pipeline.first),
    last: iso(pipeline.last),
    electricity: {
      importKwh: { t1: kwh(s.importWh[0]), t2: kwh(s.importWh[1]) },
      exportKwh: { t1: kwh(s.exportWh[0]), t2: kwh(s.exportWh[1]) },
      costEur: r4(s.importEur - s.exportEur),
    },
    gas: pipeline.sawGas ? { m3: r3(s.gasLitres / 1000), costEur: r4(s.gasEur) } : null,
    water: pipeline.sawWater ? { m3: r3(s.waterLitres / 1000), costEur: r4(s.waterEur) } : null,
    quarters: quarters.map((q) => ({ start: iso(q.start), averageKw: r3(q.averageKw), complete: q.complete })),
    monthPeakKw: monthPeakKw === null ? null : r3(monthPeakKw),
  };
}
