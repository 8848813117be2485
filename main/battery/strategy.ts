/**
 * What the battery should do on this telegram (pure; the caller passes the monotonic time and
 * everything measured). The result is a wish in signed kW (+ charge) with its reason; the battery
 * role offers the band between idle and that wish to the site broker (class 'battery'), and
 * commands only what the broker grants.
 *
 * Auto mode, in order (battery-control.md, site-control.md rule 6):
 * 1. self-consumption: absorb what the house would export, cover what it would import. The house
 *    without the battery is B = P - m (P the grid's net power, m the battery's measured power), so
 *    the wish is -B; deciding on the measured power means a change is never counted twice.
 * 2. the night register (or a plan's SoC target) charges from the grid up to a target SoC, and
 *    the battery does not discharge for self-consumption meanwhile (it would buy it back).
 * 3. the quarter: the grid import after the battery, B + w, must stay within A, the quarter's
 *    allowed average for the rest (capacity-tariff.md), so w <= A - B = G + m. When that is below
 *    zero the battery discharges (peak shaving, which also carries a car's charge that would
 *    otherwise raise the month peak); a charge from the grid only ever uses what is left of it.
 * 4. limits: the reserve SoC (no discharge at or below it), full (no charge), the kW limits.
 */
import type { BatteryReading } from './battery.js';

export const BATTERY_MODES = ['auto', 'hold', 'charge', 'discharge', 'off'] as const;
export type BatteryMode = (typeof BATTERY_MODES)[number];

export type DecisionCode =
  | 'off' | 'hold' | 'manual-charge' | 'manual-discharge' | 'absorb-export' | 'cover-import' | 'peak-shave'
  | 'grid-charge' | 'plan-target' | 'plan' | 'reserve' | 'full' | 'budget' | 'idle' | 'no-meter' | 'no-battery';

export interface Decision {
  /** signed kW, + charge; null: no control at all (mode off: the inverter's own mode) */
  kw: number | null;
  /** when charging, whether the grid may supply it (SunSpec ChaGriSet GRID) */
  fromGrid: boolean;
  code: DecisionCode;
  text: string;
}

export interface PlanTarget {
  /** reach this SoC ... */
  socPct: number;
  /** ... by this time (epoch ms) */
  byTime: number;
}

export interface StrategySettings {
  /** the strategy's own reserve, %; the larger of this and the device's is kept */
  reservePct: number;
  /** charge from the grid on the night register (tariff 2) up to this SoC; null: never */
  nightChargeToPct: number | null;
  /** kW for grid charging (capped by the device and the quarter) */
  gridChargeKw: number;
  /** manual charge/discharge power, kW (null: the device's maximum) */
  manualKw: number | null;
  /** follow the quarter budget (off where the rates have no capacity tariff) */
  peakShaving: boolean;
  /** below this, a wish is idle (avoids chasing noise), kW */
  deadbandKw: number;
}

export const DEFAULT_STRATEGY: StrategySettings = {
  reservePct: 10, nightChargeToPct: null, gridChargeKw: 3, manualKw: null, peakShaving: true, deadbandKw: 0.05,
};

export interface StrategyInput {
  mode: BatteryMode;
  /** the grid's net power now, kW: + import, - export; null when there is no fresh meter data */
  gridKw: number | null;
  /** the quarter: A, the allowed average import for the rest of the quarter; null without a quarter */
  allowedKw: number | null;
  /** T, the quarter's target, for the words only */
  targetKw?: number | null;
  /** the meter's active register: 1 day/normal, 2 night/low */
  tariff: number | null;
  /** meter time, epoch ms */
  time: number;
  battery: BatteryReading | null;
  /** a plan's SoC target (the planner issue fills this hook), or null */
  plan: PlanTarget | null;
  /**
   * the site plan's average power for this quarter (signed kW, + charge), or null without a plan:
   * in auto mode the battery then does what the plan says (it placed the charge in the cheap
   * quarters and the discharge in the dear ones) instead of plain self-consumption
   */
  plannedKw?: number | null;
  /**
   * with plannedKw: what a kWh drawn beyond the plan's discharge costs the plan's later quarters
   * (EUR, the plan's batteryDrawCostEur) and the import price now; an import the forecast
   * missed is covered in full where the price is the higher of the two, up to the plan's
   * discharge where not (absent: up to the plan's discharge)
   */
  drawCostEur?: number | null;
  importPriceEur?: number | null;
}

/** how far the import price must be above a kWh's worth to the plan later before the battery covers more than the plan (EUR) */
export const COVER_MARGIN_EUR = 0.005;

const round = (kw: number) => Math.round(kw * 1000) / 1000;

