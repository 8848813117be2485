import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GridType } from '../grid.js';
import { monotonicMs, wallMs } from '../../clocks.js';
import { CarModel, type ChargerSettings, type SimulatedCarOptions } from './car-model.js';

/**
 * A simulated NRGkick Gen2 on a real HTTP server: the same /info, /values and /control
 * endpoints, JSON shapes, status codes and Basic auth as nrgkick-api.md describes, with a car
 * model behind it. Tests script faults (solar mode 405, slow or dropped answers, a wrong echo,
 * HTTP errors, a charger error) and plug cars in and out. Time comes from the injected clock,
 * so a test on a simulated clock moves the car as far as the clock moved.
 */
export interface ChargerSimulatorOptions {
  grid: GridType;
  /** 16 or 32 */
  ratedCurrentA?: number;
  /** when set, every request needs these Basic credentials (401 otherwise) */
  auth?: { username: string; password: string } | null;
  /** whether /control accepts phase_count (phase switching enabled in the app) */
  phaseSwitching?: boolean;
  /** ms on a monotonic clock (the car model only takes differences); default the process's monotonic clock (main/clocks.ts), so a wall-clock step does not charge the car for an hour */
  now?: () => number;
  /** wall-clock ms for the records' `atMs` (default the process's wall clock, main/clocks.ts): only stamps, never timing */
  wallNow?: () => number;
  serial?: string;
  name?: string;
}

export interface ChargerFaults {
  /** the charger's own solar mode: every write answers 405 */
  solarMode: boolean;
  /** every answer waits this long, ms */
  delayMs: number;
  /** every connection is cut without an answer */
  drop: boolean;
  /** every request is carried out (a write applied), then its connection cut instead of answered: the answer lost */
  loseAnswer: boolean;
  /** /control writes are answered with current_set off by this much, and not applied */
  echoOffsetA: number;
  /** every request answers this HTTP status (e.g. 500); 0: none */
  httpStatus: number;
}

export interface RecordedRequest {
  path: string;
  query: Record<string, string>;
  /** process.hrtime.bigint() when the request line arrived, for latency benchmarks */
  arrivedNs: bigint;
  /** wall-clock ms (main/clocks.ts) when it arrived: comparable with another process's events, e.g. its exit */
  atMs: number;
}

const NO_FAULTS: ChargerFaults = { solarMode: false, delayMs: 0, drop: false, loseAnswer: false, echoOffsetA: 0, httpStatus: 0 };

export class ChargerSimulator {
  readonly faults: ChargerFaults = { ...NO_FAULTS };
  readonly requests: RecordedRequest[] = [];
  readonly model: CarModel;
  private readonly server: Server;
  private readonly now: () => number;
  private readonly wallNow: () => number;
  private readonly settings: ChargerSettings;
  private readonly requestListeners = new Set<(request: RecordedRequest) => void>();

