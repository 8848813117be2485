/**
 * Killed roles, with the whole site running: the meter role (`serve`, its P1 from a
 * serial-to-TCP box fed 40 telegrams a second from a recording) SIGKILLed 20 times at random
 * moments while an EV satellite charges a car and a battery satellite discharges; then each
 * satellite SIGKILLed.
 *
 * The meter's database is checked after every kill (SQLite's integrity_check) and, at the end,
 * compared table by table with an uninterrupted replay of the same recording (as
 * test/integration/crash-safety.test.ts does for replay): the feed resumes after the telegram the
 * database last holds, so both saw the same telegrams. The devices are checked from the
 * simulators' records: safe within 3 s of the last telegram their satellite saw at every kill;
 * the battery back in its own mode by its revert timeout when its satellite dies, the car stopped
 * by the charger itself at its energy lease when the EV satellite dies; running again after every
 * restart.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monoMs } from '../support/faults/fault-proxy.js';
import { until } from './support/garage-harness.js';
import { integrity, ledgerTables, prng, replayInto, simulatedRecording, withoutRunningQuarter } from './support/ledger-tables.js';
import { P1Feeder, storedLastTelegramTime, telegramsOf } from './support/p1-feeder.js';
import { EV_LEASE, SATELLITE_NAME, Site } from './support/site.js';

const SAFE_BOUND_MS = 3000;
const REVERT_S = 10;
const KILL_PHASE_TELEGRAMS = 3000;
const HELD_DOWN_MS = 4500;
const figures: string[] = [];
const secondsAfter = (t: number | null, from: number) => (t === null ? '-' : `${((t - from) / 1000).toFixed(1)} s`);

describe('killed roles: the meter 20 times under load, then each satellite', () => {
  let site: Site;
  let feeder: P1Feeder;
  let recording: string;

  beforeAll(async () => {
    // a simulated winter evening from 18:52:30 Brussels time (mid-quarter): the house imports,
    // so the battery is granted a discharge; the car charges in mode "now". The first 50 minutes
    // go 40 telegrams a second through the kills; the rest ten a second for the satellites' kills.
    const text = simulatedRecording({ seed: 4, start: '2026-01-14T18:52:30', duration: '120m' });
    feeder = new P1Feeder(telegramsOf(text), 25);
    feeder.limit = KILL_PHASE_TELEGRAMS;
    const feederPort = await feeder.listen();
    site = await Site.start({ p1: { type: 'tcp', host: '127.0.0.1', port: feederPort }, revertSeconds: REVERT_S });
    recording = join(site.dir, 'evening-50m.txt');
    writeFileSync(recording, Buffer.concat(feeder.telegrams.slice(0, KILL_PHASE_TELEGRAMS).map((t) => t.bytes)));
    await site.startMeter();
    await site.startSatellite('ev');
    await site.startSatellite('battery');
  }, 180_000);

  afterAll(async () => {
    await site?.stop();
    await feeder?.close();
    if (figures.length) console.log(['faults, killed roles:', ...figures].join('\n  '));
  });

  const r = () => site.garage.records;
  const bothRunning = () => r().chargerRunning() && r().batteryRunning();

  it('the meter SIGKILLed 20 times at random moments: no corrupted database, the devices safe each time, the totals exact', async () => {
    await until('the charger charging and the battery discharging', bothRunning, 150_000);
    const from = monoMs();
    const random = prng(20261202);
    const resumePoints = new Set<number | null>();
    for (let i = 0; i < 20; i++) {
      await until(`the feed reaching meter run ${i + 1}`, () => feeder.sentOnThisConnection >= 1, 60_000);
      // 1.6 to 4 s into its work (64 to 160 telegrams): past its first commit (one a minute of
      // meter time) as a rule, at any point of a minute or a quarter
      await new Promise((resolve) => setTimeout(resolve, 1600 + random() * 2400));
      await site.kill(site.meter);
      // every fifth kill keeps the meter down for 4.5 s, so the satellites see telegrams stop for
      // longer than the 3 s bound whatever this machine's speed (a quick restart hides the kill
      // from them); the first falls while both devices run, so each is seen going safe from running
      if (i % 5 === 0) await new Promise((resolve) => setTimeout(resolve, HELD_DOWN_MS));
      expect(integrity(site.meterDb), `the database after kill ${i + 1}`).toBe('ok');
      const stored = storedLastTelegramTime(site.meterDb);
      resumePoints.add(stored);
      feeder.resumeAfter(stored);
      await site.startMeter();
    }
    const killsEnded = monoMs();
    // the last run to the end of the 50 minutes, then a clean stop
    await until('the 50 minutes fed', () => feeder.done, 180_000);
    // the meter takes a telegram in milliseconds; the clean stop commits what it holds
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await site.meter!.stop();

    const reference = join(site.dir, 'reference.sqlite');
    replayInto(recording, reference);
    const lastTime = feeder.telegrams[KILL_PHASE_TELEGRAMS - 1]!.time;
    const expected = withoutRunningQuarter(ledgerTables(reference), lastTime);
    // 18:52:30 to 19:42:29: the quarters 18:45 (joined midway), 19:00 and 19:15; 19:30 still runs
    expect(expected.quarters.length).toBe(3);
    const got = withoutRunningQuarter(ledgerTables(site.meterDb), lastTime);
    for (const key of Object.keys(expected) as Array<keyof typeof expected>) expect(got[key], key).toEqual(expected[key]);
    // the kills fell at many points of the work (a kill before a run's first commit repeats a point)
    expect(resumePoints.size, 'distinct resume points over the 20 kills').toBeGreaterThanOrEqual(10);

    // every stop of telegrams of over 3 s that began during the kills: the device safe within 3 s
    const lines: string[] = [];
    for (const [kind, satellite] of [['charger', SATELLITE_NAME.ev], ['battery', SATELLITE_NAME.battery]] as const) {
      const gaps = r().gaps(kind, satellite, from, killsEnded, SAFE_BOUND_MS, monoMs());
      // kills 1, 6, 11 and 16 held the meter down: at least those four outages
      expect(gaps.length, `telegrams stopping for ${satellite}`).toBeGreaterThanOrEqual(4);
      for (const gap of gaps) expect(gap.safeAfterMs, `${kind} made safe after a kill`).not.toBeNull();
      const times = gaps.map((g) => g.safeAfterMs!).filter((ms) => ms > 0).sort((a, b) => a - b);
      for (const ms of times) expect(ms).toBeLessThan(SAFE_BOUND_MS);
      // the first kill found the device running: it was made safe, not merely found safe
      expect(times.length, `${kind} made safe from running at least once`).toBeGreaterThan(0);
      lines.push(`${kind}: ${gaps.length} outages, made safe ${times.length} times (the others: already safe), ${times.length ? `${(times[0]! / 1000).toFixed(2)} to ${(times.at(-1)! / 1000).toFixed(2)} s` : '-'} after the last telegram`);
    }
    // restarted (now ten telegrams a second): the devices run again
    feeder.limit = feeder.telegrams.length;
    feeder.intervalMs = 100;
    const restartAt = monoMs();
    await site.startMeter();
    await until('both devices running again after the restart', () => bothRunning() && r().charger.at(-1)!.t > restartAt && r().battery.at(-1)!.t > restartAt, 240_000);
    const back = Math.max(r().charger.at(-1)!.t, r().battery.at(-1)!.t);
    figures.push(`meter SIGKILLed 20 times (${resumePoints.size} resume points; database intact each time, tables equal to an uninterrupted replay): ${lines.join('; ')}; restarted, both running again ${((back - restartAt) / 1000).toFixed(0)} s later (first running command: charger ${secondsAfter(r().firstRunning('charger', restartAt), restartAt)}, battery ${secondsAfter(r().firstRunning('battery', restartAt), restartAt)})`);
    console.log(figures.at(-1));
    // the satellites follow the restarted meter's grants (numbered from 1 again) at once: the
    // battery within seconds, the car after its 60 s minimum off time at most (it was paused at
    // the clean stop just before). They once ignored them for as long as the meter had run before.
    const batteryBack = r().firstRunning('battery', restartAt);
    const chargerBack = r().firstRunning('charger', restartAt);
    expect(batteryBack, 'the battery running again').not.toBeNull();
    expect(chargerBack, 'the charger running again').not.toBeNull();
    expect(batteryBack! - restartAt, 'ms to the battery\'s first running command after the restart').toBeLessThan(20_000);
    expect(chargerBack! - restartAt, 'ms to the charger\'s first running command after the restart').toBeLessThan(80_000);
  }, 900_000);

  it('the battery satellite SIGKILLed mid-discharge: the inverter back in its own mode by its revert timeout; restarted, it discharges again', async () => {
    await until('the battery discharging', () => r().batteryRunning(), 150_000);
    const killedAt = monoMs();
    await site.kill(site.satellites.get('battery')!);
    const lastWrite = r().battery.at(-1)!;
    expect(lastWrite.kw).not.toBeNull();
    const revertsBefore = r().reverts.length;
    await until('the inverter back in its own mode', () => r().reverts.length > revertsBefore, (REVERT_S + 10) * 1000);
    // the simulator reverts exactly REVERT_S after the last write (its model); noticed within its 100 ms check
    const revertedAt = r().reverts.at(-1)!;
    expect(revertedAt - lastWrite.t).toBeGreaterThanOrEqual(REVERT_S * 1000);
    expect(revertedAt - killedAt).toBeLessThan(REVERT_S * 1000 + 2000);
    // and nothing wrote to it after the kill
    expect(r().battery.filter((b) => b.t > killedAt)).toEqual([]);
    const restartAt = monoMs();
    await site.startSatellite('battery');
    await until('the battery discharging again', () => r().batteryRunning() && r().battery.at(-1)!.t > restartAt, 60_000);
    const back = r().battery.at(-1)!.t;
    figures.push(`battery satellite SIGKILLed: its last write ${((killedAt - lastWrite.t) / 1000).toFixed(2)} s before the kill, the inverter in its own mode ${((revertedAt - killedAt) / 1000).toFixed(2)} s after it (revert timeout ${REVERT_S} s); restarted, discharging again ${((back - restartAt) / 1000).toFixed(1)} s after the restart`);
    console.log(figures.at(-1));
  }, 180_000);

  it('the EV satellite SIGKILLed while charging: the charger stops the car by itself when its energy lease runs out; restarted, the satellite takes it over and the car charges again', async () => {
    // the car charging (16 A = 3 x 230 V x 16 A = 11.04 kW when the budget allows it all), and a
    // lease written at the power it draws since its last change
    await until('the car charging', () => r().chargerRunning() && r().carKw() > 1, 150_000);
    await until('a lease renewed at the power the car draws', () => r().energyLimits.some((w) => w.t > r().car.at(-1)!.t), 30_000);
    const kw = r().carKw();
    const killedAt = monoMs();
    await site.kill(site.satellites.get('ev')!);
    const lease = r().energyLimits.at(-1)!;
    // the NRGkick's local API has no command timeout; its energy limit is the dead-man: the lease
    // is 15 s of the commanded power (at 11.04 kW: 11.04 x 15 / 3.6 = 46 Wh) above the energy the
    // satellite last read (up to a poll, 1.5 s, before the write), so at the power it was set for
    // the car reaches it within 15 s of the write, then falls in 0.8 s at most (16 A at 20 A/s),
    // seen by the harness within 0.1 s
    const leaseWh = Math.max(EV_LEASE.minWh, (kw * EV_LEASE.seconds) / 3.6);
    await until('the car stopped by the charger itself', () => r().carStoppedAfter(killedAt) !== null, (46 / kw) * 3600 + 15_000);
    const stop = r().carStoppedAfter(killedAt)!;
    expect(stop.warning).toBe('ENERGY_LIMIT_REACHED');
    expect(stop.limitWh).toBe(lease.limitWh);
    // nobody commanded it: no write reached the charger after the kill
    expect(r().charger.filter((c) => c.t > killedAt)).toEqual([]);
    expect(r().energyLimits.filter((w) => w.t > killedAt)).toEqual([]);
    // the lease left the car at most 46 Wh (15 s at the 11.04 kW of 16 A, the most it draws here),
    // and the car, drawing `kw` from the lease's write to its stop (no command in between), used
    // them up in remaining / kw x 3.6 s, then fell and was seen (1 s for a loaded machine's timers)
    const remainingWh = lease.limitWh - lease.sessionWh;
    expect(remainingWh).toBeLessThanOrEqual(46);
    const expectedMs = (remainingWh / kw) * 3600 + 800 + 100;
    expect(stop.t - lease.t).toBeLessThan(expectedMs + 1000);
    // what it charged past the limit: the fall, 16 A -> 0 in 0.8 s at 11.04 kW on average half = 1.2 Wh
    expect(stop.sessionWh - lease.limitWh).toBeLessThan(2);
    const restartAt = monoMs();
    await site.startSatellite('ev');
    const conns = () => r().conns(SATELLITE_NAME.ev);
    const grantedAgain = () => r().grants.find((g) => g.t > restartAt && conns().has(g.conn) && g.grant.device === 'garage');
    await until('grants for the charger again', () => grantedAgain() !== undefined, 60_000);
    // the restarted satellite takes the reached limit for a dead controller's lease and raises it: the car draws again
    const drawingAgain = () => r().car.find((c) => c.t > restartAt && c.kw > 1);
    await until('the car drawing again under the restarted satellite', () => drawingAgain() !== undefined, 150_000);
    expect(drawingAgain()!.warning).toBe('NO_WARNING');
    expect(drawingAgain()!.limitWh).toBeGreaterThan(lease.limitWh);
    figures.push(`EV satellite SIGKILLed while charging at ${kw.toFixed(2)} kW: the charger stopped the car by itself (ENERGY_LIMIT_REACHED, no command) ${((stop.t - killedAt) / 1000).toFixed(2)} s after the kill, ${((stop.t - lease.t) / 1000).toFixed(2)} s after the last lease write, which left it ${remainingWh.toFixed(1)} Wh (${((remainingWh / kw) * 3.6).toFixed(1)} s at that power; lease ${EV_LEASE.seconds} s = ${leaseWh.toFixed(0)} Wh, renewed every ${EV_LEASE.renewSeconds} s), ${(stop.sessionWh - lease.limitWh).toFixed(1)} Wh past it; restarted, grants ${((grantedAgain()!.t - restartAt) / 1000).toFixed(1)} s and the car drawing again ${((drawingAgain()!.t - restartAt) / 1000).toFixed(1)} s after the restart`);
    console.log(figures.at(-1));
  }, 300_000);
});
