/**
 * What the broker is told from a plan (site-control.md: the broker follows the plan's energies
 * per quarter as `plan` and `deadline` demands): per car, the energy the plan placed in the
 * running quarter, and the energy it places before the car's next departure.
 */
import { firmBeforeDeparture, splitCharge } from '../../../shared/plan/grid-share.js';
import { QUARTER_MS, type Plan } from './types.js';

export interface CarIntent {
  /**
   * energy for the running quarter (kWh at the connection) that the plan buys from the grid
   * (shared/plan/grid-share.ts); null outside the plan
   */
  plannedKwh: number | null;
  /** the part of the car's energy for the running quarter the plan expects from the sun, kWh */
  plannedSunKwh: number | null;
  /** the next departure in the plan and the energy the plan places before it */
  deadline: { time: number; kwh: number } | null;
  /** the month peak the plan allows in the running quarter (kW) */
  targetPeakKw: number | null;
}

export function carIntent(plan: Plan, carId: string, now: number): CarIntent {
  const index = Math.floor((now - plan.start) / QUARTER_MS);
  const quarter = plan.quarters[index];
  if (!quarter) return { plannedKwh: null, plannedSunKwh: null, deadline: null, targetPeakKw: null };
  const next = plan.trips.filter((t) => t.carId === carId && t.departure > now).sort((a, b) => a.departure - b.departure)[0];
  let deadline: CarIntent['deadline'] = null;
  if (next) {
    let kwh = 0;
    for (let i = index; i < plan.quarters.length && plan.quarters[i].start < next.departure; i++) kwh += plan.quarters[i].carKwh.get(carId) ?? 0;
    deadline = { time: next.departure, kwh: Math.round(kwh * 1000) / 1000 };
  }
  let charges = quarter.batteryChargeKwh;
  for (const kwh of quarter.carKwh.values()) charges += Math.max(0, kwh);
  const kwh = quarter.carKwh.get(carId) ?? 0;
  // the next departure after the quarter starts (the running quarter's own, where the car leaves in it)
  const leaves = plan.trips.filter((t) => t.carId === carId && t.departure > quarter.start).reduce<number | null>((m, t) => (m === null || t.departure < m ? t.departure : m), null);
  const { boughtKwh, sunKwh } = firmBeforeDeparture(quarter.start, leaves) ? { boughtKwh: kwh, sunKwh: 0 } : splitCharge(kwh, quarter.importKwh, charges);
  return { plannedKwh: boughtKwh, plannedSunKwh: sunKwh, deadline, targetPeakKw: quarter.targetPeakKw };
}
