import type { ControlEntity, SensorEntity } from './entities.js';

export interface DiscoveryNames {
  discoveryPrefix: string;
  topicPrefix: string;
  nodeId: string;
  /** the product version, shown on Home Assistant's device page */
  version: string;
}

export function availabilityTopic(names: Pick<DiscoveryNames, 'topicPrefix'>): string {
  return `${names.topicPrefix}/status`;
}

const component = (entity: Pick<SensorEntity, 'select'>) => (entity.select ? 'select' : 'sensor');

export function stateTopic(names: Pick<DiscoveryNames, 'topicPrefix'>, entity: Pick<SensorEntity, 'objectId' | 'select'>): string {
  return `${names.topicPrefix}/${component(entity)}/${entity.objectId}`;
}

export function discoveryTopic(names: DiscoveryNames, entity: Pick<SensorEntity, 'objectId' | 'select'>): string {
  return `${names.discoveryPrefix}/${component(entity)}/${names.nodeId}/${entity.objectId}/config`;
}

/**
 * One sensor's discovery payload (https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery
 * and sensor.mqtt): every entity belongs to one device, identified by the node id, so Home
 * Assistant groups them; the availability topic (with the bridge's last will) greys them out
 * when the meter process is gone.
 */
export function discoveryPayload(names: DiscoveryNames, entity: SensorEntity): Record<string, unknown> {
  const kind = entity.select
    ? {
      // select.mqtt: the chosen option goes to the bridge's command topic as a bus command
      options: entity.select.options,
      command_topic: `${names.topicPrefix}/command`,
      command_template: `{"type":"command","id":"ha-${entity.objectId}","name":"${entity.select.command}","args":{"${entity.select.argument}":"{{ value }}"}}`,
    }
    : entity.deviceClass === null ? {}
    // a timestamp has no unit, state class or precision in Home Assistant
    : entity.deviceClass === 'timestamp' ? { device_class: 'timestamp' } : {
      device_class: entity.deviceClass,
      unit_of_measurement: entity.unit,
      state_class: entity.stateClass,
      suggested_display_precision: entity.decimals,
    };
  return {
    name: entity.name,
    unique_id: `${names.nodeId}_${entity.objectId}`,
    state_topic: stateTopic(names, entity),
    ...kind,
    availability: [{ topic: availabilityTopic(names), payload_available: 'online', payload_not_available: 'offline' }],
    device: deviceBlock(names),
    origin: { name: 'digital-meter', sw_version: names.version },
  };
}

function deviceBlock(names: DiscoveryNames): Record<string, unknown> {
  return {
    identifiers: [names.nodeId],
    name: 'Digital Meter',
    manufacturer: 'digital-meter',
    model: 'P1 reader (e-MUCS)',
    sw_version: names.version,
  };
}

export function controlStateTopic(names: Pick<DiscoveryNames, 'topicPrefix'>, entity: Pick<ControlEntity, 'component' | 'objectId'>): string {
  return `${names.topicPrefix}/${entity.component}/${entity.objectId}`;
}

export function controlCommandTopic(names: Pick<DiscoveryNames, 'topicPrefix'>, entity: Pick<ControlEntity, 'component' | 'objectId'>): string {
  return `${controlStateTopic(names, entity)}/set`;
}

export function controlDiscoveryTopic(names: DiscoveryNames, entity: Pick<ControlEntity, 'component' | 'objectId'>): string {
  return `${names.discoveryPrefix}/${entity.component}/${names.nodeId}/${entity.objectId}/config`;
}

/** select.mqtt and number.mqtt discovery: a state topic, a command topic, and the allowed values */
export function controlDiscoveryPayload(names: DiscoveryNames, entity: ControlEntity): Record<string, unknown> {
  const specific = entity.component === 'select'
    ? { options: [...(entity.options ?? [])] }
    : { min: entity.min, max: entity.max, step: entity.step, mode: 'box', ...(entity.unit ? { unit_of_measurement: entity.unit } : {}) };
  return {
    name: entity.name,
    unique_id: `${names.nodeId}_${entity.objectId}`,
    state_topic: controlStateTopic(names, entity),
    command_topic: controlCommandTopic(names, entity),
    ...specific,
    availability: [{ topic: availabilityTopic(names), payload_available: 'online', payload_not_available: 'offline' }],
    device: deviceBlock(names),
    origin: { name: 'digital-meter', sw_version: names.version },
  };
}
