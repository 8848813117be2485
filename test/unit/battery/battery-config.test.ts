import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { batteryNotices } from '../../../main/config/battery-schema.js';
import { ConfigError } from '../../../main/config/errors.js';
import { loadConfig } from '../../../main/config/load.js';

function load(battery: unknown) {
  const dir = mkdtempSync(join(tmpdir(), 'dm-battery-config-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ battery }));
  return loadConfig(file);
}

function problems(battery: unknown): string {
  try {
    load(battery);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('accepted');
}

describe('battery configuration and the Belgian limits', () => {
  it('accepts a 10 kVA inverter on three phases and a 5 kVA one on a single phase, with the defaults', () => {
    expect(load({ type: 'sunspec', host: '192.0.2.10', inverterKva: 10 }).config.battery).toMatchObject({
      port: 502, unitId: 1, phases: 3, mode: 'auto', reservePct: 10, revertSeconds: 60, powerSign: 'discharge-positive',
    });
    expect(load({ type: 'simulator', inverterKva: 5, phases: 1 }).config.battery).toMatchObject({ capacityKwh: 10, maxKw: 5 });
  });

  it('refuses more than the simplified procedure allows unless the approval is noted, naming the field', () => {
    expect(problems({ type: 'sunspec', host: 'inverter.local', inverterKva: 12 })).toMatch(/battery\.inverterKva.*12 kVA is above the 10 kVA of the simplified procedure on a three-phase connection \(Synergrid C10\/11\).*battery\.gridApproval/s);
    expect(problems({ type: 'simulator', inverterKva: 6, phases: 1 })).toMatch(/6 kVA is above the 5 kVA .* single-phase/);
    const approved = load({ type: 'sunspec', host: 'inverter.local', inverterKva: 12, gridApproval: 'Fluvius 2026-0412' }).config.battery!;
    expect(batteryNotices(approved)[0]).toBe('warning: 12 kVA is above the simplified procedure\'s 10 kVA; approval noted: Fluvius 2026-0412');
  });

  it('reminds of the certified battery, the schematic, the registration with Fluvius and quarter-hour metering', () => {
    const notices = batteryNotices(load({ type: 'simulator', inverterKva: 5 }).config.battery!);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/certified battery.*schematic.*Fluvius.*quarter-hour metering/);
  });

  it('refuses a device id that could be an object key trap', () => {
    expect(problems({ type: 'simulator', inverterKva: 5, device: '__proto__' })).toMatch(/battery\.device/);
  });
});
