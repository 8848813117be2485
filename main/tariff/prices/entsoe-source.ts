import { EntsoeFormatError, parseEntsoeXml } from './entsoe-xml.js';
import { httpGet } from './http-get.js';
import { PriceSourceError, type PriceSource, type SpotPoint, type TimeRange } from './types.js';

export const ENTSOE_DEFAULT_URL = 'https://web-api.tp.entsoe.eu/api';
/** The Belgian bidding zone's EIC code. */
export const BELGIUM_ZONE = '10YBE----------2';

export interface EntsoeOptions {
  /** the personal security token (a secret: never logged, never in a message) */
  token: string;
  baseUrl?: string;
  zone?: string;
  timeoutMs?: number;
}

/** yyyyMMddHHmm in UTC, the platform's periodStart/periodEnd format. */
export function entsoeTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace(/[-T:]/g, '');
}

/**
 * "No matching data found" (Reason 999) is the platform's way of saying that nothing is
 * published for the period yet: an empty day, not a failure.
 */
function isNoData(code: string, text: string): boolean {
  return code === '999' && /no matching data/i.test(text);
}

/** ENTSO-E transparency platform, day-ahead prices (documentType A44). */
export class EntsoeSource implements PriceSource {
  readonly name = 'entsoe' as const;
  private readonly baseUrl: string;
  private readonly zone: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: EntsoeOptions) {
    this.baseUrl = options.baseUrl ?? ENTSOE_DEFAULT_URL;
    this.zone = options.zone ?? BELGIUM_ZONE;
    this.timeoutMs = options.timeoutMs ?? 20_000;
  }

  async fetchSpot(range: TimeRange, signal?: AbortSignal): Promise<SpotPoint[]> {
    const url = new URL(this.baseUrl);
    url.searchParams.set('documentType', 'A44');
    url.searchParams.set('in_Domain', this.zone);
    url.searchParams.set('out_Domain', this.zone);
    url.searchParams.set('periodStart', entsoeTime(range.start));
    url.searchParams.set('periodEnd', entsoeTime(range.end));
    url.searchParams.set('securityToken', this.options.token);
    const shown = `${url.origin}${url.pathname}`;
    const answer = await httpGet('entsoe', url, shown, this.timeoutMs, signal);

    let parsed;
    try {
      parsed = parseEntsoeXml(answer.body);
    } catch (error) {
      if (answer.status !== 200) {
        // 401 (bad token) and 429/503 come as HTML or plain text, not as an Acknowledgement.
        throw new PriceSourceError('entsoe', 'refused', `HTTP ${answer.status}${answer.status === 401 ? ' (is the entsoe-token right?)' : ''}`);
      }
      const detail = error instanceof EntsoeFormatError ? error.message : String(error);
      throw new PriceSourceError('entsoe', 'bad-answer', `unexpected answer: ${detail}`);
    }
    if (parsed.kind === 'acknowledgement') {
      if (isNoData(parsed.code, parsed.text)) return [];
      throw new PriceSourceError('entsoe', 'refused', `HTTP ${answer.status}, reason ${parsed.code}: ${parsed.text}`);
    }
    if (answer.status !== 200) throw new PriceSourceError('entsoe', 'refused', `HTTP ${answer.status}`);
    return parsed.points.filter((p) => p.start >= range.start && p.start < range.end);
  }
}
