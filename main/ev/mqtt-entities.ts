import type { ControlEntity, SensorEntity } from '../bus/mqtt/entities.js';
import type { EvChargerState } from '../../shared/ev/state.js';
import type { BusState } from '../../shared/state.js';
import type { EvConfig } from '../config/ev-schema.js';

/**
 * Home Assistant entities for each configured charger (issue 17 "Dashboard, MQTT"): power,
 * session energy and cost, the car's SoC and the controller's reason as sensors; the mode as a select and
 * the SoC as a number, both through the ev.* bus commands. Paths index `ev.chargers` by the
 * configuration's order, which is the order the EV role publishes them in.
 */
export function evMqttEntities(config: EvConfig | undefined): { sensors: SensorEntity[]; controls: ControlEntity[] } {
  const sensors: SensorEntity[] = [];
  const controls: ControlEntity[] = [];
  (config?.chargers ?? []).forEach((charger, i) => {
    const at = `ev.chargers.${i}`;
    const id = charger.id.replace(/-/g, '_');
    sensors.push(
      { objectId: `ev_${id}_power_kw`, name: `EV ${charger.id} power`, path: `${at}.powerKw`, deviceClass: 'power', unit: 'kW', stateClass: 'measurement', decimals: 2 },
      { objectId: `ev_${id}_session_kwh`, name: `EV ${charger.id} session energy`, path: `${at}.sessionKwh`, deviceClass: 'energy', unit: 'kWh', stateClass: 'total_increasing', decimals: 2 },
      { objectId: `ev_${id}_session_eur`, name: `EV ${charger.id} session cost`, path: `${at}.sessionEur.eur`, deviceClass: 'monetary', unit: 'EUR', stateClass: 'total', decimals: 2 },
      { objectId: `ev_${id}_soc`, name: `EV ${charger.id} state of charge`, path: `${at}.soc.percent`, deviceClass: 'battery', unit: '%', stateClass: 'measurement', decimals: 0 },
      { objectId: `ev_${id}_reason`, name: `EV ${charger.id} reason`, path: `${at}.reason.text`, deviceClass: null, unit: null, stateClass: null, decimals: 0 },
    );
    controls.push(
      {
        component: 'select', objectId: `ev_${id}_mode`, name: `EV ${charger.id} mode`, path: `${at}.mode`, options: ['smart', 'now', 'solar', 'off'],
        command: (value) => (['smart', 'now', 'solar', 'off'].includes(value) ? { name: 'ev.mode', args: { charger: charger.id, mode: value } } : null),
      },
      {
        component: 'number', objectId: `ev_${id}_soc_set`, name: `EV ${charger.id} state of charge (set)`, path: `${at}.soc.percent`, min: 0, max: 100, step: 1, unit: '%',
        command: (value) => {
          const percent = Number(value);
          return value.trim() !== '' && Number.isFinite(percent) && percent >= 0 && percent <= 100 ? { name: 'ev.soc', args: { charger: charger.id, percent } } : null;
        },
      },
    );
  });
  return { sensors, controls };
}

/**
 * The sensors of the satellites' chargers the meter shows (`satellite` set in `ev.chargers`,
 * main/site/satellite-state.ts): the same objects as a configured charger's, found by the charger's
 * id rather than its place in the list, announced when first seen. No controls: a satellite's
 * charger is commanded on its satellite (the meter refuses ev.mode and ev.soc for it).
 */
export function satelliteChargerSensors(state: BusState): SensorEntity[] {
  const sensors: SensorEntity[] = [];
  for (const charger of state.ev?.chargers ?? []) {
    if (charger.satellite === undefined) continue;
    const id = charger.id.replace(/-/g, '_');
    const read = (pick: (c: EvChargerState) => unknown) => (s: BusState) => {
      const c = s.ev?.chargers.find((x) => x.id === charger.id && x.satellite !== undefined);
      return c ? pick(c) : undefined;
    };
    sensors.push(
      { objectId: `ev_${id}_power_kw`, name: `EV ${charger.id} power`, path: 'ev.chargers', read: read((c) => c.powerKw), deviceClass: 'power', unit: 'kW', stateClass: 'measurement', decimals: 2 },
      { objectId: `ev_${id}_session_kwh`, name: `EV ${charger.id} session energy`, path: 'ev.chargers', read: read((c) => c.sessionKwh), deviceClass: 'energy', unit: 'kWh', stateClass: 'total_increasing', decimals: 2 },
      { objectId: `ev_${id}_session_eur`, name: `EV ${charger.id} session cost`, path: 'ev.chargers', read: read((c) => c.sessionEur?.eur), deviceClass: 'monetary', unit: 'EUR', stateClass: 'total', decimals: 2 },
      { objectId: `ev_${id}_soc`, name: `EV ${charger.id} state of charge`, path: 'ev.chargers', read: read((c) => c.soc?.percent), deviceClass: 'battery', unit: '%', stateClass: 'measurement', decimals: 0 },
      { objectId: `ev_${id}_reason`, name: `EV ${charger.id} reason`, path: 'ev.chargers', read: read((c) => c.reason.text), deviceClass: null, unit: null, stateClass: null, decimals: 0 },
    );
  }
  return sensors;
}
