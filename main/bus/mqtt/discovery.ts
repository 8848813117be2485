import type { SensorEntity } from './entities.js';

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

export function stateTopic(names: Pick<DiscoveryNames, 'topicPrefix'>, entity: Pick<SensorEntity, 'objectId'>): string {
  return `${names.topicPrefix}/sensor/${entity.objectId}`;
}

export function discoveryTopic(names: DiscoveryNames, entity: Pick<SensorEntity, 'objectId'>): string {
  return `${names.discoveryPrefix}/sensor/${names.nodeId}/${entity.objectId}/config`;
}

/**
 * One sensor's discovery payload (https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery
 * and sensor.mqtt): every entity belongs to one device, identified by the node id, so Home
 * Assistant groups them; the availability topic (with the bridge's last will) greys them out
 * when the meter process is gone.
 */
export function discoveryPayload(names: DiscoveryNames, entity: SensorEntity): Record<string, unknown> {
  return {
    name: entity.name,
    unique_id: `${names.nodeId}_${entity.objectId}`,
    state_topic: stateTopic(names, entity),
    device_class: entity.deviceClass,
    ...(entity.unit === null ? {} : { unit_of_measurement: entity.unit }),
    ...(entity.stateClass === null ? {} : { state_class: entity.stateClass }),
    ...(entity.deviceClass === 'timestamp' ? {} : { suggested_display_precision: entity.decimals }),
    availability: [{ topic: availabilityTopic(names), payload_available: 'online', payload_not_available: 'offline' }],
    device: {
      identifiers: [names.nodeId],
      name: 'Digital Meter',
      manufacturer: 'digital-meter',
      model: 'P1 reader (e-MUCS)',
      sw_version: names.version,
    },
    origin: { name: 'digital-meter', sw_version: names.version },
  };
}
