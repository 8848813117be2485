import { request } from 'undici';
import type { ChargerProblem } from '../charger.js';

/**
 * The thin I/O half of the NRGkick driver: one HTTP GET to the charger's local JSON API
 * (nrgkick-api.md), with Basic auth and a timeout, turned into JSON or a ChargerFailure whose
 * words say what went wrong and what to do. No retries and no state here: the supervisor
 * (nrgkick-charger.ts) decides when to ask again.
 */
export class ChargerFailure extends Error {
  constructor(readonly problem: ChargerProblem, message: string) {
    super(message);
    this.name = 'ChargerFailure';
  }
}

export interface NrgkickLinkOptions {
  /** e.g. http://192.168.1.40 */
  baseUrl: string;
  username?: string;
  password?: string;
  /** one request may take this long; default 2 s (a poll every 1-2 s must not pile up) */
  timeoutMs?: number;
}

/** The answers we read; the charger sends more, which we ignore. */
export interface NrgkickControlAnswer {
  current_set?: number;
  charge_pause?: number;
  energy_limit?: number;
  phase_count?: number;
}

export interface NrgkickLink {
  readonly description: string;
  get(path: '/values' | '/control' | '/info', query?: Record<string, string | number>): Promise<unknown>;
  close(): Promise<void>;
}

export const SOLAR_MODE_ADVICE =
  'the charger refuses control because its own solar charging is on: switch off solar charging in the NRGkick app (Extended), then Digital Meter takes over';

export function createNrgkickLink(options: NrgkickLinkOptions): NrgkickLink {
  const base = new URL(options.baseUrl);
  const timeoutMs = options.timeoutMs ?? 2000;
  const shown = base.host;
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'digital-meter' };
  if (options.username !== undefined || options.password !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${options.username ?? ''}:${options.password ?? ''}`).toString('base64')}`;
  }
  return {
    description: `NRGkick at ${shown}`,
    async get(path, query = {}) {
      const url = new URL(path, base);
      // sections without values are flags (?energy&powerflow): URLSearchParams would add "="
      const parts = Object.entries(query).map(([key, value]) => (value === '' ? encodeURIComponent(key) : `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`));
      url.search = parts.join('&');
      let status: number;
      let body: string;
      try {
        const response = await request(url, {
          method: 'GET', headers, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs),
        });
        status = response.statusCode;
        body = await response.body.text();
      } catch (error) {
        const err = error as Error & { code?: string; name?: string };
        if (err.name === 'TimeoutError' || err.code === 'UND_ERR_HEADERS_TIMEOUT' || err.code === 'UND_ERR_BODY_TIMEOUT') {
          throw new ChargerFailure('timeout', `NRGkick at ${shown} did not answer ${path} within ${timeoutMs / 1000} s`);
        }
        throw new ChargerFailure('unreachable', `cannot reach NRGkick at ${shown} (${err.code ?? err.message}): is it on, on the same network, with the JSON API enabled in its app?`);
      }
      if (status === 401 || status === 403) {
        throw new ChargerFailure('auth', `NRGkick at ${shown} refused our credentials (HTTP ${status}): check the user name and password under "Authentication (JSON)" in the NRGkick app and in the ev.chargers section`);
      }
      if (status === 405) {
        throw new ChargerFailure('solar-mode', `NRGkick at ${shown}: ${SOLAR_MODE_ADVICE} (HTTP 405: ${body.slice(0, 120)})`);
      }
      if (status !== 200) {
        throw new ChargerFailure('http', `NRGkick at ${shown} answered ${path} with HTTP ${status}: ${body.slice(0, 120)}`);
      }
      try {
        return JSON.parse(body) as unknown;
      } catch {
        throw new ChargerFailure('bad-answer', `NRGkick at ${shown} answered ${path} with something that is not JSON: ${body.slice(0, 80)}`);
      }
    },
    async close() {
      // undici's global dispatcher pools connections; nothing of ours to close
    },
  };
}
