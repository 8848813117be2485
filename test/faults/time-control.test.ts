/**
 * Time as the control path meets it, on the EV scenario (P1 simulator's house, the charger
 * simulator over real HTTP, the EV role with the NRGkick driver, the site broker on every
 * telegram): a car charging across both DST changes, and the machine's wall clock stepping an hour
 * forward and back (as NTP does after a bad start) under the monotonic control clock. The wall
 * clock is injected into this process (Date.now), never set on the machine.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PeakMonitor } from '../../main/peak/peak-monitor.js';
import type { ClosedQuarter } from '../../shared/peak/quarter-state.js';
import { brusselsDateKey } from '../../shared/time/brussels.js';
import { EvScenario, importWh } from '../support/ev-scenario.js';

let scenario: EvScenario | null = null;
afterEach(async () => {
  vi.restoreAllMocks();
  await scenario?.close();
  scenario = null;
});

// 3 x 230 V x 16 A: the car in mode "now" on a 40 A fuse draws 11.04 kW
const FULL_KW = 11.04;

async function chargingFrom(start: number): Promise<EvScenario> {
  scenario = new EvScenario({ grid: '3x400', seed: 11, start, fuseA: 40, targetKw: 20, mode: 'now' });
  await scenario.open();
  await scenario.run(2);
  scenario.plug(20);
  // the first grant and the car's ramp
  await scenario.run(15);
  expect(scenario.seconds.at(-1)).toMatchObject({ currentSetA: 16, paused: false });
  return scenario;
}

/** Run `n` seconds, collecting the quarters a second PeakMonitor (the product's) closes on the same telegrams. */
async function runCollecting(s: EvScenario, n: number): Promise<ClosedQuarter[]> {
  const monitor = new PeakMonitor({});
  const closed: ClosedQuarter[] = [];
  await s.run(n, (second) => { closed.push(...monitor.update(second.telegram).closed); });
  return closed;
}

describe('a car charging across the DST changes', () => {
  for (const change of [
    { name: 'spring (29 March 2026, 02:00 -> 03:00)', start: Date.UTC(2026, 2, 29, 0, 40), change: Date.UTC(2026, 2, 29, 1), local: ['01:59', '03:00'] },
    { name: 'autumn (25 October 2026, 03:00 -> 02:00)', start: Date.UTC(2026, 9, 25, 0, 40), change: Date.UTC(2026, 9, 25, 1), local: ['02:59', '02:00'] },
  ]) {
    it(`${change.name}: charges on without a pause, every quarter is 15 minutes of UTC with the car's 2.76 kWh in it`, async () => {
      const s = await chargingFrom(change.start);
      const from = s.seconds.length;
      // 00:40:17 to 01:20:17 UTC: the change is at 01:00:00 UTC
      const quarters = await runCollecting(s, 2400);
      const run = s.seconds.slice(from);
      // the local clock jumped (spring) or went back (autumn) at 01:00 UTC; control did not notice
      const at = (utc: number) => new Date(utc).toLocaleTimeString('en-GB', { timeZone: 'Europe/Brussels', hour: '2-digit', minute: '2-digit' });
      expect([at(change.change - 1000), at(change.change)]).toEqual(change.local);
      expect(run.some((sec) => sec.telegram.time === change.change)).toBe(true);
      expect(run.filter((sec) => sec.paused || sec.currentSetA !== 16)).toEqual([]);
      // 00:45, 01:00 and 01:15 UTC close within the run (00:40 started part-way and is incomplete)
      const complete = quarters.filter((q) => q.complete);
      expect(complete.map((q) => new Date(q.start).toISOString().slice(11, 16))).toEqual(['00:45', '01:00']);
      for (const q of complete) {
        expect(q.end - q.start).toBe(900_000);
        // the car's share of the quarter: the meter minus its twin without the car, same seconds
        const inQuarter = s.seconds.filter((sec) => sec.telegram.time! >= q.start && sec.telegram.time! <= q.end);
        const withCar = importWh(inQuarter.at(-1)!.telegram) - importWh(inQuarter[0]!.telegram);
        const without = importWh(inQuarter.at(-1)!.twin) - importWh(inQuarter[0]!.twin);
        // by hand: 11.04 kW x 0.25 h = 2.76 kWh (the meter's 1 Wh resolution at each end)
        expect(Math.abs(withCar - without - FULL_KW * 250)).toBeLessThanOrEqual(3);
      }
      // the Brussels day of the whole run is one day: 29 March / 25 October
      expect(new Set(run.map((sec) => brusselsDateKey(sec.telegram.time!))).size).toBe(1);
    }, 300_000);
  }
});

describe('the wall clock steps under the monotonic control clock', () => {
  it('an hour forward, two back, one forward again while charging: nothing changes; then the meter goes silent and the car is paused within 3 s of monotonic time whatever the wall clock says', async () => {
    const s = await chargingFrom(Date.UTC(2026, 0, 14, 19, 0));
    let wallOffset = 0;
    const realNow = Date.now.bind(Date);
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + wallOffset);
    const from = s.seconds.length;
    await s.run(60);
    wallOffset = 3_600_000;
    await s.run(60);
    wallOffset = -3_600_000;
    await s.run(60);
    wallOffset = 0;
    await s.run(60);
    const run = s.seconds.slice(from);
    expect(run.filter((sec) => sec.paused || sec.currentSetA !== 16)).toEqual([]);
    // the car drew full power all along: the meter minus its twin over the 240 s
    const carWh = importWh(run.at(-1)!.telegram) - importWh(run[0]!.telegram) - (importWh(run.at(-1)!.twin) - importWh(run[0]!.twin));
    // by hand: 11.04 kW x 239 s / 3600 = 732.9 Wh
    expect(Math.abs(carWh - (FULL_KW * 239) / 3.6)).toBeLessThanOrEqual(3);

    // the meter goes silent while the wall clock jumps back an hour: no telegram, no grant
    wallOffset = -3_600_000;
    const silentAt = s.timers.now();
    let pausedAfterMs: number | null = null;
    for (let i = 0; i < 10 && pausedAfterMs === null; i++) {
      s.timers.advance(500);
      await s.settle();
      if (s.sim.current().paused) pausedAfterMs = s.timers.now() - silentAt;
    }
    console.log(`wall clock steps: charging unchanged through +1 h / -1 h; paused ${pausedAfterMs} ms (monotonic) after the last telegram`);
    expect(pausedAfterMs).not.toBeNull();
    expect(pausedAfterMs!).toBeLessThanOrEqual(3500);
  }, 300_000);
});
