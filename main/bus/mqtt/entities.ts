import { valueAtPath } from '../../../shared/bus/delta.js';
import type { BusState } from '../../../shared/state.js';

/**
 * The Home Assistant sensors the bridge publishes, one row each: where the value lives in the
 * bus state and how Home Assistant should treat it. Device classes, units and state classes are
 * the combinations Home Assistant's energy dashboard accepts (energy: kWh with
 * total_increasing; gas and water: m³; power: kW with measurement; monetary: a currency with
 * total). EV and battery issues add rows here.
 */
export interface SensorEntity {
  /** the last part of the discovery topic and of the state topic */
  objectId: string;
  name: string;
  /** dotted path into the bus state */
  path: string;
  /**
   * null: a text sensor (e.g. the EV controller's reason), published as the string it holds;
   * timestamp: epoch ms in the bus state, published as ISO 8601 (a trip's departure)
   */
  deviceClass: 'energy' | 'gas' | 'water' | 'power' | 'monetary' | 'battery' | 'timestamp' | null;
  /** null for a text sensor or a timestamp (Home Assistant wants none) */
  unit: 'kWh' | 'm³' | 'kW' | 'EUR' | '%' | null;
  /** null for a text sensor or a timestamp */
  stateClass: 'total_increasing' | 'total' | 'measurement' | null;
  /** digits after the decimal point in the published value */
  decimals: number;
  /** announced only once the state has a value at this path (a battery that is configured) */
  onlyWith?: string;
  /** a Home Assistant select (component "select") that runs a bus command with the chosen option */
  select?: { options: readonly string[]; command: string; argument: string };
  /** the value, when it is not at a fixed path (a device's row found by its id) */
  read?: (state: BusState) => unknown;
}

const counter = (objectId: string, name: string, path: string): SensorEntity =>
  ({ objectId, name, path, deviceClass: 'energy', unit: 'kWh', stateClass: 'total_increasing', decimals: 3 });
const power = (objectId: string, name: string, path: string): SensorEntity =>
  ({ objectId, name, path, deviceClass: 'power', unit: 'kW', stateClass: 'measurement', decimals: 3 });

export const METER_SENSORS: readonly SensorEntity[] = [
  counter('import_t1_kwh', 'Import day (T1)', 'meter.counters.importKwh.t1'),
  counter('import_t2_kwh', 'Import night (T2)', 'meter.counters.importKwh.t2'),
  counter('export_t1_kwh', 'Export day (T1)', 'meter.counters.exportKwh.t1'),
  counter('export_t2_kwh', 'Export night (T2)', 'meter.counters.exportKwh.t2'),
  { objectId: 'gas_m3', name: 'Gas', path: 'meter.counters.gasM3', deviceClass: 'gas', unit: 'm³', stateClass: 'total_increasing', decimals: 3 },
  { objectId: 'water_m3', name: 'Water', path: 'meter.counters.waterM3', deviceClass: 'water', unit: 'm³', stateClass: 'total_increasing', decimals: 3 },
  power('power_import_kw', 'Power import', 'meter.powerKw.import'),
  power('power_export_kw', 'Power export', 'meter.powerKw.export'),
  power('quarter_average_kw', 'Current quarter average', 'quarter.averageSoFarKw'),
  power('month_peak_kw', 'Month peak', 'quarter.monthPeakKw'),
  power('gap_kw', 'Gap (headroom this quarter)', 'quarter.gapKw'),
  // electricity + gas + water today, as the ledger publishes it (main/dashboard/figures.ts costsAt)
  { objectId: 'cost_today_eur', name: 'Cost today', path: 'costs.periods.today.totalEur', deviceClass: 'monetary', unit: 'EUR', stateClass: 'total', decimals: 2 },
];

/** The battery role's entities (shared/battery/state.ts): SoC, power (+ charging), and its mode as a select. */
export const BATTERY_ENTITIES: readonly SensorEntity[] = [
  { objectId: 'battery_soc', name: 'Battery state of charge', path: 'battery.socPct', deviceClass: 'battery', unit: '%', stateClass: 'measurement', decimals: 1, onlyWith: 'battery' },
  { ...power('battery_power_kw', 'Battery power (+ charging)', 'battery.powerKw'), onlyWith: 'battery' },
  { ...money('battery_saved_today_eur', 'Battery saved today', 'battery.today.savedEur'), onlyWith: 'battery' },
  {
    objectId: 'battery_mode', name: 'Battery mode', path: 'battery.mode', deviceClass: 'battery', unit: '%', stateClass: 'measurement', decimals: 0,
    onlyWith: 'battery', select: { options: ['auto', 'hold', 'charge', 'discharge', 'off'], command: 'battery.mode', argument: 'mode' },
  },
];

function money(objectId: string, name: string, path: string): SensorEntity {
  return { objectId, name, path, deviceClass: 'monetary', unit: 'EUR', stateClass: 'total', decimals: 2 };
}

/** The site's base load: what the house draws without the flexible devices (meter role with a fuse). */
export const SITE_BASE_SENSOR: SensorEntity = power('site_base_kw', 'Base load (without flexible devices)', 'site.baseKw');

/**
 * One sensor per device the site grants power to (`site.devices`), announced when the device
 * first appears: `site_<device>_granted_kw`. Device ids are the contract's [a-z0-9_-], safe in
 * topics and Home Assistant object ids.
 */
export function siteSensors(state: BusState): SensorEntity[] {
  const site = state.site;
  if (!site) return [];
  return [SITE_BASE_SENSOR, ...site.devices.map((d): SensorEntity => ({
    ...power(`site_${d.device}_granted_kw`, `Granted power ${d.device}`, `site.devices`),
    read: (s) => s.site?.devices.find((x) => x.device === d.device)?.grantedKw,
  }))];
}

/** The entity's value as published text, or null when the state has no number there (a select: its option). */
export function sensorValue(state: BusState, entity: SensorEntity): string | null {
  const value = entity.read ? entity.read(state) : valueAtPath(state, entity.path);
  if (entity.select) return typeof value === 'string' && entity.select.options.includes(value) ? value : null;
  if (entity.deviceClass === null) return typeof value === 'string' ? value.slice(0, 255) : null;
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  // a timestamp sensor's state is ISO 8601 with the zone (epoch ms in the bus state)
  if (entity.deviceClass === 'timestamp') return new Date(value).toISOString();
  return value.toFixed(entity.decimals);
}

/**
 * A Home Assistant control (select or number) whose state is a value in the bus state and whose
 * command topic runs a bus command, validated like any other (the EV mode and SoC).
 */
export interface ControlEntity {
  component: 'select' | 'number';
  objectId: string;
  name: string;
  /** dotted path of the value shown */
  path: string;
  /** select: the allowed values */
  options?: readonly string[];
  /** number: range, step and unit */
  min?: number;
  max?: number;
  step?: number;
  unit?: '%';
  /** the bus command a value from Home Assistant becomes; null: refuse it */
  command(value: string): { name: string; args: unknown } | null;
}

export function controlValue(state: BusState, entity: ControlEntity): string | null {
  const value = valueAtPath(state, entity.path);
  if (typeof value === 'number' && Number.isFinite(value)) return String(Math.round(value));
  return typeof value === 'string' ? value : null;
}
