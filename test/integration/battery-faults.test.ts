/**
 * Faults around the battery role on a simulated evening (the house imports 2 kW, the battery
 * covers it): the Modbus device gone or too slow, the broker's grants stopping, the meter falling
 * silent. Each time: a safe state, a message for people, and recovery when the fault ends.
 */
import { describe, expect, it } from 'vitest';
import type { BatteryHealth } from '../../main/battery/battery.js';
import type { SupervisedBattery } from '../../main/battery/sunspec/supervised-battery.js';
import { REVERT_S, runDay, type DayContext } from '../support/battery-day.js';

const start = Date.parse('2026-01-20T17:00:00Z'); // 18:00 Brussels
const evening = { start, stepS: 10, house: () => 2, monthPeakKw: 5, battery: { socPct: 80 } };
const stepAt = (ctx: DayContext, minutes: number) => ctx.t === start + minutes * 60_000;

function healthBecomes(b: SupervisedBattery, state: BatteryHealth['state']): Promise<BatteryHealth> {
  if (b.health().state === state) return Promise.resolve(b.health());
  return new Promise((resolve) => {
    const off = b.onHealth((h) => { if (h.state === state) { off(); resolve(h); } });
  });
}

describe('battery faults', { timeout: 120_000 }, () => {
  it('device gone: the revert timeout idles it, the state says why, and control resumes when it is back', async () => {
    const seen: Record<string, unknown> = {};
    await runDay({
      ...evening, hours: 0.25,
      each: async (ctx) => {
        const sim = ctx.sim!;
        if (stepAt(ctx, 2)) {
          expect(sim.battery.powerKw(ctx.t)).toBeCloseTo(-2, 6); // covering the house
          await sim.gone();
        }
        if (stepAt(ctx, 3)) {
          seen.link = ctx.controller!.state().link;
          seen.forcedAfter60s = sim.battery.forced;
        }
        // the last write was at most 40 s before it went (a third of the revert timeout): by +3 min it reverted
        if (stepAt(ctx, 2 + 3 * REVERT_S / 60 / 2)) seen.forcedAfterRevert = sim.battery.forced;
        if (stepAt(ctx, 6)) {
          const up = healthBecomes(ctx.battery!, 'ok');
          await sim.back();
          await up;
        }
        if (stepAt(ctx, 7)) {
          seen.resumed = sim.battery.powerKw(ctx.t);
          seen.linkAfter = ctx.controller!.state().link;
        }
      },
    });
    expect(seen.link).toEqual({ state: 'error', message: expect.stringMatching(/(closed the connection|Nothing accepts Modbus TCP|did not answer in time).*retrying by itself/is) });
    expect(seen.forcedAfterRevert).toBe(false);
    expect(seen.resumed).toBeCloseTo(-2, 6);
    expect(seen.linkAfter).toEqual({ state: 'ok', message: null });
  });

  it('device too slow: reported as not answering in time, and recovered when it answers again', async () => {
    const seen: Record<string, unknown> = {};
    await runDay({
      ...evening, hours: 0.1, timeoutMs: 300,
      each: async (ctx) => {
        const sim = ctx.sim!;
        if (stepAt(ctx, 1)) sim.faults.slowMs = 600;
        if (stepAt(ctx, 2)) seen.link = ctx.controller!.state().link;
        if (stepAt(ctx, 3)) {
          sim.faults.slowMs = 0;
          await healthBecomes(ctx.battery!, 'ok');
        }
        if (stepAt(ctx, 4)) seen.resumed = sim.battery.powerKw(ctx.t);
      },
    });
    expect(seen.link).toEqual({ state: 'error', message: expect.stringMatching(/did not answer in time.*retrying by itself/s) });
    expect(seen.resumed).toBeCloseTo(-2, 6);
  });

  it('no fresh grant, or no fresh meter data: idle at once, then back to work', async () => {
    const seen: Record<string, unknown> = {};
    await runDay({
      ...evening, hours: 0.1,
      each: (ctx) => {
        const sim = ctx.sim!;
        if (stepAt(ctx, 1)) ctx.link.silent = true;
        if (stepAt(ctx, 1.5)) seen.noGrant = { kw: sim.battery.powerKw(ctx.t), reason: ctx.controller!.state().reason.code };
        if (stepAt(ctx, 2)) ctx.link.silent = false;
        if (stepAt(ctx, 3)) ctx.meterSilent = true;
        if (stepAt(ctx, 3.5)) seen.noMeter = { kw: sim.battery.powerKw(ctx.t), reason: ctx.controller!.state().reason.code };
        if (stepAt(ctx, 4)) ctx.meterSilent = false;
        if (stepAt(ctx, 5)) seen.back = sim.battery.powerKw(ctx.t);
      },
    });
    expect(seen.noGrant).toEqual({ kw: 0, reason: 'no-grant' });
    expect(seen.noMeter).toEqual({ kw: 0, reason: 'no-grant' });
    expect(seen.back).toBeCloseTo(-2, 6);
  });
});

describe('battery modes', { timeout: 120_000 }, () => {
  it('hold holds 0 kW, off hands the battery back to its own mode, auto takes it again', async () => {
    const seen: Record<string, unknown> = {};
    await runDay({
      ...evening, hours: 0.1,
      each: (ctx) => {
        const sim = ctx.sim!;
        if (stepAt(ctx, 1)) { seen.auto = sim.battery.powerKw(ctx.t); ctx.controller!.setMode('hold', ctx.t); }
        if (stepAt(ctx, 2)) { seen.hold = { kw: sim.battery.powerKw(ctx.t), forced: sim.battery.forced }; ctx.controller!.setMode('off', ctx.t); }
        if (stepAt(ctx, 3)) { seen.off = { forced: sim.battery.forced, demanded: ctx.link.demands.has('battery') }; ctx.controller!.setMode('auto', ctx.t); }
        if (stepAt(ctx, 4)) seen.back = sim.battery.powerKw(ctx.t);
      },
    });
    expect(seen.auto).toBeCloseTo(-2, 6);
    expect(seen.hold).toEqual({ kw: 0, forced: true });
    expect(seen.off).toEqual({ forced: false, demanded: false });
    expect(seen.back).toBeCloseTo(-2, 6);
  });
});
