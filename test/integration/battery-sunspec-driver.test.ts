/**
 * The SunSpec driver against the simulator on a real Modbus TCP socket, in the layouts real
 * devices have. What the driver wrote is checked in the simulator's registers at the offsets and
 * with the scale factors and symbols of ../shared/sunspec's JSON definitions (read here, not
 * taken from the generated map the driver uses).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Battery, BatteryHealth } from '../../main/battery/battery.js';
import { createSunspecBattery } from '../../main/battery/sunspec/create.js';
import type { SupervisedBattery } from '../../main/battery/sunspec/supervised-battery.js';
import { SunspecBatterySimulator, type SimulatorLayout } from '../../main/battery/simulator/sunspec-simulator.js';
import { definedPoint, haveSunspec, int16, noSunspecReason } from '../support/sunspec-definitions.js';

interface Case { name: string; layout: Partial<SimulatorLayout> }

const CASES: Case[] = [
  { name: 'base 40000, three-phase int 103, all scale factors 0 but the rates', layout: { base: 40000, inverter: 103, powerSign: 'discharge-positive' } },
  { name: 'base 0, float 113, model 120 and a vendor block before 124', layout: { base: 0, inverter: 113, before124: [120, { id: 64_101, length: 12 }], powerSign: 'charge-positive' } },
  {
    name: 'base 50000, single-phase int 101 with non-zero scale factors, 121 before 124',
    layout: {
      base: 50000, inverter: 101, before124: [121], powerSign: 'discharge-positive',
      scaleFactors: new Map([['101.W_SF', 1], ['802.W_SF', 1], ['802.SoC_SF', -1], ['802.WHRtg_SF', 1], ['802.WChaDisChaMax_SF', 1], ['124.WChaMax_SF', 1], ['124.InOutWRte_SF', -1]]),
    },
  },
  { name: 'base 40000, split-phase int 102', layout: { base: 40000, inverter: 102 } },
  { name: 'base 40000, float 111 and 112 chained before 124', layout: { base: 40000, inverter: 111, before124: [112] } },
];

const REVERT_S = 60;

let sim: SunspecBatterySimulator | null = null;
let battery: Battery | null = null;
afterEach(async () => {
  await battery?.close();
  await sim?.close();
  battery = null;
  sim = null;
});

function regAt(s: SunspecBatterySimulator, model: number, name: string): number {
  return s.image.regs[s.image.model(model).address + definedPoint(model, name).offset];
}

/** a point's value per the definition: the raw register times 10^(its sf point's register) */
function scaledAt(s: SunspecBatterySimulator, model: number, name: string): number {
  const def = definedPoint(model, name);
  const raw = def.type === 'int16' ? int16(regAt(s, model, name)) : regAt(s, model, name);
  return def.sf ? raw * 10 ** int16(regAt(s, model, def.sf)) : raw;
}

async function start(layout: Partial<SimulatorLayout>, clock: { t: number }, options: { timeoutMs?: number; wallNow?: () => number } = {}) {
  sim = new SunspecBatterySimulator({ layout, now: () => clock.t, wallNow: options.wallNow });
  const port = await sim.listen();
  const b = createSunspecBattery({
    host: '127.0.0.1', port, unitId: 1, powerSign: layout.powerSign ?? 'discharge-positive', revertS: REVERT_S,
    timeoutMs: options.timeoutMs ?? 5000, backoff: { initialMs: 50, maxMs: 200, factor: 2, jitter: 0 },
  });
  battery = b;
  await b.start();
  return { s: sim, b };
}

function healthBecomes(b: Battery, state: BatteryHealth['state']): Promise<BatteryHealth> {
  if (b.health().state === state) return Promise.resolve(b.health());
  return new Promise((resolve) => {
    const off = b.onHealth((h) => { if (h.state === state) { off(); resolve(h); } });
  });
}

