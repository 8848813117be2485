import { z } from 'zod';
import { deviceIdSchema } from '../../shared/site/contract.js';
import { tripNeedSchema } from './trips-schema.js';

/**
 * The `ev` section (issue 17): the cars, the chargers and how the controller behaves. Ids are
 * the site's device ids (shared/site/contract.ts) and are looked up through Maps, never as
 * object keys. Absent or empty: no EV role work (the demo adds a simulated charger itself).
 */
const httpSocSourceSchema = z.object({
  type: z.literal('http'),
  /** a URL answering JSON, e.g. a vehicle bridge */
  url: z.string().regex(/^https?:\/\/[^\s]+$/, 'an http:// or https:// URL'),
  /** dot path to the percentage in the answer, e.g. "battery.soc" */
  path: z.string().regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, 'dot-separated names, e.g. battery.soc'),
  intervalSeconds: z.number().min(10).max(86_400).default(300),
}).strict();

const mqttSocSourceSchema = z.object({
  type: z.literal('mqtt'),
  /** the MQTT broker, e.g. mqtt://192.168.1.10:1883 */
  url: z.string().regex(/^mqtts?:\/\/[^\s]+$/, 'an mqtt:// or mqtts:// URL'),
  /** the topic carrying the percentage, e.g. "homeassistant/sensor/car_battery/state" */
  topic: z.string().min(1).max(256).refine((t) => !/[#+]/.test(t), 'one topic, without the wildcards # or +'),
  /** dot path to the percentage when the payload is JSON; absent: the payload is the number */
  path: z.string().regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, 'dot-separated names, e.g. battery.soc').optional(),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
}).strict();

const socSourceSchema = z.discriminatedUnion('type', [httpSocSourceSchema, mqttSocSourceSchema]);

export const carSchema = z.object({
  id: deviceIdSchema,
  name: z.string().min(1).max(60),
  batteryKwh: z.number().min(5).max(300),
  maxPhases: z.union([z.literal(1), z.literal(3)]).default(3),
  maxCurrentA: z.number().min(6).max(32).default(16),
  /** energy that reaches the battery per kWh drawn */
  efficiency: z.number().min(0.5).max(1).default(0.9),
  /** below this the car is charged at once, whatever the price (an emergency trip) */
  minSocPercent: z.number().min(0).max(100).default(20),
  consumptionKwhPer100km: z.number().min(5).max(60).default(18),
  /** the trip a plug-in is assumed to prepare for when the user says nothing else */
  defaultTripKm: z.number().min(0).max(2000).default(50),
  /** a calendar trip (`@car_<id>@`) whose title gives no need: "80%" or "120km"; default: defaultTripKm */
  tripNeed: tripNeedSchema.optional(),
  socSource: socSourceSchema.optional(),
  /**
   * the state of charge (%) above which the car charges slower and slower toward full (most cars
   * from 80-95%); set, the plan leaves time for it before a trip that wants a nearly full car
   */
  taperAbovePercent: z.number().gt(0).lt(100).optional(),
}).strict();

/**
 * The dead-man on a charger's own energy limit (main/ev/energy-lease.ts): while the car may
 * charge, the limit is kept `seconds` of the commanded power (at least `minWh`) above the energy
 * charged and renewed every `renewSeconds` (sooner when half is used), so a dead controller
 * leaves the car charging for that long at most.
 */
export const energyLeaseSchema = z.object({
  seconds: z.number().min(5).max(600).default(60),
  minWh: z.number().min(1).max(2000).default(50),
  renewSeconds: z.number().min(1).max(300).default(20),
}).strict().refine((lease) => lease.renewSeconds < lease.seconds, { message: 'renewSeconds must be shorter than seconds: a lease is renewed before it runs out', path: ['renewSeconds'] });

export const chargerConfigSchema = z.object({
  id: deviceIdSchema,
  type: z.literal('nrgkick'),
  /** the charger's local address, e.g. http://192.168.1.40 (digital-meter discover prints it) */
  url: z.string().regex(/^https?:\/\/[^\s]+$/, 'an http:// URL, e.g. http://192.168.1.40'),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  maxCurrentA: z.number().min(6).max(32).default(16),
  /** phase switching is enabled in the NRGkick app */
  phaseSwitching: z.boolean().default(false),
  /** the connection's conductor the charger's L1 is wired to */
  firstPhase: z.union([z.literal(1), z.literal(2), z.literal(3)]).default(1),
  /** the car on it unless the dashboard says otherwise at plug-in */
  car: deviceIdSchema.optional(),
  mode: z.enum(['smart', 'now', 'solar', 'off']).default('smart'),
  /** without a fresh grant: 0 pauses; 6-32 keeps charging at that current (a car that must not stop) */
  safeCurrentA: z.number().min(0).max(32).refine((a) => a === 0 || a >= 6, 'either 0 (pause) or at least 6 A').default(0),
  pollSeconds: z.number().min(1).max(2).default(1.5),
  /** the NRGkick's local API has no command timeout: its energy limit is the dead-man; false turns it off */
  energyLease: z.union([z.literal(false), energyLeaseSchema]).default({ seconds: 60, minWh: 50, renewSeconds: 20 }),
}).strict();

export const evControlSchema = z.object({
  /** an increase waits this long after the last change (site-control.md "Stability") */
  increaseHoldSeconds: z.number().min(0).max(600).default(10),
  minOnSeconds: z.number().min(0).max(3600).default(60),
  minOffSeconds: z.number().min(0).max(3600).default(60),
  /** an emergency charge may raise this month's peak (the dashboard says what it costs) */
  emergencyMayRaisePeak: z.boolean().default(true),
  /** meter data older than this puts the chargers in their safe state */
  meterStaleSeconds: z.number().min(1).max(60).default(3),
}).strict();

export const evSchema = z.object({
  /** how the chargers' current becomes power (nrgkick-api.md); default: site.fuse.grid, else 3x400 (a satellite has no site section) */
  grid: z.enum(['3x400', '3x230', '1x230']).optional(),
  cars: z.array(carSchema).max(20).default([]),
  chargers: z.array(chargerConfigSchema).max(20).default([]),
  control: evControlSchema.default({ increaseHoldSeconds: 10, minOnSeconds: 60, minOffSeconds: 60, emergencyMayRaisePeak: true, meterStaleSeconds: 3 }),
}).strict().superRefine((ev, ctx) => {
  const carIds = new Set<string>();
  ev.cars.forEach((car, i) => {
    if (carIds.has(car.id)) ctx.addIssue({ code: 'custom', path: ['cars', i, 'id'], message: `car id "${car.id}" is used twice` });
    carIds.add(car.id);
  });
  const chargerIds = new Set<string>();
  ev.chargers.forEach((charger, i) => {
    if (chargerIds.has(charger.id)) ctx.addIssue({ code: 'custom', path: ['chargers', i, 'id'], message: `charger id "${charger.id}" is used twice` });
    chargerIds.add(charger.id);
    if (charger.car !== undefined && !carIds.has(charger.car)) {
      ctx.addIssue({ code: 'custom', path: ['chargers', i, 'car'], message: `no car with id "${charger.car}" in ev.cars` });
    }
  });
});

export type EvConfig = z.infer<typeof evSchema>;
export type CarConfig = z.infer<typeof carSchema>;
export type ChargerConfig = z.infer<typeof chargerConfigSchema>;
export type EvControlConfig = z.infer<typeof evControlSchema>;
export type ChargeMode = ChargerConfig['mode'];
