import type { SensorEntity } from '../../bus/mqtt/entities.js';

/**
 * Home Assistant: the next trip per car, its departure (a timestamp sensor) and the level it
 * needs, read from trips.next in the bus state (one entry per car of ev.cars, in config order).
 */
export function tripEntities(cars: readonly { id: string; name: string }[]): SensorEntity[] {
  return cars.flatMap((car, i): SensorEntity[] => {
    // ev.cars ids are lowercase letters, digits, - and _ already; - is not welcome in an entity id
    const id = car.id.replace(/[^a-z0-9_]/g, '_');
    return [
      { objectId: `next_trip_${id}`, name: `Next trip ${car.name}`, path: `trips.next.${i}.trip.departure`, deviceClass: 'timestamp', unit: null, stateClass: null, decimals: 0 },
      { objectId: `next_trip_${id}_need`, name: `Next trip ${car.name}: level needed`, path: `trips.next.${i}.trip.needSocPct`, deviceClass: 'battery', unit: '%', stateClass: 'measurement', decimals: 0 },
    ];
  });
}
