/**
 * Serial faults on the live path: the P1 cable is a socat pseudo-terminal pair read by the meter
 * role (`serve`, p1 type serial) while the whole site runs (an EV and a battery satellite, each
 * driving its simulator). Telegrams from the P1 simulator's recording are written into the cable
 * on a fast clock (one every 100 ms: ten meter seconds a second). Faults: the cable pulled out
 * for 10 s and put back; bursts of random bytes between telegrams and inside one; 5 s of what a
 * UART at 9600 baud makes of the meter's 115200; and 10 minutes of the meter's silence (60 s on
 * this clock). Checked: each device safe within 3 s of the last telegram its satellite saw
 * whenever telegrams stop, running again after; and, at the end, the meter's ledger equal table by
 * table to a replay of exactly the telegrams that went down the cable whole.
 */
import { mkdtempSync, readlinkSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monoMs } from '../support/faults/fault-proxy.js';
import { haveSocat, PtyCable } from '../support/socat-pty.js';
import { safeWords } from './support/device-records.js';
import { until } from './support/garage-harness.js';
import { ledgerTables, prng, replayInto, simulatedRecording, withoutRunningQuarter } from './support/ledger-tables.js';
import { telegramsOf, type Telegram } from './support/p1-feeder.js';
import { SATELLITE_NAME, Site } from './support/site.js';
import { misreadAtBaud } from './support/uart.js';

if (!haveSocat) console.log('faults (serial) skipped: socat is not installed (apt-get install socat)');

const INTERVAL_MS = 100;
const SAFE_BOUND_MS = 3000;
const figures: string[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** whether process `pid` has the pseudo-terminal behind `path` open (the meter reading the cable) */
function hasOpen(pid: number, path: string): boolean {
  let device: string;
  try { device = realpathSync(path); } catch { return false; }
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => { try { return readlinkSync(`/proc/${pid}/fd/${fd}`) === device; } catch { return false; } });
  } catch {
    return false;
  }
}