export function decide(input: StrategyInput, s: StrategySettings): Decision {
  const b = input.battery;
  if (input.mode === 'off') return { kw: null, fromGrid: false, code: 'off', text: 'off: the inverter runs its own mode' };
  if (!b) return { kw: 0, fromGrid: false, code: 'no-battery', text: 'battery not read yet: idle' };
  if (input.mode === 'hold') return { kw: 0, fromGrid: false, code: 'hold', text: 'hold: 0 kW by request' };
  if (input.gridKw === null) return { kw: 0, fromGrid: false, code: 'no-meter', text: 'no fresh meter data: idle' };

  const reserve = Math.max(s.reservePct, b.reservePct ?? 0);
  const canDischarge = b.socPct > reserve ? b.maxDischargeKw : 0;
  const canCharge = b.socPct < 100 ? b.maxChargeKw : 0;
  const house = input.gridKw - b.powerKw;
  // the most the battery may charge (grid import after it within the quarter's allowance)
  const budgetKw = s.peakShaving && input.allowedKw !== null ? input.allowedKw - house : Infinity;

  let kw: number;
  let fromGrid = false;
  let code: DecisionCode;
  let text: string;
  if (input.mode === 'charge') {
    kw = s.manualKw ?? canCharge;
    fromGrid = true;
    code = 'manual-charge';
    text = `charge by request`;
  } else if (input.mode === 'discharge') {
    kw = -(s.manualKw ?? canDischarge);
    code = 'manual-discharge';
    text = 'discharge by request';
  } else if (input.plannedKw !== undefined && input.plannedKw !== null) {
    // the plan was made on a forecast of the house; what the house does beyond it, the battery
    // takes up: a surplus the plan did not expect is stored (exporting it earns least), an
    // import is covered up to the plan's discharge and no further (the rest of the charge is
    // kept for the quarters the plan spends it in), and a planned grid charge is made
    const planned = input.plannedKw;
    const surplus = -house;
    if (planned > 0 && planned > surplus) {
      kw = planned;
      fromGrid = true;
      code = 'plan';
      text = `charging ${round(kw)} kW as the plan says`;
    } else if (surplus >= 0) {
      kw = surplus;
      code = 'absorb-export';
      text = `storing ${round(kw)} kW that would be exported`;
    } else if (input.drawCostEur != null && input.importPriceEur != null && input.importPriceEur > input.drawCostEur + COVER_MARGIN_EUR) {
      // a kWh drawn now saves more than the plan's later quarters lose without it (the night
      // rate, tomorrow's sun that refills the battery anyway)
      kw = surplus;
      code = 'plan';
      text = `covering ${round(-kw)} kW of import: ${input.importPriceEur.toFixed(3)} EUR/kWh now, the plan values a kWh drawn at ${input.drawCostEur.toFixed(3)}`;
    } else {
      kw = Math.max(planned, surplus);
      code = 'plan';
      text = kw < 0 ? `discharging ${round(-kw)} kW as the plan says` : 'the plan keeps the charge for later: idle';
    }
  } else {
    kw = -house;
    code = kw > 0 ? 'absorb-export' : 'cover-import';
    text = kw > 0 ? `storing ${round(kw)} kW that would be exported` : `covering ${round(-kw)} kW of the house's import`;
    // on the night register with night charging set up, the night's energy is the cheap one:
    // keep the charge for the day instead of covering the night's import with it
    if (kw < 0 && s.nightChargeToPct !== null && input.tariff === 2) {
      kw = 0;
      code = 'idle';
      text = 'night register: keeping the charge for the day';
    }
    const gridTarget = gridChargeTarget(input, s);
    if (gridTarget && b.socPct < gridTarget.pct && gridTarget.kw > kw) {
      fromGrid = gridTarget.kw > -house;
      kw = gridTarget.kw;
      code = gridTarget.code;
      text = gridTarget.text;
    }
  }
  // the quarter: the grid import after the battery stays within A
  if (kw > budgetKw) {
    const shave = budgetKw < 0;
    kw = budgetKw;
    code = shave ? 'peak-shave' : 'budget';
    text = shave
      ? `discharging ${round(-budgetKw)} kW to hold the quarter at ${input.targetKw == null ? 'its target' : `${round(input.targetKw)} kW`}`
      : `charging only ${round(Math.max(0, budgetKw))} kW: the quarter's budget`;
  }
  if (kw < 0 && canDischarge === 0) return { kw: 0, fromGrid: false, code: 'reserve', text: `at the reserve (${round(b.socPct)} % <= ${reserve} %): not discharging` };
  if (kw > 0 && canCharge === 0) return { kw: 0, fromGrid: false, code: 'full', text: 'full: not charging' };
  kw = Math.max(-canDischarge, Math.min(canCharge, kw));
  if (Math.abs(kw) < s.deadbandKw) return { kw: 0, fromGrid: false, code: code === 'peak-shave' || code === 'plan' ? code : 'idle', text: code === 'peak-shave' || code === 'plan' ? text : 'nothing to do: idle' };
  return { kw: round(kw), fromGrid: kw > 0 && fromGrid, code, text };
}

/** A grid charge that applies now: the plan's SoC target first, else the night register's. */
function gridChargeTarget(input: StrategyInput, s: StrategySettings): { pct: number; kw: number; code: DecisionCode; text: string } | null {
  const b = input.battery!;
  if (input.plan && input.plan.byTime > input.time) {
    const hours = (input.plan.byTime - input.time) / 3_600_000;
    const needKwh = ((input.plan.socPct - b.socPct) / 100) * b.capacityKwh;
    if (needKwh <= 0) return null;
    return { pct: input.plan.socPct, kw: Math.min(b.maxChargeKw, needKwh / Math.max(hours, 0.25)), code: 'plan-target', text: `charging toward the plan's ${input.plan.socPct} %` };
  }
  if (s.nightChargeToPct !== null && input.tariff === 2) {
    return { pct: s.nightChargeToPct, kw: s.gridChargeKw, code: 'grid-charge', text: `night register: charging from the grid toward ${s.nightChargeToPct} %` };
  }
  return null;
}
