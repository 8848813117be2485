import type { CarConfig } from '../../config/ev-schema.js';
import type { TripCar } from './types.js';

/**
 * A car of ev.cars as the trips see it: `@car_<id>@` names it; a title without a need asks for
 * its tripNeed, else its defaultTripKm; its consumption turns km into energy, its efficiency
 * battery energy into grid energy.
 */
export function tripCar(car: CarConfig): TripCar {
  return {
    name: car.id, label: car.name, batteryKwh: car.batteryKwh, consumptionKwhPer100Km: car.consumptionKwhPer100km,
    defaultNeed: car.tripNeed ?? `${car.defaultTripKm}km`, chargeEfficiency: car.efficiency,
  };
}