describe.skipIf(!haveSocat || process.platform !== 'linux')('serial faults on the live path, the whole site running', () => {
  let site: Site;
  let cable: PtyCable;
  let cableDir: string;
  let telegrams: Telegram[];
  let next = 0;
  /** the telegrams that went down the cable whole, in order: what the ledger must hold */
  const whole: Buffer[] = [];
  const random = prng(22);

  beforeAll(async () => {
    telegrams = telegramsOf(simulatedRecording({ seed: 5, start: '2026-01-15T18:50:10', duration: '60m' }));
    cableDir = mkdtempSync(join(tmpdir(), 'dm-faults-cable-'));
    cable = new PtyCable(cableDir);
    await cable.plugIn();
    site = await Site.start({ p1: { type: 'serial', port: cable.meterPath }, revertSeconds: 10 });
    await site.startMeter();
    await site.startSatellite('ev');
    await site.startSatellite('battery');
    await until('the meter reading the cable', () => hasOpen(site.meter!.child.pid!, cable.meterPath), 60_000);
  }, 180_000);

  afterAll(async () => {
    await site?.stop();
    await cable?.pullOut();
    if (cableDir) rmSync(cableDir, { recursive: true, force: true });
    if (figures.length) console.log(['faults, serial (time to the safe state, from the last telegram the satellite saw):', ...figures].join('\n  '));
  });

  const r = () => site.garage.records;
  const bothRunning = () => r().chargerRunning() && r().batteryRunning();

  /** the meter's next telegram, written whole (or, with `write`, as that function has it; not whole) */
  async function send(write?: (bytes: Buffer) => Buffer): Promise<void> {
    const telegram = telegrams[next++]!;
    if (!telegram) throw new Error('the recording ran out');
    if (write) cable.write(write(telegram.bytes));
    else { cable.write(telegram.bytes); whole.push(telegram.bytes); }
    await sleep(INTERVAL_MS);
  }

  /** the meter sends while nobody hears it: its telegrams are gone */
  async function unheard(ms: number): Promise<void> {
    const until = monoMs() + ms;
    while (monoMs() < until) { next++; await sleep(INTERVAL_MS); }
  }

  async function sendUntil(what: string, test: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = monoMs() + timeoutMs;
    while (!test()) {
      if (monoMs() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
      await send();
    }
  }

  /** a fault, then telegrams again until both devices run; the gaps it caused, in words */
  async function fault(name: string, during: () => Promise<void>, o: { expectSafe: boolean }): Promise<void> {
    await sendUntil(`both devices running before "${name}"`, bothRunning, 150_000);
    const from = monoMs();
    await during();
    const ended = monoMs();
    await sendUntil(`both devices running again after "${name}"`, () => bothRunning() && (!o.expectSafe || (r().charger.at(-1)!.t > ended && r().battery.at(-1)!.t > ended)), 150_000);
    const parts: string[] = [];
    for (const [kind, satellite] of [['charger', SATELLITE_NAME.ev], ['battery', SATELLITE_NAME.battery]] as const) {
      const gaps = r().gaps(kind, satellite, from - SAFE_BOUND_MS, ended, SAFE_BOUND_MS, monoMs());
      if (o.expectSafe) expect(gaps.length, `telegrams stopping for ${satellite} during "${name}"`).toBeGreaterThan(0);
      for (const gap of gaps) {
        expect(gap.safeAfterMs, `${kind} made safe during "${name}"`).not.toBeNull();
        expect(gap.safeAfterMs!).toBeLessThan(SAFE_BOUND_MS);
      }
      parts.push(gaps.length ? `${kind} ${gaps.map((g) => safeWords(g.safeAfterMs)).join(', ')}` : `${kind}: telegrams never stopped for over 3 s`);
    }
    const back = Math.max(r().charger.at(-1)!.t, r().battery.at(-1)!.t);
    figures.push(`${name}: ${parts.join('; ')}${o.expectSafe ? ` (both running again ${((back - ended) / 1000).toFixed(0)} s after it ended)` : ''}`);
    console.log(`fault "${name}": ${parts.join('; ')}`);
  }

  it('the cable pulled out for 10 s and put back', async () => {
    await fault('cable unplugged 10 s', async () => {
      await cable.pullOut();
      await unheard(10_000);
      await cable.plugIn();
      // the meter finds the cable again by itself (backoff); what is sent before it has it open is lost
      const pid = site.meter!.child.pid!;
      const deadline = monoMs() + 60_000;
      while (!hasOpen(pid, cable.meterPath)) {
        if (monoMs() > deadline) throw new Error('the meter did not open the cable again within 60 s');
        await unheard(INTERVAL_MS);
      }
    }, { expectSafe: true });
  }, 400_000);

  it('bursts of random bytes between telegrams and inside one', async () => {
    const garbage = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
    await fault('garbage bursts for 20 s', async () => {
      for (let i = 0; i < 200; i++) {
        if (i % 5 === 0) cable.write(garbage(64 + Math.floor(random() * 960)));
        // one telegram with a burst in its middle: its CRC fails, it must be dropped
        if (i === 100) await send((bytes) => Buffer.concat([bytes.subarray(0, 200), garbage(100), bytes.subarray(200)]));
        else await send();
      }
    }, { expectSafe: false });
  }, 400_000);

  it('5 s of what a UART at 9600 baud reads from the meter\'s 115200', async () => {
    await fault('wrong baud for 5 s', async () => {
      for (let i = 0; i < 50; i++) await send((bytes) => misreadAtBaud(bytes, 115200, 9600));
    }, { expectSafe: true });
  }, 400_000);

  it('10 minutes of silence on the fast clock (60 s), then the ledger equal to a replay of the telegrams that went down whole', async () => {
    await fault('meter silent 10 min (fast clock)', () => unheard(60_000), { expectSafe: true });
    for (let i = 0; i < 20; i++) await send();
    await sleep(2000);
    await site.meter!.stop();
    const recording = join(site.dir, 'whole.txt');
    writeFileSync(recording, Buffer.concat(whole));
    const reference = join(site.dir, 'reference.sqlite');
    replayInto(recording, reference);
    const lastTime = telegrams[next - 1]!.time;
    const expected = withoutRunningQuarter(ledgerTables(reference), lastTime);
    const got = withoutRunningQuarter(ledgerTables(site.meterDb), lastTime);
    for (const key of Object.keys(expected) as Array<keyof typeof expected>) expect(got[key], key).toEqual(expected[key]);
    // from 18:50:10, past 19:15 at least (three waits of 60 s or more at ten meter seconds a second
    // for the car's minimum off time alone): the 18:45 quarter (joined midway) and 19:00 closed
    expect(expected.quarters.length).toBeGreaterThanOrEqual(2);
    figures.push(`ledger: ${whole.length} whole telegrams of ${next} sent (meter time ${new Date(telegrams[0]!.time).toISOString()} to ${new Date(lastTime).toISOString()}); its ${expected.quarters.length} quarters, ${expected.days.length} day(s) and month peak equal to a replay of those`);
    console.log(figures.at(-1));
  }, 400_000);
});
