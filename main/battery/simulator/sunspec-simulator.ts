import { createServer, type Socket } from 'node:net';
import { ServerTCP } from 'modbus-serial';
import type { PowerSign } from '../sunspec/sunspec-device.js';
import { pointDef, requireModel, symbolValue } from '../sunspec/registry.js';
import { BatteryModel, type BatteryModelOptions } from './battery-model.js';
import { monotonicMs, wallMs } from '../../clocks.js';
import { RegisterImage, type ModelSpec } from './register-image.js';

/**
 * A SunSpec battery inverter on a real Modbus TCP socket (modbus-serial's server): models 1, an
 * inverter model (101-103 integer with scale factors, or 111-113 float), any models before 124,
 * then 124 and 802, built from the generated map. Reads are answered from the battery model at
 * that moment; writes to 124 set its control window, with the revert timeout honoured.
 * Faults are scriptable: slow answers, gone (nothing listening, connections dropped), refused
 * writes.
 */
export interface SimulatorLayout {
  base: 40000 | 0 | 50000;
  inverter: 101 | 102 | 103 | 111 | 112 | 113;
  /** models placed between the inverter model and 124 (known ids, or vendor blocks by length) */
  before124: ModelSpec[];
  /** scale factors by "model.point", e.g. "802.W_SF": 1 (default: 0 for all, -2 for 124's rates) */
  scaleFactors: Map<string, number>;
  powerSign: PowerSign;
}

export const DEFAULT_LAYOUT: SimulatorLayout = {
  base: 40000, inverter: 103, before124: [], scaleFactors: new Map(), powerSign: 'discharge-positive',
};

export const DEFAULT_BATTERY: BatteryModelOptions = {
  capacityKwh: 10, socPct: 50, maxChargeKw: 5, maxDischargeKw: 5, roundTrip: 0.9, minSocPct: 5,
};

export interface SimulatorOptions {
  layout?: Partial<SimulatorLayout>;
  battery?: Partial<BatteryModelOptions>;
  /** monotonic ms; tests pass a manual clock so the revert timeout is checked without waiting */
  now?: () => number;
  /** wall-clock ms for the records' `wallMs` (default the process's wall clock, main/clocks.ts): only stamps, never timing */
  wallNow?: () => number;
  host?: string;
  port?: number;
}

export interface SimulatorFaults {
  /** every answer waits this long, ms */
  slowMs: number;
  /** writes are answered with Modbus exception 4 (server device failure) */
  refuseWrites: boolean;
}

/** Every control write to 124 that the simulator accepted, with the time it arrived (for the benchmark and tests). */
export interface ControlWrite {
  /** the simulator's clock (monotonic unless a test injects one) */
  at: number;
  /** wall-clock ms (main/clocks.ts): comparable with another process's events, e.g. the controller's exit */
  wallMs: number;
  storCtlMod: number | null;
  inWRte: number | null;
  outWRte: number | null;
  revertS: number | null;
  chaGriSet: number | null;
}

const M124 = requireModel(124);
const CHARGE_BIT = symbolValue(pointDef(M124, 'StorCtl_Mod'), 'CHARGE');
const DISCHARGE_BIT = symbolValue(pointDef(M124, 'StorCtl_Mod'), 'DISCHARGE');
const CHA_ST = (name: string) => symbolValue(pointDef(requireModel(802), 'ChaSt'), name);

export class SunspecBatterySimulator {
  readonly layout: SimulatorLayout;
  readonly battery: BatteryModel;
  readonly image: RegisterImage;
  readonly faults: SimulatorFaults = { slowMs: 0, refuseWrites: false };
  readonly writes: ControlWrite[] = [];
  private readonly now: () => number;
  private readonly wallNow: () => number;
  private server: ServerTCP | null = null;
  private host = '127.0.0.1';
  private boundPort = 0;
  private writeListeners = new Set<(write: ControlWrite) => void>();

  constructor(private readonly o: SimulatorOptions = {}) {
    this.layout = { ...DEFAULT_LAYOUT, ...o.layout, scaleFactors: o.layout?.scaleFactors ?? new Map() };
    this.battery = new BatteryModel({ ...DEFAULT_BATTERY, ...o.battery });
    this.now = o.now ?? monotonicMs;
    this.wallNow = o.wallNow ?? wallMs;
    const specs: ModelSpec[] = [1, this.layout.inverter, ...this.layout.before124, 124, 802];
    this.image = new RegisterImage(this.layout.base, specs);
    this.fillStatic();
    this.refresh();
  }

  get port(): number {
    return this.boundPort;
  }

  onControlWrite(listener: (write: ControlWrite) => void): () => void {
    this.writeListeners.add(listener);
    return () => this.writeListeners.delete(listener);
  }

