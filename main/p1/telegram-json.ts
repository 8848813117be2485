import type { FrameResult, Telegram } from '../../shared/p1/telegram.js';

/** Epoch ms as ISO 8601 UTC with milliseconds, null kept. */
function isoTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/**
 * The `digital-meter parse` line for a telegram: the documented keys first, in the documented
 * order, then the extra objects. Scripts rely on these names: see the README's CLI contract.
 * `warnings` is added with `--detail`.
 */
export function telegramJson(telegram: Telegram, withWarnings = false): Record<string, unknown> {
  const line: Record<string, unknown> = {
    ok: true,
    header: telegram.header,
    version: telegram.version,
    equipmentId: telegram.equipmentId,
    time: isoTime(telegram.time),
    tariff: telegram.tariff,
    importKwh: telegram.importKwh,
    exportKwh: telegram.exportKwh,
    powerKw: telegram.powerKw,
    phases: telegram.phases,
    quarterAverageKw: telegram.quarterAverageKw,
    monthPeak: telegram.monthPeak && { time: isoTime(telegram.monthPeak.time), kw: telegram.monthPeak.kw },
    peakHistory: telegram.peakHistory.map((p) => ({ month: isoTime(p.month), time: isoTime(p.time), kw: p.kw })),
    mbus: telegram.mbus.map((m) => ({
      channel: m.channel, kind: m.kind, id: m.id, valve: m.valve, time: isoTime(m.time), value: m.value, unit: m.unit,
    })),
    breaker: telegram.breaker,
    limiterKw: telegram.limiterKw,
    fuseA: telegram.fuseA,
    message: telegram.message,
    other: telegram.other,
  };
  if (withWarnings) line.warnings = telegram.warnings;
  return line;
}

/**
 * The line for any frame: a telegram, or `{ok: false, error, offset}`. With `withDetail`, a
 * telegram carries its `warnings` and a refused frame a `detail` saying what was wrong.
 */
export function frameResultJson(result: FrameResult, withDetail = false): Record<string, unknown> {
  if (result.ok) return telegramJson(result.telegram, withDetail);
  const refused: Record<string, unknown> = { ok: false, error: result.error, offset: result.offset };
  if (withDetail) refused.detail = result.detail;
  return refused;
}
