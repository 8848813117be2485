import { XMLParser } from 'fast-xml-parser';
import { HOUR_MS, QUARTER_MS, type SpotPoint } from './types.js';

/**
 * The ENTSO-E transparency platform's answer to a day-ahead price query (documentType A44),
 * read into spot points. Pure: text in, points out.
 *
 * Publication_MarketDocument > TimeSeries* > Period* > (timeInterval, resolution, Point*), a Point
 * being (position, price.amount), position 1 = the period's first market time unit. The curve type
 * says how to read absent positions (ENTSO-E "CurveType A01 vs A03"):
 * - A01 (sequential fixed size blocks): every position is sent; an absent one is a gap.
 * - A03 (variable sized blocks): a position is sent only when the price changes; each point's
 *   price holds until the next point's position, the last one until the period's end.
 * An error or "no data" answer is an Acknowledgement_MarketDocument with Reason code and text.
 */
export type EntsoeAnswer =
  | { kind: 'prices'; points: SpotPoint[] }
  | { kind: 'acknowledgement'; code: string; text: string };

/** The document is not what the platform documents; `message` says what and where. */
export class EntsoeFormatError extends Error {
  override name = 'EntsoeFormatError';
}

const parser = new XMLParser({
  removeNSPrefix: true,
  parseTagValue: false,
  ignoreAttributes: true,
  isArray: (name) => ['TimeSeries', 'Period', 'Point', 'Reason'].includes(name),
});

type Node = Record<string, unknown>;

function text(node: Node, key: string, where: string): string {
  const value = node[key];
  if (typeof value !== 'string' || value.trim() === '') throw new EntsoeFormatError(`${where}: missing <${key}>`);
  return value.trim();
}

function optionalText(node: Node, key: string): string | null {
  const value = node[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function instant(value: string, where: string): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new EntsoeFormatError(`${where}: '${value}' is not a date-time`);
  return ms;
}

function resolutionMs(value: string, where: string): number {
  if (value === 'PT15M') return QUARTER_MS;
  if (value === 'PT60M' || value === 'PT1H') return HOUR_MS;
  throw new EntsoeFormatError(`${where}: resolution '${value}' is not PT15M or PT60M`);
}

function asNodes(value: unknown): Node[] {
  return Array.isArray(value) ? value.filter((v): v is Node => typeof v === 'object' && v !== null) : [];
}

export function parseEntsoeXml(xml: string): EntsoeAnswer {
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (error) {
    throw new EntsoeFormatError(`not XML: ${(error as Error).message}`);
  }
  const ack = doc['Acknowledgement_MarketDocument'];
  if (ack && typeof ack === 'object') {
    const reason = asNodes((ack as Node)['Reason'])[0];
    return {
      kind: 'acknowledgement',
      code: reason ? optionalText(reason, 'code') ?? '?' : '?',
      text: reason ? optionalText(reason, 'text') ?? '' : '',
    };
  }
  const publication = doc['Publication_MarketDocument'];
  if (!publication || typeof publication !== 'object') {
    throw new EntsoeFormatError('neither a Publication_MarketDocument nor an Acknowledgement_MarketDocument');
  }
  const points: SpotPoint[] = [];
  asNodes((publication as Node)['TimeSeries']).forEach((series, s) => {
    const where = `TimeSeries ${s + 1}`;
    // A07 would be intraday; only day-ahead (A01) prices are wanted when the type is given.
    const contract = optionalText(series, 'contract_MarketAgreement.type');
    if (contract !== null && contract !== 'A01') return;
    const currency = optionalText(series, 'currency_Unit.name');
    if (currency !== null && currency !== 'EUR') throw new EntsoeFormatError(`${where}: currency ${currency}, expected EUR`);
    const unit = optionalText(series, 'price_Measure_Unit.name');
    if (unit !== null && unit !== 'MWH') throw new EntsoeFormatError(`${where}: price unit ${unit}, expected MWH`);
    const curveType = optionalText(series, 'curveType') ?? 'A01';
    if (curveType !== 'A01' && curveType !== 'A03') throw new EntsoeFormatError(`${where}: curveType ${curveType} is not A01 or A03`);
    asNodes(series['Period']).forEach((period, p) => {
      points.push(...readPeriod(period, curveType, `${where} Period ${p + 1}`));
    });
  });
  return { kind: 'prices', points };
}

function readPeriod(period: Node, curveType: 'A01' | 'A03', where: string): SpotPoint[] {
  const interval = period['timeInterval'];
  if (!interval || typeof interval !== 'object') throw new EntsoeFormatError(`${where}: missing <timeInterval>`);
  const start = instant(text(interval as Node, 'start', where), where);
  const end = instant(text(interval as Node, 'end', where), where);
  const step = resolutionMs(text(period, 'resolution', where), where);
  const slots = (end - start) / step;
  if (!Number.isInteger(slots) || slots <= 0) throw new EntsoeFormatError(`${where}: interval is not a whole number of steps`);

  const sent = asNodes(period['Point']).map((point, i) => {
    const position = Number(text(point, 'position', `${where} Point ${i + 1}`));
    const price = Number(text(point, 'price.amount', `${where} Point ${i + 1}`));
    if (!Number.isInteger(position) || position < 1 || position > slots) {
      throw new EntsoeFormatError(`${where} Point ${i + 1}: position ${String(point['position'])} outside 1..${slots}`);
    }
    if (!Number.isFinite(price)) throw new EntsoeFormatError(`${where} Point ${i + 1}: price.amount '${String(point['price.amount'])}' is not a number`);
    return { position, price };
  }).sort((a, b) => a.position - b.position);

  const points: SpotPoint[] = [];
  sent.forEach(({ position, price }, i) => {
    // A03: the price holds until the next sent position (or the period's end); A01: one slot.
    const last = curveType === 'A03' ? (sent[i + 1]?.position ?? slots + 1) - 1 : position;
    for (let slot = position; slot <= last; slot++) {
      points.push({ start: start + (slot - 1) * step, durationMs: step, eurPerMwh: price });
    }
  });
  return points;
}