describe.skipIf(!haveSunspec)('SunSpec driver against the simulator', () => {
  if (!haveSunspec) console.log(noSunspecReason);

  it('stamps each control write with its two injected clocks: the monotonic one and the wall clock', async () => {
    const clock = { t: 1234 };
    const { s, b } = await start(CASES[0]!.layout, clock, { wallNow: () => 1_790_000_000_000 });
    await b.command({ kind: 'charge', kw: 2.5, fromGrid: true });
    expect(s.writes.length).toBeGreaterThan(0);
    for (const w of s.writes) expect(w).toMatchObject({ at: 1234, wallMs: 1_790_000_000_000 });
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const clock = { t: 0 };
      const { s, b } = await start(c.layout, clock);
      expect(b.health()).toMatchObject({ state: 'ok' });
      const identity = (b as SupervisedBattery).identity()!;
      expect(identity.base).toBe(c.layout.base);
      expect(identity.models.map((m) => m.id)).toEqual([1, c.layout.inverter, ...(c.layout.before124 ?? []).map((m) => typeof m === 'number' ? m : m.id), 124, 802]);
      expect(identity.manufacturer).toBe('Digital Meter');

      // the simulator's battery: 10 kWh at 50 %, 5 kW both ways, reserve 5 %
      expect(await b.read()).toEqual({ socPct: 50, powerKw: 0, capacityKwh: 10, maxChargeKw: 5, maxDischargeKw: 5, reservePct: 5, control: 'own' });

      const limits = definedPoint(124, 'StorCtl_Mod').symbols;
      const bothLimits = (1 << limits.get('CHARGE')!) | (1 << limits.get('DISCHARGE')!);
      const grid = definedPoint(124, 'ChaGriSet').symbols.get('GRID');
      const pv = definedPoint(124, 'ChaGriSet').symbols.get('PV');

      // charge 2.5 kW from the grid: 2.5 of WChaMax 5 kW = 50 %; the window [+50 %, +50 %]
      const echo = await b.command({ kind: 'charge', kw: 2.5, fromGrid: true });
      expect(echo).toEqual({ command: { kind: 'charge', kw: 2.5, fromGrid: true }, setpointKw: 2.5, revertS: REVERT_S });
      expect(regAt(s, 124, 'StorCtl_Mod')).toBe(bothLimits);
      expect(scaledAt(s, 124, 'InWRte')).toBeCloseTo(50, 6);
      expect(scaledAt(s, 124, 'OutWRte')).toBeCloseTo(-50, 6);
      expect(regAt(s, 124, 'InOutWRte_RvrtTms')).toBe(REVERT_S);
      expect(regAt(s, 124, 'ChaGriSet')).toBe(grid);
      expect(s.battery.powerKw(clock.t)).toBeCloseTo(2.5, 6);
      const charging = await b.read();
      expect(charging.powerKw).toBeCloseTo(2.5, 6);
      expect(charging.control).toBe('forced');

      // 36 s at 2.5 kW = 0.025 kWh in, x sqrt(0.9) stored = 0.02372 kWh = +0.237 % of 10 kWh
      clock.t += 36_000;
      // a device with SoC_SF -1 reports 50.2 %, one with SoC_SF 0 whole percents: 50 %
      expect((await b.read()).socPct).toBeCloseTo(c.layout.scaleFactors?.get('802.SoC_SF') === -1 ? 50.2 : 50, 9);

      // discharge 4 kW: 80 % out; 802 W carries the device's own sign
      await b.command({ kind: 'discharge', kw: 4 });
      expect(scaledAt(s, 124, 'InWRte')).toBeCloseTo(-80, 6);
      expect(scaledAt(s, 124, 'OutWRte')).toBeCloseTo(80, 6);
      expect(regAt(s, 124, 'ChaGriSet')).toBe(pv);
      expect((await b.read()).powerKw).toBeCloseTo(-4, 6);
      const deviceSign = (c.layout.powerSign ?? 'discharge-positive') === 'charge-positive' ? -1 : 1;
      expect(scaledAt(s, 802, 'W')).toBeCloseTo(deviceSign * 4000, 6);

      // the controller falls silent: after InOutWRte_RvrtTms the device is back in its own mode
      clock.t += (REVERT_S - 1) * 1000;
      expect((await b.read()).control).toBe('forced');
      clock.t += 2000;
      const reverted = await b.read();
      expect(reverted).toMatchObject({ control: 'own', powerKw: 0 });
      expect(regAt(s, 124, 'StorCtl_Mod')).toBe(0);

      // idle holds 0 %; 'own' clears the limits
      await b.command({ kind: 'idle' });
      expect([scaledAt(s, 124, 'InWRte'), scaledAt(s, 124, 'OutWRte'), regAt(s, 124, 'StorCtl_Mod')]).toEqual([0, 0, bothLimits]);
      await b.command({ kind: 'own' });
      expect(regAt(s, 124, 'StorCtl_Mod')).toBe(0);
      // every forcing write carried the revert timeout
      expect(s.writes.filter((w) => w.storCtlMod !== 0).every((w) => w.revertS === REVERT_S)).toBe(true);
    });
  }

  it('a refused write fails that command with a message and keeps the link', async () => {
    const { s, b } = await start({ base: 40000, inverter: 103 }, { t: 0 });
    s.faults.refuseWrites = true;
    await expect(b.command({ kind: 'discharge', kw: 2 })).rejects.toMatchObject({ reason: 'refused-request', message: expect.stringMatching(/refused the request \(Modbus exception 4\)/) });
    expect(b.health().state).toBe('ok');
    s.faults.refuseWrites = false;
    await expect(b.command({ kind: 'discharge', kw: 2 })).resolves.toMatchObject({ setpointKw: -2 });
  });

  it('a device that goes away is reported, and found again when it is back', async () => {
    const { s, b } = await start({ base: 40000, inverter: 103 }, { t: 0 });
    const down = healthBecomes(b, 'error');
    await s.gone();
    const health = await down;
    expect(health.message).toMatch(/closed the connection|Nothing accepts Modbus TCP/);
    expect(health.message).toMatch(/retrying by itself/i);
    await expect(b.read()).rejects.toThrow();
    const up = healthBecomes(b, 'ok');
    await s.back();
    await up;
    expect((await b.read()).socPct).toBe(50);
  });

  it('a device that answers too slowly is dropped and reconnected once it answers in time', async () => {
    const { s, b } = await start({ base: 40000, inverter: 103 }, { t: 0 }, { timeoutMs: 300 });
    s.faults.slowMs = 1000;
    await expect(b.read()).rejects.toMatchObject({ reason: 'timeout' });
    expect(b.health()).toMatchObject({ state: 'error', reason: 'timeout' });
    s.faults.slowMs = 0;
    await healthBecomes(b, 'ok');
    expect((await b.read()).capacityKwh).toBe(10);
  });

  it('says so when the device has no SunSpec map', async () => {
    const { createServer } = await import('node:net');
    // a Modbus TCP peer that is not SunSpec: modbus-serial's server with every register 0
    const { ServerTCP } = await import('modbus-serial');
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const server = new ServerTCP({ getHoldingRegister: () => 0, getMultipleHoldingRegisters: (_a: number, n: number) => new Array<number>(n).fill(0) }, { host: '127.0.0.1', port });
    await new Promise<void>((r) => server.on('initialized', () => r()));
    try {
      const b = createSunspecBattery({ host: '127.0.0.1', port, unitId: 1, powerSign: 'charge-positive', revertS: 60, timeoutMs: 2000, backoff: { initialMs: 10_000, maxMs: 10_000, factor: 1, jitter: 0 } });
      battery = b;
      await b.start();
      expect(b.health()).toMatchObject({ state: 'error', reason: 'not-sunspec', message: expect.stringMatching(/No SunSpec map found \(no "SunS" at 40000, 0, 50000\)/) });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