  /** Listen (port 0: a free one); resolves with the port. */
  async listen(port = this.o.port ?? 0, host = this.o.host ?? '127.0.0.1'): Promise<number> {
    this.host = host;
    // modbus-serial's server treats port 0 as "default 502": find a free port ourselves first
    const chosen = port === 0 ? await freePort(host) : port;
    await new Promise<void>((resolve, reject) => {
      const server = new ServerTCP(this.vector(), { host, port: chosen, unitID: 255 });
      // answer at once: without TCP_NODELAY an answer waits for the client's delayed ACK (about
      // 40 ms per request); modbus-serial's server does not set it, so reach its net.Server
      (server as unknown as { _server: import('node:net').Server })._server.on('connection', (socket) => socket.setNoDelay(true));
      server.on('initialized', () => resolve());
      server.on('serverError', (error) => reject(error));
      server.on('socketError', () => undefined);
      server.on('error', () => undefined);
      this.server = server;
    });
    this.boundPort = chosen;
    return chosen;
  }

  /** Fault: the device is gone: connections dropped, nothing listening until `back()`. */
  async gone(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const socket of server.socks.keys()) (socket as Socket).destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The device is back on the same port. */
  async back(): Promise<void> {
    if (this.server) return;
    await this.listen(this.boundPort, this.host);
  }

  async close(): Promise<void> {
    await this.gone();
  }

  /** Bring the registers up to date with the battery model (called before every read). */
  refresh(): void {
    const now = this.now();
    const kw = this.battery.powerKw(now);
    const img = this.image;
    const sign = this.layout.powerSign === 'charge-positive' ? 1 : -1;
    img.setValue(802, 'SoC', this.battery.socPct);
    img.setValue(802, 'W', sign * kw * 1000);
    img.setRaw(802, 'ChaSt', kw > 0 ? CHA_ST('CHARGING') : kw < 0 ? CHA_ST('DISCHARGING') : this.battery.socPct >= 99.9 ? CHA_ST('FULL') : CHA_ST('HOLDING'));
    img.setValue(124, 'ChaState', this.battery.socPct);
    // the inverter's AC output: what the battery discharges (a battery inverter without PV here)
    img.setValue(this.layout.inverter, 'W', -kw * 1000);
    if (!this.battery.forced && (img.getRaw(124, 'StorCtl_Mod') ?? 0) !== 0) img.setRaw(124, 'StorCtl_Mod', 0);
  }

  private fillStatic(): void {
    const img = this.image;
    const sf = (key: string, fallback: number) => this.layout.scaleFactors.get(key) ?? fallback;
    img.setText(1, 'Mn', 'Digital Meter');
    img.setText(1, 'Md', 'Simulated battery');
    img.setText(1, 'SN', 'SIM-0001');
    img.setRaw(1, 'DA', 1);
    const inv = this.layout.inverter;
    if (inv < 110) {
      for (const name of ['A_SF', 'V_SF', 'W_SF', 'Hz_SF', 'WH_SF', 'Tmp_SF']) img.setRaw(inv, name, sf(`${inv}.${name}`, name === 'Hz_SF' ? -2 : 0));
    }
    img.setValue(inv, 'Hz', 50);
    img.setRaw(inv, 'St', 4);
    for (const name of ['WChaMax_SF', 'WChaDisChaGra_SF', 'MinRsvPct_SF', 'ChaState_SF', 'InOutWRte_SF']) {
      img.setRaw(124, name, sf(`124.${name}`, name === 'InOutWRte_SF' ? -2 : 0));
    }
    img.setValue(124, 'WChaMax', Math.max(this.battery.maxChargeKw, this.battery.maxDischargeKw) * 1000);
    img.setValue(124, 'WChaGra', 100);
    img.setValue(124, 'WDisChaGra', 100);
    img.setRaw(124, 'StorCtl_Mod', 0);
    img.setValue(124, 'MinRsvPct', this.battery.minSocPct);
    img.setValue(124, 'InWRte', 100);
    img.setValue(124, 'OutWRte', 100);
    for (const name of ['InOutWRte_WinTms', 'InOutWRte_RvrtTms', 'InOutWRte_RmpTms', 'ChaGriSet']) img.setRaw(124, name, 0);
    for (const name of ['AHRtg_SF', 'WHRtg_SF', 'WChaDisChaMax_SF', 'SoC_SF', 'SoH_SF', 'V_SF', 'CellV_SF', 'A_SF', 'AMax_SF', 'W_SF']) {
      img.setRaw(802, name, sf(`802.${name}`, 0));
    }
    img.setValue(802, 'WHRtg', this.battery.capacityKwh * 1000);
    img.setValue(802, 'AHRtg', Math.round((this.battery.capacityKwh * 1000) / 400));
    img.setValue(802, 'WChaRteMax', this.battery.maxChargeKw * 1000);
    img.setValue(802, 'WDisChaRteMax', this.battery.maxDischargeKw * 1000);
    img.setValue(802, 'SoCRsvMin', this.battery.minSocPct);
    img.setValue(802, 'SoH', 100);
    img.setValue(802, 'V', 400);
    img.setRaw(802, 'LocRemCtl', 0);
    img.setRaw(802, 'Typ', 4);
    img.setRaw(802, 'State', 3);
    for (const name of ['Evt1', 'Evt2', 'EvtVnd1', 'EvtVnd2']) img.setRaw(802, name, 0);
    img.setRaw(802, 'AlmRst', 0);
    img.setRaw(802, 'SetOp', 1);
    img.setRaw(802, 'SetInvState', 3);
  }

