/**
 * The simulated meter of the backtest: it adds each second's net energy to the register in force
 * (import or export) and hands the pipeline a telegram object directly (text and CRC are the
 * parser's own tests' business). Counters are written with 3 decimals, as a meter does.
 */
import type { PhaseReading, Telegram } from '../../shared/p1/telegram.js';

export interface PhasePower {
  /** signed kW per conductor (+ import) and the current on it, A (unsigned, as Belgian meters send it) */
  kw: [number, number, number];
  amps: [number, number, number];
}

export class SimMeter {
  importKwh: [number, number] = [1000, 500];
  exportKwh: [number, number] = [200, 100];
  private lastKw = 0;
  private lastPhases: PhasePower = { kw: [0, 0, 0], amps: [0, 0, 0] };

  /** `kwh` is the net energy of the second just ended (+ import), on register `register` */
  add(kwh: number, register: 1 | 2, phases: PhasePower): void {
    if (kwh >= 0) this.importKwh[register - 1] += kwh;
    else this.exportKwh[register - 1] -= kwh;
    this.lastKw = kwh * 3600;
    this.lastPhases = phases;
  }

  /** the counters as the telegram carries them, in Wh */
  importWh(): number {
    return Math.round(this.importKwh[0] * 1000) + Math.round(this.importKwh[1] * 1000);
  }

  exportWh(): number {
    return Math.round(this.exportKwh[0] * 1000) + Math.round(this.exportKwh[1] * 1000);
  }

  telegram(time: number, register: 1 | 2): Telegram {
    const r3 = (x: number) => Math.round(x * 1000) / 1000;
    const p = this.lastPhases;
    const phases: PhaseReading[] = [1, 2, 3].map((phase, i) => ({
      phase: phase as 1 | 2 | 3, voltageV: 230, currentA: Math.round(p.amps[i]! * 100) / 100,
      importKw: r3(Math.max(0, p.kw[i]!)), exportKw: r3(Math.max(0, -p.kw[i]!)),
    }));
    return {
      header: 'SIM5\\2BACKTEST', version: '50217', equipmentId: null, time, tariff: register,
      importKwh: { t1: r3(this.importKwh[0]), t2: r3(this.importKwh[1]) },
      exportKwh: { t1: r3(this.exportKwh[0]), t2: r3(this.exportKwh[1]) },
      powerKw: { import: r3(Math.max(0, this.lastKw)), export: r3(Math.max(0, -this.lastKw)) },
      phases, quarterAverageKw: null, monthPeak: null, peakHistory: [], mbus: [],
      breaker: 1, limiterKw: null, fuseA: null, message: null, other: [], warnings: [],
    };
  }

  get netKw(): number {
    return this.lastKw;
  }
}
