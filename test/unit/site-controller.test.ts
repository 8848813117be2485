import { describe, expect, it } from 'vitest';
import type { Telegram } from '../../shared/p1/telegram.js';
import type { SiteGrant } from '../../shared/site/contract.js';
import { grantIsFresh } from '../../shared/site/contract.js';
import { StateHub } from '../../main/bus/state-hub.js';
import { DemandBook } from '../../main/site/demand-book.js';
import { inProcessLink } from '../../main/site/in-process-link.js';
import { SiteController } from '../../main/site/site-controller.js';
import { captureLog } from '../support/capture-log.js';
import { ManualTimers } from '../support/manual-timers.js';
import { quarterState } from '../support/quarter-state.js';

const T0 = Date.parse('2026-03-02T10:00:00Z');

function telegram(time: number, importKw: number): Telegram {
  return {
    time, powerKw: { import: importKw, export: 0 },
    phases: [1, 2, 3].map((phase) => ({ phase: phase as 1 | 2 | 3, voltageV: 230, currentA: 2, importKw: importKw / 3, exportKw: 0 })),
  } as unknown as Telegram;
}

function setup() {
  const timers = new ManualTimers(0);
  const hub = new StateHub();
  const book = new DemandBook(() => timers.now());
  const site = new SiteController({
    fuse: { grid: '3x400', phases: 3, amps: 25 }, book, hub, monoNow: () => timers.now(), log: captureLog().log,
    setTimer: (fn, ms) => timers.setTimeout(fn, ms), clearTimer: (h) => timers.clearTimeout(h),
  });
  const link = inProcessLink(book, () => timers.now());
  const grants: Array<[SiteGrant, number]> = [];
  link.onGrant('car', (g, at) => grants.push([g, at]));
  link.demand({ device: 'car', kind: 'ev', conductors: [1, 2, 3], measuredKw: 0, band: { minKw: 0, maxKw: 11 }, class: 'plan', priority: 50, plannedKwh: 1 });
  // one telegram a second, the quarter 60 s in, E = 0.02 kWh, T = 4 kW: A = (1 - 0.02) x 3600 / 840 = 4.2 kW
  const tick = (s: number) => {
    const q = quarterState({ time: T0 + s * 1000, quarterStart: T0, elapsedS: 60 + s, energySoFarKwh: 0.02, targetKw: 4 });
    site.telegram(telegram(T0 + s * 1000, 1), q);
  };
  return { timers, hub, book, site, link, grants, tick };
}

describe('the site controller', () => {
  it('grants on every telegram through the device\'s door and publishes who gets what', () => {
    const { hub, grants, tick, timers } = setup();
    tick(0);
    // house 1 kW, A = 4.2: Q = 3.2; the plan asks 1 kWh this quarter = 4 kW: the car gets 3.2
    expect(grants).toHaveLength(1);
    expect(grants[0]![0]).toMatchObject({ device: 'car', kw: 3.2, validForMs: 2500, seq: 1, time: T0 });
    expect(hub.current.site).toMatchObject({ meterSilent: false, paused: false, baseKw: 1, devices: [{ device: 'car', door: 'local', grantedKw: 3.2 }] });
    timers.advance(1000);
    tick(1);
    expect(grants.map(([g]) => g.seq)).toEqual([1, 2]);
  });

  it('says when the meter is silent for 3 s; the last grant has expired by then', () => {
    const { hub, grants, tick, timers } = setup();
    tick(0);
    timers.advance(2999);
    expect(hub.current.site?.meterSilent).toBe(false);
    expect(grantIsFresh(grants[0]![1], grants[0]![0], timers.now())).toBe(false); // 2.5 s passed: the car is safe
    timers.advance(1);
    expect(hub.current.site).toMatchObject({ meterSilent: true, devices: [{ grantedKw: 0, reason: { code: 'meter-silent' } }] });
    tick(4);
    expect(hub.current.site?.meterSilent).toBe(false);
  });

  it('paused: telegrams flow and the state follows them, but no grant goes out until resumed', () => {
    const { hub, grants, tick, site, timers } = setup();
    site.pause();
    tick(0);
    timers.advance(1000);
    tick(1);
    expect(grants).toHaveLength(0);
    expect(hub.current.site).toMatchObject({ paused: true, time: T0 + 1000, devices: [{ grantedKw: 0, reason: { code: 'paused' } }] });
    site.resume();
    timers.advance(1000);
    tick(2);
    expect(grants).toHaveLength(1);
  });

  it('a device whose door closes leaves the published state at once', () => {
    const { hub, link, tick } = setup();
    tick(0);
    link.close();
    expect(hub.current.site?.devices).toEqual([]);
  });
});