  private async slow(): Promise<void> {
    if (this.faults.slowMs > 0) await new Promise((resolve) => setTimeout(resolve, this.faults.slowMs));
  }

  /**
   * modbus-serial's service vector in its callback form (the form it supports for block reads):
   * a thrown {modbusErrorCode} becomes a Modbus exception answer.
   */
  private vector() {
    const inRange = (address: number, count: number) => address >= this.image.start && address + count <= this.image.end;
    type Done<T> = (err: Error | null, value: T) => void;
    const answer = <T>(work: () => T | Promise<T>, cb: Done<T>) => {
      this.slow().then(work).then((value) => cb(null, value), (error: unknown) => cb(error as Error, undefined as T));
    };
    const readBlock = (address: number, count: number) => {
      if (!inRange(address, count)) throw { modbusErrorCode: 2, msg: 'illegal data address' };
      this.refresh();
      return Array.from(this.image.regs.subarray(address, address + count));
    };
    return {
      getMultipleHoldingRegisters: (address: number, count: number, _unit: number, cb: Done<number[]>) => answer(() => readBlock(address, count), cb),
      getHoldingRegister: (address: number, _unit: number, cb: Done<number>) => answer(() => readBlock(address, 1)[0], cb),
      setRegister: (address: number, value: number, _unit: number, cb: Done<void>) => answer(() => this.write(address, [value]), cb),
      setRegisterArray: (address: number, values: number[], _unit: number, cb: Done<void>) => answer(() => this.write(address, values), cb),
    };
  }

  private write(address: number, values: number[]): void {
    if (this.faults.refuseWrites) throw { modbusErrorCode: 4, msg: 'server device failure' };
    for (let i = 0; i < values.length; i++) {
      const at = this.image.pointAt(address + i);
      if (!at || !at.point.writable) throw { modbusErrorCode: 2, msg: 'not writable' };
    }
    const before = this.image.regs.slice(address, address + values.length);
    this.image.regs.set(values, address);
    const m124 = this.image.model(124);
    if (address + values.length > m124.address && address < m124.address + 2 + m124.length) {
      const pct = (name: string) => this.image.value(124, name);
      const inW = pct('InWRte'), outW = pct('OutWRte');
      if (inW !== null && (inW < -100 || inW > 100) || outW !== null && (outW < -100 || outW > 100)) {
        this.image.regs.set(before, address);
        throw { modbusErrorCode: 3, msg: 'rate out of range' };
      }
      this.applyControl();
    }
  }

  /** 124's registers -> the battery's control window (percent of WChaMax, both directions). */
  private applyControl(): void {
    const img = this.image;
    const now = this.now();
    const mode = img.getRaw(124, 'StorCtl_Mod') ?? 0;
    const base = (img.value(124, 'WChaMax') ?? 0) / 1000;
    const revertS = img.getRaw(124, 'InOutWRte_RvrtTms') ?? 0;
    const write: ControlWrite = {
      at: now, wallMs: this.wallNow(), storCtlMod: mode, inWRte: img.value(124, 'InWRte'), outWRte: img.value(124, 'OutWRte'),
      revertS, chaGriSet: img.getRaw(124, 'ChaGriSet'),
    };
    if (mode === 0) {
      this.battery.setControl(null, now);
    } else {
      const high = mode & (1 << CHARGE_BIT) ? ((write.inWRte ?? 100) / 100) * base : Infinity;
      const low = mode & (1 << DISCHARGE_BIT) ? -((write.outWRte ?? 100) / 100) * base : -Infinity;
      this.battery.setControl({ lowKw: low, highKw: high, revertS }, now);
    }
    this.writes.push(write);
    if (this.writes.length > 10_000) this.writes.splice(0, 5_000);
    for (const listener of this.writeListeners) listener(write);
  }
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
