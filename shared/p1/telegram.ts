/**
 * One parsed P1 telegram. Every value is as the meter wrote it, in the contract's unit
 * (electricity in kWh and kW: a meter writing Wh or W is converted); a value the telegram does
 * not carry, or that could not be read, is null. Times are epoch milliseconds UTC (the CLI
 * prints them as ISO 8601).
 */
export interface RegisterPair {
  /** register 1 (Belgium: day / normal) */
  t1: number | null;
  /** register 2 (Belgium: night / low) */
  t2: number | null;
}

export interface PowerNow {
  import: number | null;
  export: number | null;
}

export interface PhaseReading {
  phase: 1 | 2 | 3;
  voltageV: number | null;
  currentA: number | null;
  importKw: number | null;
  exportKw: number | null;
}

export interface DemandPeak {
  /** start of the quarter (or the meter's timestamp for it), null for a placeholder */
  time: number | null;
  kw: number;
}

export interface ClosedMonthPeak {
  /** the moment the month closed (start of the next month), null for a placeholder */
  month: number | null;
  time: number | null;
  kw: number;
}

export type MbusKind = 'gas' | 'water' | 'heat' | 'other';

export interface MbusReading {
  channel: number;
  kind: MbusKind;
  id: string | null;
  valve: number | null;
  time: number | null;
  value: number | null;
  unit: string | null;
}

export interface Telegram {
  /** identification line without its leading '/' */
  header: string;
  /** e-MUCS/DSMR version as written (0-0:96.1.4, or 1-3:0.2.8 for Dutch meters) */
  version: string | null;
  equipmentId: string | null;
  /** meter time, epoch ms UTC */
  time: number | null;
  /** active tariff register (0-0:96.14.0) */
  tariff: number | null;
  importKwh: RegisterPair | null;
  exportKwh: RegisterPair | null;
  powerKw: PowerNow | null;
  phases: PhaseReading[];
  /** 1-0:1.4.0: average demand of the running quarter */
  quarterAverageKw: number | null;
  /** 1-0:1.6.0: this month's highest quarter */
  monthPeak: DemandPeak | null;
  /** 0-0:98.1.0: closed months, in the meter's order */
  peakHistory: ClosedMonthPeak[];
  mbus: MbusReading[];
  /** 0-0:96.3.10: 0 off, 1 on, 2 ready to reconnect */
  breaker: number | null;
  /** 0-0:17.0.0: limiter threshold, 999.9 = off */
  limiterKw: number | null;
  /** 1-0:31.4.0: fuse supervision threshold, 999 = off */
  fuseA: number | null;
  /** 0-0:96.13.0: text message, decoded when hex */
  message: string | null;
  /** every line the parser does not interpret, as written, so nothing the meter said is lost */
  other: OtherLine[];
  /** lines that could not be read (their field is null), a code sent twice, an odd header */
  warnings: ParseWarning[];
}

/** A line of a code the parser does not read (or, like E.ON Hungary's 0-0:98.1.0, reads only in another shape). */
export interface OtherLine {
  code: string;
  /** the text of each "(…)" group */
  values: string[];
}

/** What was odd about a telegram that was still accepted. */
export interface ParseWarning {
  /** line number in the frame, the identification line being 1 */
  line: number;
  /** the line's OBIS code, null when the line has none */
  code: string | null;
  /** what was wrong; a value as written comes last, after ': ' */
  text: string;
}
export type RefusalReason = 'crc-mismatch' | 'no-crc' | 'truncated' | 'malformed' | 'too-long';

export type FrameResult =
  | { ok: true; telegram: Telegram; offset: number }
  | { ok: false; error: RefusalReason; offset: number; detail: string };
