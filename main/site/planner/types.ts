/**
 * The site planner's input and output: plain data, times in UTC milliseconds, energies in kWh
 * per quarter, prices in EUR (site-control.md "Planning"). Ids are the user's names for devices;
 * the planner never turns them into object keys (Maps only).
 */

export const QUARTER_MS = 15 * 60_000;

/** A span of time [from, to) in UTC ms. */
export interface Span {
  from: number;
  to: number;
}

/** A trip: the car must hold at least `socPercent` when it leaves. */
export interface PlanTrip {
  departure: number;
  socPercent: number;
  /** energy the trip takes out of the battery (kWh); 0 when unknown (the car comes back as it left) */
  usesKwh?: number;
}

export interface PlanCar {
  id: string;
  capacityKwh: number;
  socPercent: number;
  /** the most the charger (and the car) can take, in kW at the connection */
  maxKw: number;
  /** share of what leaves the connection that ends up in the car's battery (0..1], default 0.9 */
  chargeEfficiency?: number;
  /** when the car is plugged in within the horizon (may start in the past) */
  plugged: Span[];
  trips: PlanTrip[];
  /**
   * the state of charge (%) above which the car's charging power falls in proportion to what is
   * left to full (a battery's constant-voltage phase), as the car simulator does above 90%; absent:
   * the car is taken to charge at full power up to full
   */
  taperAbovePercent?: number;
}

export interface PlanBattery {
  capacityKwh: number;
  socPercent: number;
  maxChargeKw: number;
  maxDischargeKw: number;
  /** share of the energy charged that is stored, (0..1], default 0.95 */
  chargeEfficiency?: number;
  /** share of the energy stored that comes out, (0..1], default 0.95 */
  dischargeEfficiency?: number;
  /** the state of charge kept for backup, never planned below, default 0 */
  reservePercent?: number;
  /** the least state of charge at the horizon's end; default: the state of charge now (so the plan does not empty it for free) */
  endSocPercent?: number;
  /** wear cost per kWh that comes out of the battery, default 0 */
  wearEurPerKwh?: number;
}

export interface PlanPeak {
  /** capacity tariff price per kW per year (EUR); one month's peak costs a twelfth of it per kW */
  pricePerKwYear: number;
  /** the billing floor of a month peak, 2.5 kW in Flanders */
  minimumKw: number;
  /** the peak so far in the month the horizon starts in (kW) */
  soFarKw: number;
  /** the user's ceiling for the month peak: the plan never raises a peak above it (default: no ceiling but the connection) */
  ceilingKw?: number;
}

export interface PlanInput {
  /** start of the first quarter (a quarter boundary) */
  start: number;
  /** per quarter: the net base load's energy, import positive, export (solar) negative */
  baseKwh: readonly number[];
  /**
   * per quarter: the most the house alone (the net base load) is likely to draw, kWh; the
   * forecast is an average and a house cooks at a different time each day. Where it is above the
   * month peak, the plan enters the quarter with the battery holding the difference, so that
   * the battery can keep the peak when the house draws that much (absent: no such guard)
   */
  baseHighKwh?: readonly number[];
  /** per quarter: EUR per kWh imported */
  importPrice: readonly number[];
  /** per quarter: EUR per kWh exported */
  exportPrice: readonly number[];
  /** the connection's capacity in kW (fuse): import and export are each capped by it */
  connectionKw: number;
  peak: PlanPeak;
  cars: readonly PlanCar[];
  battery?: PlanBattery;
}

export interface PlannedQuarter {
  start: number;
  importKwh: number;
  exportKwh: number;
  /** energy into each car this quarter, at the connection */
  carKwh: Map<string, number>;
  batteryChargeKwh: number;
  batteryDischargeKwh: number;
  /** the battery's state of charge at the end of the quarter (kWh) */
  batterySocKwh: number;
  /**
   * what a kWh drawn from the battery at the meter in this quarter, beyond the plan's discharge,
   * costs the plan's later quarters (EUR): the value of a kWh held at the quarter's end, after
   * the discharge's loss. Null without a battery
   */
  batteryDrawCostEur: number | null;
  /** the month peak the plan allows this quarter (kW) */
  targetPeakKw: number;
  importPrice: number;
  exportPrice: number;
}

/** What a trip gets under the plan. */
export interface TripOutcome {
  carId: string;
  departure: number;
  wantedPercent: number;
  /** state of charge at departure under the plan */
  reachedPercent: number;
  /** energy missing at departure (kWh in the car), 0 when met */
  shortKwh: number;
}

/** What would make the unmet trips feasible: a higher month peak, at this cost. */
export interface PeakRaiseAdvice {
  /** month start (UTC ms) -> the least peak that meets every trip (kW) */
  peakKw: Map<number, number>;
  /** how much more the plan costs that way (energy and peak, EUR) */
  extraEur: number;
  /** whether raising the peak is enough to meet every trip */
  meetsAll: boolean;
}

export interface Plan {
  start: number;
  quarters: PlannedQuarter[];
  /** month start (UTC ms) -> the month peak the plan allows (kW) */
  monthPeakKw: Map<number, number>;
  trips: TripOutcome[];
  cost: {
    energyEur: number;
    /** the cost of raising month peaks above what they already are (or the 2.5 kW floor) */
    peakEur: number;
    wearEur: number;
    totalEur: number;
  };
  /** present when some trip is not met within the peak ceiling */
  advice: PeakRaiseAdvice | null;
  /** human sentences, one per unmet trip */
  warnings: string[];
}
