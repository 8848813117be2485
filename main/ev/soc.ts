/**
 * A car's state of charge as we know it (nrgkick-api.md: the charger cannot read it). A value
 * comes from the user (asked at plug-in), or from a vehicle source (HTTP or MQTT); between
 * readings it is estimated from the energy charged since, and marked as an estimate, so the
 * dashboard never shows a guess as a measurement.
 */
export type SocSource = 'user' | 'vehicle' | 'estimate';
/** how a vehicle reading came: over HTTP or MQTT (null for the user's value) */
export type SocVia = 'http' | 'mqtt' | null;

export interface SocValue {
  percent: number;
  source: SocSource;
  /** the reading the estimate starts from ('user' or 'vehicle'), for the dashboard's words */
  basedOn: 'user' | 'vehicle';
  /** monotonic ms of the reading the value rests on */
  readAtMonoMs: number;
  via?: SocVia;
}

export class SocTracker {
  private reading: { percent: number; source: 'user' | 'vehicle'; via: SocVia; atMonoMs: number; sessionKwh: number } | null = null;
  private sessionKwh = 0;

  /** `efficiency`: energy reaching the battery per kWh drawn; `batteryKwh`: usable capacity */
  constructor(private readonly batteryKwh: number, private readonly efficiency: number) {}

  /** a value the user typed, or a vehicle source sent, at this point of the session */
  report(percent: number, source: 'user' | 'vehicle', atMonoMs: number, via: SocVia = null): void {
    if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
      throw new RangeError(`state of charge ${percent}: expected a percentage from 0 to 100`);
    }
    this.reading = { percent, source, via: source === 'user' ? null : via, atMonoMs, sessionKwh: this.sessionKwh };
  }

  /** the charger's session energy (kWh drawn since plug-in) as it last said */
  session(kwh: number): void {
    // a new session restarts the charger's counter: the estimate then starts from the reading again
    if (kwh < this.sessionKwh && this.reading) this.reading.sessionKwh = kwh;
    this.sessionKwh = kwh;
  }

  /** the car left: what we knew no longer holds for the next plug-in */
  unplugged(): void {
    this.reading = null;
    this.sessionKwh = 0;
  }

  value(): SocValue | null {
    const reading = this.reading;
    if (!reading) return null;
    const charged = Math.max(0, this.sessionKwh - reading.sessionKwh);
    if (charged < 0.001) return { percent: reading.percent, source: reading.source, basedOn: reading.source, readAtMonoMs: reading.atMonoMs, via: reading.via };
    const percent = Math.min(100, reading.percent + (charged * this.efficiency / this.batteryKwh) * 100);
    return { percent, source: 'estimate', basedOn: reading.source, readAtMonoMs: reading.atMonoMs, via: reading.via };
  }
}

/** Read a percentage at a dot path from a vehicle source's JSON, with own-property checks only. */
export function socAtPath(json: unknown, path: string): number | null {
  let node: unknown = json;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) return null;
    node = (node as Record<string, unknown>)[key];
  }
  const value = typeof node === 'string' ? Number(node) : node;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 100 ? value : null;
}
