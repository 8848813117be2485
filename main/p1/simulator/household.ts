/**
 * Who lives in the simulated house: the fixed traits drawn once from the seed (standby load,
 * PV size, heat pump, which meters exist). The day-to-day life is in appliances.ts and
 * day-plan.ts.
 */
import { Prng, mixSeed } from './prng.js';

export interface HouseholdOptions {
  /** PV peak power in kWp; 0 = no panels. Default: 3.5-6 kWp drawn from the seed. */
  pvKwp?: number;
  /** heat pump for space heating (runs when it is cold). Default true. */
  heatPump?: boolean;
  /** a water meter on M-Bus channel 2. Default false. */
  water?: boolean;
}

export interface Household {
  seed: number;
  standbyW: number;
  pvKwp: number;
  heatPump: boolean;
  /** heat loss in W per kelvin below 18 °C indoor target (the house's insulation) */
  heatLossWPerK: number;
  water: boolean;
  /** persons: showers, toilet flushes, kettle use */
  persons: number;
  /** chance that a weekday is a home-office day */
  homeOfficeChance: number;
  /** M-Bus and meter identities (hex-encoded ASCII in the telegram) */
  meterSerial: string;
  gasSerial: string;
  waterSerial: string;
  /** starting counter values, so the numbers look like a meter that has been in use */
  startImportWh: [number, number];
  startExportWh: [number, number];
  startGasLitres: number;
  startWaterLitres: number;
}

export function createHousehold(seed: number, options: HouseholdOptions = {}): Household {
  const rng = new Prng(mixSeed(seed, 0x4f5553)); // 'HOUS'
  const digits = (n: number) => String(rng.int(10 ** (n - 1), 10 ** n - 1));
  return {
    seed,
    standbyW: rng.int(90, 160),
    pvKwp: options.pvKwp ?? Math.round(rng.range(3.5, 6) * 10) / 10,
    heatPump: options.heatPump ?? true,
    heatLossWPerK: rng.int(140, 200),
    water: options.water ?? false,
    persons: rng.int(2, 4),
    homeOfficeChance: rng.range(0.2, 0.5),
    meterSerial: `1SAG${digits(10)}`,
    gasSerial: `7FLO${digits(10)}`,
    waterSerial: `3WAT${digits(10)}`,
    startImportWh: [rng.int(2_000_000, 9_000_000), rng.int(2_000_000, 9_000_000)],
    startExportWh: [rng.int(100_000, 3_000_000), rng.int(50_000, 1_000_000)],
    startGasLitres: rng.int(500_000, 9_000_000),
    startWaterLitres: rng.int(100_000, 900_000),
  };
}
