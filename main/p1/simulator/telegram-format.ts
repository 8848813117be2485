/**
 * Formats one e-MUCS 50217 telegram (the layout of the specification's example and of real
 * Fluvius meters) into a ByteWriter, CRC included. Lines that change rarely (month peak,
 * closed months, gas and water readings) are encoded once when they change.
 */
import { crc16 } from '../crc16.js';
import { ByteWriter, ascii } from './byte-writer.js';
import { encodeTimestamp, PLACEHOLDER_TIMESTAMP, type MeterClock } from './meter-clock.js';
import type { GridKind, PhaseReadings } from './grid.js';
import type { DemandRegisters } from './demand.js';
import type { Household } from './household.js';

/** Everything one telegram shows, owned and updated by the simulated meter. */
export interface MeterReadings {
  time: number;
  register: 1 | 2;
  /** Wh per register (index 0 = register 1) */
  importWh: Float64Array;
  exportWh: Float64Array;
  phases: PhaseReadings;
  demand: DemandRegisters;
}

/** An M-Bus reading as the meter last received it. */
export interface MbusSnapshot {
  time: number;
  litres: number;
}

const hexAscii = (text: string) => Array.from(text, (ch) => ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')).join('');
const CRLF = ascii('\r\n');
const KW_CLOSE = ascii('*kW)\r\n');
const KWH_CLOSE = ascii('*kWh)\r\n');

export class TelegramFormatter {
  private readonly head: Uint8Array;
  private readonly tail: Uint8Array;
  private readonly phaseCodes: { import: Uint8Array[]; export: Uint8Array[]; voltage: Uint8Array[]; current: Uint8Array[] };
  private readonly counterCodes = ['1-0:1.8.1(', '1-0:1.8.2(', '1-0:2.8.1(', '1-0:2.8.2('].map(ascii);
  private readonly open = {
    time: ascii('0-0:1.0.0('), register: ascii('0-0:96.14.0('), quarter: ascii('1-0:1.4.0('),
    importNow: ascii('1-0:1.7.0('), exportNow: ascii('1-0:2.7.0('),
  };
  private readonly close = { time: ascii(')\r\n'), register: ascii(')\r\n'), volt: ascii('*V)\r\n'), amp: ascii('*A)\r\n') };
  private peakLines: Uint8Array = new Uint8Array(0);
  private peakVersion = -1;
  private gasLine: Uint8Array = new Uint8Array(0);
  private waterLine: Uint8Array = new Uint8Array(0);
  private readonly gasIdLines: Uint8Array;
  private readonly waterIdLines: Uint8Array;
  private readonly phaseCount: number;

  constructor(household: Household, grid: GridKind) {
    const serial = household.meterSerial.slice(-6);
    this.head = ascii(`/FLU5\\253${serial}_A\r\n\r\n0-0:96.1.4(50217)\r\n0-0:96.1.1(${hexAscii(household.meterSerial)})\r\n`);
    this.tail = ascii('0-0:96.3.10(1)\r\n0-0:17.0.0(999.9*kW)\r\n1-0:31.4.0(999*A)\r\n0-0:96.13.0()\r\n');
    this.gasIdLines = ascii(`0-1:24.1.0(003)\r\n0-1:96.1.1(${hexAscii(household.gasSerial)})\r\n0-1:24.4.0(1)\r\n`);
    this.waterIdLines = household.water ? ascii(`0-2:24.1.0(007)\r\n0-2:96.1.1(${hexAscii(household.waterSerial)})\r\n`) : new Uint8Array(0);
    this.phaseCount = grid === '1x230' ? 1 : 3;
    const codes = (n: number) => [1, 2, 3].map((phase) => ascii(`1-0:${20 * phase + n}.7.0(`));
    this.phaseCodes = { import: codes(1), export: codes(2), voltage: codes(12), current: codes(11) };
  }

  setGas(snapshot: MbusSnapshot): void {
    this.gasLine = mbusLine('0-1:24.2.3(', snapshot);
  }

  setWater(snapshot: MbusSnapshot): void {
    this.waterLine = mbusLine('0-2:24.2.1(', snapshot);
  }

  /** Write the whole telegram for `m` into `w` (after w.reset()). */
  format(w: ByteWriter, clock: MeterClock, m: MeterReadings): void {
    if (m.demand.version !== this.peakVersion) this.encodePeaks(m.demand);
    w.bytes(this.head);
    w.bytes(this.open.time); clock.write(w, m.time); w.bytes(this.close.time);
    for (let i = 0; i < 2; i++) { w.bytes(this.counterCodes[i]!); w.fixed(m.importWh[i]!, 6, 3); w.bytes(KWH_CLOSE); }
    for (let i = 0; i < 2; i++) { w.bytes(this.counterCodes[2 + i]!); w.fixed(m.exportWh[i]!, 6, 3); w.bytes(KWH_CLOSE); }
    w.bytes(this.open.register); w.digits(m.register, 4); w.bytes(this.close.register);
    w.bytes(this.open.quarter); w.fixed(m.demand.runningAverageW, 2, 3); w.bytes(KW_CLOSE);
    w.bytes(this.peakLines);
    const p = m.phases;
    w.bytes(this.open.importNow); w.fixed(p.totalImportW, 2, 3); w.bytes(KW_CLOSE);
    w.bytes(this.open.exportNow); w.fixed(p.totalExportW, 2, 3); w.bytes(KW_CLOSE);
    const n = this.phaseCount;
    for (let i = 0; i < n; i++) { w.bytes(this.phaseCodes.import[i]!); w.fixed(p.importW[i]!, 2, 3); w.bytes(KW_CLOSE); }
    for (let i = 0; i < n; i++) { w.bytes(this.phaseCodes.export[i]!); w.fixed(p.exportW[i]!, 2, 3); w.bytes(KW_CLOSE); }
    for (let i = 0; i < n; i++) { w.bytes(this.phaseCodes.voltage[i]!); w.fixed(p.voltageDv[i]!, 3, 1); w.bytes(this.close.volt); }
    for (let i = 0; i < n; i++) { w.bytes(this.phaseCodes.current[i]!); w.fixed(p.currentCa[i]!, 3, 2); w.bytes(this.close.amp); }
    w.bytes(this.tail);
    w.bytes(this.gasIdLines); w.bytes(this.gasLine);
    w.bytes(this.waterIdLines); w.bytes(this.waterLine);
    w.byte(0x21); // '!'
    w.hex4(crc16(w.buffer, 0, w.length));
    w.bytes(CRLF);
  }

  private encodePeaks(demand: DemandRegisters): void {
    const w = new ByteWriter(1024);
    w.bytes(ascii('1-0:1.6.0('));
    w.bytes(demand.monthPeak ? encodeTimestamp(demand.monthPeak.time) : PLACEHOLDER_TIMESTAMP);
    w.bytes(ascii(')('));
    w.fixed(demand.monthPeak?.watts ?? 0, 2, 3);
    w.bytes(KW_CLOSE);
    const months = demand.closedMonths;
    w.bytes(ascii(`0-0:98.1.0(${months.length})(1-0:1.6.0)(1-0:1.6.0)`));
    if (months.length === 0) w.bytes(ascii('()'));
    for (const month of months) {
      w.byte(0x28); w.bytes(encodeTimestamp(month.closedAt)); w.bytes(ascii(')('));
      w.bytes(month.peak ? encodeTimestamp(month.peak.time) : PLACEHOLDER_TIMESTAMP); w.bytes(ascii(')('));
      w.fixed(month.peak?.watts ?? 0, 2, 3); w.bytes(ascii('*kW)'));
    }
    w.bytes(CRLF);
    this.peakLines = w.buffer.slice(0, w.length);
    this.peakVersion = demand.version;
  }
}

function mbusLine(code: string, snapshot: MbusSnapshot): Uint8Array {
  const w = new ByteWriter(64);
  w.bytes(ascii(code)); w.bytes(encodeTimestamp(snapshot.time)); w.bytes(ascii(')('));
  w.fixed(snapshot.litres, 5, 3); w.bytes(ascii('*m3)\r\n'));
  return w.buffer.slice(0, w.length);
}
