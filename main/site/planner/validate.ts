/** Input checks with errors that say what is wrong and where: a plan is never made from nonsense. */
import type { PlanInput } from './types.js';
import { QUARTER_MS } from './types.js';

export const MAX_QUARTERS = 7 * 96;

function finite(value: number, where: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`planner: ${where} is ${String(value)}, not a finite number`);
}

function atLeast(value: number, min: number, where: string): void {
  finite(value, where);
  if (value < min) throw new Error(`planner: ${where} is ${value}, below ${min}`);
}

function efficiency(value: number | undefined, where: string): void {
  if (value === undefined) return;
  finite(value, where);
  if (value <= 0 || value > 1) throw new Error(`planner: ${where} is ${value}, not in (0, 1]`);
}

export function validatePlanInput(input: PlanInput): void {
  finite(input.start, 'start');
  if (input.start % QUARTER_MS !== 0) throw new Error(`planner: start ${new Date(input.start).toISOString()} is not a quarter boundary`);
  const n = input.baseKwh.length;
  if (n < 1 || n > MAX_QUARTERS) throw new Error(`planner: ${n} quarters; a plan covers 1 to ${MAX_QUARTERS}`);
  for (const [name, list] of [['importPrice', input.importPrice], ['exportPrice', input.exportPrice], ['baseHighKwh', input.baseHighKwh ?? input.baseKwh]] as const) {
    if (list.length !== n) throw new Error(`planner: ${name} has ${list.length} quarters, baseKwh has ${n}`);
  }
  for (let i = 0; i < n; i++) {
    finite(input.baseKwh[i], `baseKwh[${i}]`);
    if (input.baseHighKwh) finite(input.baseHighKwh[i], `baseHighKwh[${i}]`);
    finite(input.importPrice[i], `importPrice[${i}]`);
    finite(input.exportPrice[i], `exportPrice[${i}]`);
  }
  atLeast(input.connectionKw, 0.1, 'connectionKw');
  atLeast(input.peak.pricePerKwYear, 0, 'peak.pricePerKwYear');
  atLeast(input.peak.minimumKw, 0, 'peak.minimumKw');
  atLeast(input.peak.soFarKw, 0, 'peak.soFarKw');
  if (input.peak.ceilingKw !== undefined) atLeast(input.peak.ceilingKw, 0, 'peak.ceilingKw');
  const ids = new Set<string>();
  input.cars.forEach((car, c) => {
    const at = `cars[${c}] (${JSON.stringify(car.id)})`;
    if (typeof car.id !== 'string' || car.id === '') throw new Error(`planner: cars[${c}] has no id`);
    if (ids.has(car.id)) throw new Error(`planner: ${at} appears twice`);
    ids.add(car.id);
    atLeast(car.capacityKwh, 0.1, `${at}.capacityKwh`);
    atLeast(car.socPercent, 0, `${at}.socPercent`);
    atLeast(car.maxKw, 0, `${at}.maxKw`);
    efficiency(car.chargeEfficiency, `${at}.chargeEfficiency`);
    if (car.taperAbovePercent !== undefined) {
      finite(car.taperAbovePercent, `${at}.taperAbovePercent`);
      if (car.taperAbovePercent <= 0 || car.taperAbovePercent >= 100) throw new Error(`planner: ${at}.taperAbovePercent is ${car.taperAbovePercent}, not between 0 and 100`);
    }
    car.plugged.forEach((s, k) => {
      finite(s.from, `${at}.plugged[${k}].from`);
      finite(s.to, `${at}.plugged[${k}].to`);
    });
    car.trips.forEach((t, k) => {
      finite(t.departure, `${at}.trips[${k}].departure`);
      atLeast(t.socPercent, 0, `${at}.trips[${k}].socPercent`);
      if (t.socPercent > 100) throw new Error(`planner: ${at}.trips[${k}].socPercent is ${t.socPercent}, above 100`);
      if (t.usesKwh !== undefined) atLeast(t.usesKwh, 0, `${at}.trips[${k}].usesKwh`);
    });
  });
  const b = input.battery;
  if (b) {
    atLeast(b.capacityKwh, 0.1, 'battery.capacityKwh');
    atLeast(b.socPercent, 0, 'battery.socPercent');
    atLeast(b.maxChargeKw, 0, 'battery.maxChargeKw');
    atLeast(b.maxDischargeKw, 0, 'battery.maxDischargeKw');
    efficiency(b.chargeEfficiency, 'battery.chargeEfficiency');
    efficiency(b.dischargeEfficiency, 'battery.dischargeEfficiency');
    if (b.reservePercent !== undefined) atLeast(b.reservePercent, 0, 'battery.reservePercent');
    if (b.endSocPercent !== undefined) atLeast(b.endSocPercent, 0, 'battery.endSocPercent');
    if (b.wearEurPerKwh !== undefined) atLeast(b.wearEurPerKwh, 0, 'battery.wearEurPerKwh');
  }
}
