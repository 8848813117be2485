import { brusselsDateKey } from '../../shared/time/brussels.js';

/**
 * Today's battery figures from the measured flows (pure): energy in and out, what was stored
 * from solar (charged while the house would have exported), and the euros the battery saved:
 * the energy cost of the grid flow with the battery against the flow the house would have had
 * with the battery idle (the same measurements minus the battery's power). Capacity-tariff
 * savings are not in it: they show in the month peak.
 */
export interface FlowPrices {
  /** EUR per kWh imported and exported now */
  importEur: number;
  exportEur: number;
}

export interface DayFigures {
  day: string;
  chargedKwh: number;
  dischargedKwh: number;
  storedFromSolarKwh: number;
  savedEur: number | null;
}

/** a gap longer than this between telegrams is not integrated (a restart, a silent meter) */
const MAX_STEP_S = 30;

export class DayAccount {
  private figures: DayFigures | null = null;
  private last: { time: number; gridKw: number; batteryKw: number; prices: FlowPrices | null } | null = null;

  /** One telegram: the grid's net power (+ import), the battery's measured power (+ charge), the prices now. */
  add(time: number, gridKw: number, batteryKw: number, prices: FlowPrices | null): DayFigures {
    const day = brusselsDateKey(time);
    if (!this.figures || this.figures.day !== day) this.figures = { day, chargedKwh: 0, dischargedKwh: 0, storedFromSolarKwh: 0, savedEur: 0 };
    const last = this.last;
    this.last = { time, gridKw, batteryKw, prices };
    if (!last) return this.figures;
    const seconds = (time - last.time) / 1000;
    if (seconds <= 0 || seconds > MAX_STEP_S) return this.figures;
    // the step's flows as held since the previous telegram
    const hours = seconds / 3600;
    const f = this.figures;
    const battery = last.batteryKw;
    const house = last.gridKw - battery;
    if (battery > 0) {
      f.chargedKwh += battery * hours;
      f.storedFromSolarKwh += Math.min(battery, Math.max(0, -house)) * hours;
    } else {
      f.dischargedKwh += -battery * hours;
    }
    if (last.prices === null || f.savedEur === null) {
      f.savedEur = null;
    } else {
      f.savedEur += (cost(house, last.prices) - cost(last.gridKw, last.prices)) * hours;
    }
    return f;
  }

  current(): DayFigures | null {
    return this.figures;
  }
}

/** EUR per hour of a net flow (+ import) */
function cost(netKw: number, p: FlowPrices): number {
  return netKw > 0 ? netKw * p.importEur : netKw * p.exportEur;
}
