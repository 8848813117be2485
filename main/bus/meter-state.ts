import type { MbusReading, Telegram } from '../../shared/p1/telegram.js';
import type { MeterState } from '../../shared/state.js';

/**
 * The `meter` part of the bus state from one telegram: what the meter said, nothing derived.
 * Gas and water come from the first M-Bus channel of that kind reporting in m3.
 */
export function meterStateFromTelegram(telegram: Telegram): MeterState {
  const gas = firstInM3(telegram.mbus, 'gas');
  const water = firstInM3(telegram.mbus, 'water');
  return {
    time: telegram.time,
    powerKw: telegram.powerKw ? { import: telegram.powerKw.import, export: telegram.powerKw.export } : null,
    phases: telegram.phases.map((p) => ({ phase: p.phase, voltageV: p.voltageV, currentA: p.currentA, importKw: p.importKw, exportKw: p.exportKw })),
    tariff: telegram.tariff,
    counters: {
      importKwh: telegram.importKwh ? { t1: telegram.importKwh.t1, t2: telegram.importKwh.t2 } : null,
      exportKwh: telegram.exportKwh ? { t1: telegram.exportKwh.t1, t2: telegram.exportKwh.t2 } : null,
      gasM3: gas?.value ?? null,
      gasTime: gas?.time ?? null,
      waterM3: water?.value ?? null,
      waterTime: water?.time ?? null,
    },
  };
}

function firstInM3(readings: readonly MbusReading[], kind: MbusReading['kind']): MbusReading | undefined {
  return readings.find((r) => r.kind === kind && r.value !== null && (r.unit === null || r.unit.toLowerCase() === 'm3'));
}
