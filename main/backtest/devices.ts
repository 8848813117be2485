/**
 * The simulated devices of one strategy's run: each car on its charger (the charger simulator's
 * car model), the battery (the battery simulator's model), with the trips taking the cars away
 * and bringing them back. The energy each draws in a second is read from the models' own
 * counters, so the meter sees exactly what the models did.
 */
import { BatteryModel } from '../battery/simulator/battery-model.js';
import { chargePowerKw, chargeConductors, type GridType } from '../ev/grid.js';
import { CarModel, type ChargerSettings } from '../ev/simulator/car-model.js';
import { ampsPerKw } from '../site/fuse.js';
import type { Household, HouseholdCar } from './household.js';
import type { PhasePower } from './meter.js';
import type { SimTrip } from './trips.js';

export interface SimCar {
  config: HouseholdCar;
  model: CarModel;
  settings: ChargerSettings;
  /** the conductors it loads on its full phases, and on one phase (the same when it cannot switch) */
  conductors: Array<1 | 2 | 3>;
  onePhaseConductors: Array<1 | 2 | 3>;
  /** it may switch from three phases to one (the household's charger setting, a three-phase car) */
  switchesPhases: boolean;
  /** the most the charger and car draw together, kW */
  maxKw: number;
  /** the least it draws when it charges (6 A, on one phase when it can switch), kW */
  minRunKw: number;
  /** trips of this car, in order, and the next one's index */
  trips: SimTrip[];
  next: number;
  /** on a trip: the one it is on */
  away: SimTrip | null;
  /** state of charge in kWh (the model's percent times the capacity) */
  lastWh: number;
}

export interface TripRecord {
  carId: string;
  departure: number;
  needKwh: number;
  hadKwh: number;
  shortKwh: number;
}

/**
 * A trip is met when the car holds its need less 1% of its battery: a car asked for 100% tapers
 * towards it for hours and never quite gets there. The same allowance holds for every strategy
 * and the optimum; what is missing beyond it is the trip's kWh short.
 */
export function metWithinKwh(batteryKwh: number): number {
  return 0.01 * batteryKwh;
}

export class SimDevices {
  readonly cars: SimCar[];
  readonly battery: BatteryModel | null;
  readonly grid: GridType;
  readonly tripLog: TripRecord[] = [];
  private lastCharged = 0;
  private lastDischarged = 0;

  constructor(h: Household, trips: readonly SimTrip[], start: number) {
    this.grid = h.fuse.grid;
    this.cars = h.cars.map((config) => {
      const settings: ChargerSettings = { currentSetA: 0, paused: true, phaseCount: config.maxPhases, energyLimitWh: 0 };
      const model = new CarModel(this.grid, settings, start);
      model.plug({ batteryKwh: config.batteryKwh, maxPhases: config.maxPhases, maxCurrentA: config.maxCurrentA, socPercent: config.startSocPercent, efficiency: config.efficiency }, start);
      const phases = config.maxPhases === 3 && this.grid !== '1x230' ? 3 : 1;
      const switchesPhases = config.phaseSwitching && phases === 3;
      return {
        config, model, settings, conductors: chargeConductors(this.grid, phases, 1), onePhaseConductors: chargeConductors(this.grid, 1, 1), switchesPhases,
        maxKw: chargePowerKw(this.grid, phases, Math.min(config.maxCurrentA, config.chargerMaxCurrentA)),
        minRunKw: chargePowerKw(this.grid, switchesPhases ? 1 : phases, 6),
        trips: trips.filter((t) => t.carId === config.id), next: 0, away: null, lastWh: 0,
      };
    });
    const b = h.battery;
    this.battery = b ? new BatteryModel({
      capacityKwh: b.capacityKwh, socPct: b.startSocPercent, maxChargeKw: b.maxChargeKw, maxDischargeKw: b.maxDischargeKw,
      roundTrip: b.roundTrip, minSocPct: b.reservePercent,
    }) : null;
    this.battery?.step(start);
  }

  /** departures and returns at `now` (called every second before the controllers) */
  trips(now: number): void {
    for (const car of this.cars) {
      if (car.away && now >= car.away.back) {
        const soc = car.model.car!.socPercent;
        car.model.car!.socPercent = Math.max(0, soc - (car.away.usesKwh / car.config.batteryKwh) * 100);
        car.model.plug(car.model.car!, now);
        car.model.car!.socPercent = Math.max(0, soc - (car.away.usesKwh / car.config.batteryKwh) * 100);
        car.away = null;
      }
      const trip = car.trips[car.next];
      if (!car.away && trip && now >= trip.departure) {
        const had = (car.model.car!.socPercent / 100) * car.config.batteryKwh;
        const short = Math.max(0, trip.needKwh - had - metWithinKwh(car.config.batteryKwh));
        this.tripLog.push({ carId: car.config.id, departure: trip.departure, needKwh: trip.needKwh, hadKwh: had, shortKwh: short });
        car.model.unplug(now);
        car.away = trip;
        car.next++;
      }
    }
  }

  /**
   * Run every device to `to`; returns the second's energy per device (kWh at the connection)
   * and fills `phases` with the devices' kW and amps per conductor.
   */
  advance(to: number, carKwh: Float64Array): number {
    let batteryKwh = 0;
    for (let i = 0; i < this.cars.length; i++) {
      const car = this.cars[i]!;
      const before = car.model.totalWh;
      car.model.advanceTo(to);
      carKwh[i] = (car.model.totalWh - before) / 1000;
    }
    const b = this.battery;
    if (b) {
      b.step(to);
      batteryKwh = (b.chargedKwh - this.lastCharged) - (b.dischargedKwh - this.lastDischarged);
      this.lastCharged = b.chargedKwh;
      this.lastDischarged = b.dischargedKwh;
    }
    return batteryKwh;
  }

  /** amps and kW per conductor from the house (three-phase), the cars and the battery */
  phases(houseKw: number, carKwh: Float64Array, batteryKwh: number, out: PhasePower): void {
    const share = houseKw / 3;
    out.kw[0] = share; out.kw[1] = share; out.kw[2] = share;
    const threeAmps = ampsPerKw(this.grid, [1, 2, 3]);
    const amps = [houseKw * threeAmps, houseKw * threeAmps, houseKw * threeAmps];
    for (let i = 0; i < this.cars.length; i++) {
      const kw = carKwh[i]! * 3600;
      if (kw === 0) continue;
      const car = this.cars[i]!;
      const conductors = car.model.phasesInUse() === 3 ? car.conductors : car.onePhaseConductors;
      const perKw = ampsPerKw(this.grid, conductors);
      for (const c of conductors) {
        out.kw[c - 1] += kw / conductors.length;
        amps[c - 1]! += kw * perKw;
      }
    }
    if (batteryKwh !== 0) {
      const kw = batteryKwh * 3600;
      for (let c = 0; c < 3; c++) { out.kw[c] += kw / 3; amps[c]! += kw * threeAmps; }
    }
    out.amps[0] = Math.abs(amps[0]!); out.amps[1] = Math.abs(amps[1]!); out.amps[2] = Math.abs(amps[2]!);
  }
}