  constructor(private options: ChargerSimulatorOptions) {
    this.now = options.now ?? monotonicMs;
    this.wallNow = options.wallNow ?? wallMs;
    this.settings = { currentSetA: 6, paused: true, phaseCount: 3, energyLimitWh: 0 };
    this.model = new CarModel(options.grid, this.settings, this.now());
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 5000;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    return `http://${host}:${address.port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  plug(car: SimulatedCarOptions): void {
    this.model.plug(car, this.now());
  }

  unplug(): void {
    this.model.unplug(this.now());
  }

  /** an error in the charger itself (e.g. "RCD_TRIGGERED"); null clears it */
  setChargerError(code: string | null): void {
    this.model.advanceTo(this.now());
    this.model.errorCode = code;
  }

  /** the credentials it asks for from now on (as when the user changes them in the NRGkick app); null: none */
  setAuth(auth: { username: string; password: string } | null): void {
    this.options.auth = auth;
  }

  clearFaults(): void {
    Object.assign(this.faults, NO_FAULTS);
  }

  /** what the car draws now, kW, at the clock's time */
  powerKw(): number {
    this.model.advanceTo(this.now());
    return this.model.powerKw();
  }

  /** the charger's warning now, as /values says it: ENERGY_LIMIT_REACHED or NO_WARNING */
  warningCode(): string {
    this.model.advanceTo(this.now());
    return this.model.energyLimitReached() ? 'ENERGY_LIMIT_REACHED' : 'NO_WARNING';
  }

  /** the phases the charge uses now (1 or 3), for the meter's load */
  phasesInUse(): 1 | 3 {
    return this.model.phasesInUse();
  }

  /** the charger's settings as it holds them now */
  current(): Readonly<ChargerSettings> {
    return this.settings;
  }

  onRequest(listener: (request: RecordedRequest) => void): () => void {
    this.requestListeners.add(listener);
    return () => this.requestListeners.delete(listener);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const arrivedNs = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://charger');
    const query = Object.fromEntries(url.searchParams.entries());
    const recorded: RecordedRequest = { path: url.pathname, query, arrivedNs, atMs: this.wallNow() };
    this.requests.push(recorded);
    if (this.requests.length > 10_000) this.requests.splice(0, 5000);
    for (const listener of this.requestListeners) listener(recorded);
    if (this.faults.drop) {
      req.socket.destroy();
      return;
    }
    if (this.faults.loseAnswer) {
      // carried out below as usual; what would be sent is dropped with the connection
      res.writeHead = (() => res) as typeof res.writeHead;
      res.end = (() => { req.socket.destroy(); return res; }) as typeof res.end;
    }
    const answer = (): void => this.answer(req, res, url.pathname, url.searchParams);
    if (this.faults.delayMs > 0) setTimeout(answer, this.faults.delayMs); else answer();
  }

  private answer(req: IncomingMessage, res: ServerResponse, path: string, params: URLSearchParams): void {
    if (res.destroyed) return;
    const auth = this.options.auth;
    if (auth) {
      const expected = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        send(res, 401, { Response: 'Authentication failed' }, { 'www-authenticate': 'Basic realm="NRGkick"' });
        return;
      }
    }
    if (this.faults.httpStatus) {
      send(res, this.faults.httpStatus, { Response: 'Simulated failure' });
      return;
    }
    this.model.advanceTo(this.now());
    if (path === '/info') send(res, 200, this.info());
    else if (path === '/values') send(res, 200, this.values(params.has('raw')));
    else if (path === '/control') this.control(res, params);
    else send(res, 404, { Response: `unknown endpoint ${path}` });
  }

  private control(res: ServerResponse, params: URLSearchParams): void {
    const writes = ['current_set', 'charge_pause', 'energy_limit', 'phase_count'].filter((key) => params.has(key));
    if (writes.length > 0 && this.faults.solarMode) {
      send(res, 405, { Response: 'Charging pause is blocked by solar-charging' });
      return;
    }
    const rated = this.options.ratedCurrentA ?? 16;
    const next = { ...this.settings };
    for (const key of writes) {
      const value = Number(params.get(key));
      if (!Number.isFinite(value)) return send(res, 400, { Response: `${key} must be a number` });
      if (key === 'current_set') {
        if (value < 6 || value > rated) return send(res, 400, { Response: `current_set must be between 6.0 and ${rated}.0` });
        next.currentSetA = Math.round(value * 10) / 10;
      } else if (key === 'charge_pause') {
        if (value !== 0 && value !== 1) return send(res, 400, { Response: 'charge_pause must be 0 or 1' });
        next.paused = value === 1;
      } else if (key === 'energy_limit') {
        if (value < 0 || value > 4_294_967_295) return send(res, 400, { Response: 'energy_limit must be between 0 and 4294967295 Wh' });
        next.energyLimitWh = Math.round(value);
      } else if (key === 'phase_count') {
        if (!this.options.phaseSwitching) return send(res, 400, { Response: 'Phase switching is not enabled' });
        if (value !== 1 && value !== 3) return send(res, 400, { Response: 'phase_count must be 1 or 3' });
        next.phaseCount = value;
      }
    }
    if (this.faults.echoOffsetA !== 0 && writes.length > 0) {
      send(res, 200, { ...controlJson(this.settings), current_set: this.settings.currentSetA + this.faults.echoOffsetA });
      return;
    }
    Object.assign(this.settings, next);
    send(res, 200, controlJson(this.settings));
  }

  private info(): object {
    return {
      general: { serial_number: this.options.serial ?? 'SIM00001', model_type: 'NRGkick Gen2 SIM', device_name: this.options.name ?? 'simulated NRGkick', rated_current: this.options.ratedCurrentA ?? 16 },
      connector: { phase_count: 3, max_current: this.options.ratedCurrentA ?? 16, type: 'TYPE2', serial: 'SIMCONN1' },
      grid: { voltage: 230, frequency: 50, phases: this.options.grid === '1x230' ? 'L1' : 'L1, L2, L3' },
      network: { ip_address: '127.0.0.1', mac_address: '00:00:00:00:00:00', ssid: 'sim', rssi: -50 },
      versions: { sw_sm: 'sim', hw_sm: 'sim' },
    };
  }

  private values(raw: boolean): object {
    const model = this.model;
    const phases = model.phasesInUse();
    const amps = model.actualA;
    const totalW = model.powerKw() * 1000;
    const line = (n: number): object => {
      const on = n === 1 || (phases === 3 && n <= 3);
      return { voltage: 230, current: on ? round(amps, 2) : 0, active_power: on ? Math.round(totalW / phases) : 0 };
    };
    const status = model.status();
    return {
      energy: { total_charged_energy: Math.round(model.totalWh), charged_energy: Math.round(model.sessionWh) },
      powerflow: {
        charging_voltage: 230, charging_current: round(amps, 2), grid_frequency: 50, peak_power: Math.round(totalW),
        total_active_power: Math.round(totalW), l1: line(1), l2: line(2), l3: line(3), n: { current: 0 },
      },
      general: {
        status: raw ? status.code : status.word, charge_permitted: this.settings.paused ? 0 : 1, relay_state: amps > 0 ? 'CLOSED' : 'OPEN',
        charge_count: 0, vehicle_connect_time: 0, vehicle_charging_time: 0, warning_code: model.energyLimitReached() ? 'ENERGY_LIMIT_REACHED' : 'NO_WARNING', error_code: model.errorCode ?? 'NO_ERROR',
      },
      temperatures: { housing: 30, connector_l1: 25, connector_l2: 25, connector_l3: 25 },
    };
  }
}

function controlJson(settings: ChargerSettings): object {
  return { current_set: settings.currentSetA, charge_pause: settings.paused ? 1 : 0, energy_limit: settings.energyLimitWh, phase_count: settings.phaseCount };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function send(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
