import { z } from 'zod';
import { deviceIdSchema } from '../../shared/site/contract.js';
import { batteryModeSchema } from '../../shared/battery/state.js';

/**
 * The `battery` section: which battery, how to reach it, and how the strategy runs it.
 * Belgian limits (Synergrid C10/11, battery-control.md): a home battery inverter up to 10 kVA on a
 * three-phase connection and 5 kVA on a single-phase one follows the simplified procedure; above
 * that the grid operator must approve it. The configuration refuses a larger inverter unless the
 * approval is noted (`gridApproval`), and then shows a warning rather than refusing a legal
 * installation.
 */
export const SIMPLIFIED_PROCEDURE_KVA = { 1: 5, 3: 10 } as const;

const common = {
  /** the device id in the site's demands and grants */
  device: deviceIdSchema.default('battery'),
  /** the inverter's rated apparent power, kVA (its nameplate) */
  inverterKva: z.number().positive().max(1000),
  /** the connection's phases the inverter is on */
  phases: z.union([z.literal(1), z.literal(3)]).default(3),
  /** the grid operator's approval reference, required above the simplified procedure's limit */
  gridApproval: z.string().min(3).max(200).optional(),
  mode: batteryModeSchema.default('auto'),
  /** never discharge at or below this SoC, % (the device's own reserve is kept too) */
  reservePct: z.number().min(0).max(100).default(10),
  /** charge from the grid on the night register up to this SoC, %; null: never */
  nightChargeToPct: z.number().min(0).max(100).nullable().default(null),
  gridChargeKw: z.number().positive().max(100).default(3),
  /** follow the quarter-hour budget (capacity tariff) */
  peakShaving: z.boolean().default(true),
  /** InOutWRte_RvrtTms: the device returns to its own mode this long after our last write */
  revertSeconds: z.number().int().min(10).max(3600).default(60),
};

export const batterySchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('sunspec'),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(502),
    unitId: z.number().int().min(0).max(255).default(1),
    /** how the device signs SunSpec 802 W (the standard leaves it open) */
    powerSign: z.enum(['discharge-positive', 'charge-positive']).default('discharge-positive'),
    timeoutMs: z.number().int().min(100).max(30_000).default(2000),
    ...common,
  }).strict(),
  z.object({
    type: z.literal('simulator'),
    capacityKwh: z.number().positive().max(1000).default(10),
    socPct: z.number().min(0).max(100).default(50),
    maxKw: z.number().positive().max(100).default(5),
    ...common,
  }).strict(),
]).superRefine((b, ctx) => {
  const limit = SIMPLIFIED_PROCEDURE_KVA[b.phases];
  if (b.inverterKva > limit && !b.gridApproval) {
    ctx.addIssue({
      code: 'custom', path: ['inverterKva'],
      message: `${b.inverterKva} kVA is above the ${limit} kVA of the simplified procedure on a ${b.phases === 3 ? 'three' : 'single'}-phase connection (Synergrid C10/11): the grid operator must approve it; once approved, note the reference in battery.gridApproval`,
    });
  }
});

export type BatteryConfig = z.infer<typeof batterySchema>;

/** What the battery setup shows people: a warning beyond the limits, and the reminder. */
export function batteryNotices(b: BatteryConfig): string[] {
  const notices: string[] = [];
  const limit = SIMPLIFIED_PROCEDURE_KVA[b.phases];
  if (b.inverterKva > limit) notices.push(`warning: ${b.inverterKva} kVA is above the simplified procedure's ${limit} kVA; approval noted: ${b.gridApproval}`);
  notices.push('reminder: only a certified battery may be connected; the installation needs an updated electrical schematic and inspection, and registration with Fluvius; dynamic prices need quarter-hour metering');
  return notices;
}
