import { z } from 'zod';
import { httpGet } from './http-get.js';
import { HOUR_MS, PriceSourceError, QUARTER_MS, type PriceSource, type SpotPoint, type TimeRange } from './types.js';

export const ENERGY_CHARTS_DEFAULT_URL = 'https://api.energy-charts.info';

export interface EnergyChartsOptions {
  baseUrl?: string;
  /** bidding zone as Energy-Charts names it */
  zone?: string;
  timeoutMs?: number;
}

/** GET /price?bzn=BE&start=&end= -> {unix_seconds: [...], price: [...], unit: "EUR / MWh"}. */
const answerSchema = z.object({
  unix_seconds: z.array(z.number().int()),
  price: z.array(z.number().nullable()),
  unit: z.string().optional(),
});

/**
 * The answer as spot points. Each stamp starts a market time unit; its length is the spacing of
 * the series (900 s since the 15-minute market, 3600 s before), a null price is a gap.
 */
export function parseEnergyChartsJson(body: string): SpotPoint[] {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new Error('not JSON');
  }
  const parsed = answerSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'invalid'}`);
  }
  const { unix_seconds: stamps, price, unit } = parsed.data;
  if (stamps.length !== price.length) throw new Error(`${stamps.length} unix_seconds but ${price.length} prices`);
  if (unit !== undefined && unit.replace(/\s/g, '').toUpperCase() !== 'EUR/MWH') throw new Error(`unit '${unit}', expected EUR / MWh`);
  let step = Infinity;
  for (let i = 1; i < stamps.length; i++) step = Math.min(step, (stamps[i]! - stamps[i - 1]!) * 1000);
  // A lone stamp: claim no more than its own quarter.
  if (step === Infinity) step = QUARTER_MS;
  if (step !== QUARTER_MS && step !== HOUR_MS) throw new Error(`stamps ${step / 1000} s apart, expected 900 or 3600`);
  const points: SpotPoint[] = [];
  stamps.forEach((s, i) => {
    const eurPerMwh = price[i];
    if (eurPerMwh !== null && eurPerMwh !== undefined) points.push({ start: s * 1000, durationMs: step, eurPerMwh });
  });
  return points;
}

/** Energy-Charts (Fraunhofer ISE): token-free day-ahead prices per bidding zone. */
export class EnergyChartsSource implements PriceSource {
  readonly name = 'energy-charts' as const;
  private readonly baseUrl: string;

  constructor(private readonly options: EnergyChartsOptions = {}) {
    this.baseUrl = options.baseUrl ?? ENERGY_CHARTS_DEFAULT_URL;
  }

  async fetchSpot(range: TimeRange, signal?: AbortSignal): Promise<SpotPoint[]> {
    const url = new URL('price', this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
    url.searchParams.set('bzn', this.options.zone ?? 'BE');
    url.searchParams.set('start', new Date(range.start).toISOString().slice(0, 16) + 'Z');
    url.searchParams.set('end', new Date(range.end).toISOString().slice(0, 16) + 'Z');
    const shown = `${url.origin}${url.pathname}`;
    const answer = await httpGet('energy-charts', url, shown, this.options.timeoutMs ?? 20_000, signal);
    // Energy-Charts answers 404 for a period it has no prices for (not published yet).
    if (answer.status === 404) return [];
    if (answer.status !== 200) {
      throw new PriceSourceError('energy-charts', 'refused', `HTTP ${answer.status}${detailOf(answer.body)}`);
    }
    try {
      return parseEnergyChartsJson(answer.body).filter((p) => p.start >= range.start && p.start < range.end);
    } catch (error) {
      throw new PriceSourceError('energy-charts', 'bad-answer', `unexpected answer: ${(error as Error).message}`);
    }
  }
}

/** The API's JSON error detail, when there is one, shortened for a message. */
function detailOf(body: string): string {
  try {
    const detail = (JSON.parse(body) as { detail?: unknown }).detail;
    return detail === undefined ? '' : `: ${JSON.stringify(detail).slice(0, 200)}`;
  } catch {
    return '';
  }
}
