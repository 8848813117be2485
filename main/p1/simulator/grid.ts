/**
 * The grid connection: turns the net power of the house's three circuits into what the meter
 * shows per phase (power, current, voltage), coherently for each connection type.
 * - 1x230: one phase; the meter sends L1 lines only.
 * - 3x400: star with neutral; each circuit is a phase to neutral.
 * - 3x230: delta without neutral; circuits are the phase pairs L1-L2, L2-L3, L3-L1 and the meter
 *   is a two-element (Aron) meter referenced to L2, so L2 reads 0 V and 0 kW while its current
 *   is the vector sum of the pair currents.
 */
export type GridKind = '1x230' | '3x230' | '3x400';
export const GRID_KINDS: readonly GridKind[] = ['1x230', '3x230', '3x400'];

/** What the meter measures in one second; reused every second (no allocation in the hot path). */
export class PhaseReadings {
  readonly importW = new Int32Array(3);
  readonly exportW = new Int32Array(3);
  readonly voltageDv = new Int32Array(3);
  readonly currentCa = new Int32Array(3);
  totalImportW = 0;
  totalExportW = 0;
}

/** Resistance of the service cable per phase, ohm: own load pulls the voltage down, export pushes it up. */
const LINE_OHM = 0.2;

/**
 * @param net signed net watts per circuit (import positive, PV export negative)
 * @param baseDv grid voltage per phase before the house's load, decivolts
 */
export function measure(grid: GridKind, net: Int32Array, baseDv: Uint16Array, baseIndex: number, out: PhaseReadings): void {
  if (grid === '1x230') {
    const p = net[0]! + net[1]! + net[2]!;
    phaseFromPower(out, 0, p, baseDv[baseIndex]!);
    for (let c = 1; c < 3; c++) out.importW[c] = out.exportW[c] = out.voltageDv[c] = out.currentCa[c] = 0;
    setTotal(out, p);
  } else if (grid === '3x400') {
    for (let c = 0; c < 3; c++) phaseFromPower(out, c, net[c]!, baseDv[baseIndex + c]!);
    setTotal(out, net[0]! + net[1]! + net[2]!);
  } else {
    const a = net[0]!; const b = net[1]!; const c = net[2]!;
    // two-wattmeter readings with L2 as reference: element 1 = Pa + Pc/2, element 3 = Pb + Pc/2
    const halfC = Math.trunc(c / 2);
    phaseFromPower(out, 0, a + halfC, baseDv[baseIndex]!);
    phaseFromPower(out, 2, b + c - halfC, baseDv[baseIndex + 2]!);
    // line currents from the pair currents (phasors 120 degrees apart): |I1|^2 = Ia^2 + Ic^2 + Ia*Ic, ...
    const ia = a / 230; const ib = b / 230; const ic = c / 230;
    out.currentCa[0] = Math.round(100 * Math.sqrt(Math.max(0, ia * ia + ic * ic + ia * ic)));
    out.currentCa[1] = Math.round(100 * Math.sqrt(Math.max(0, ia * ia + ib * ib + ia * ib)));
    out.currentCa[2] = Math.round(100 * Math.sqrt(Math.max(0, ib * ib + ic * ic + ib * ic)));
    out.importW[1] = out.exportW[1] = out.voltageDv[1] = 0;
    setTotal(out, a + b + c);
  }
}

function phaseFromPower(out: PhaseReadings, phase: number, watts: number, baseDv: number): void {
  out.importW[phase] = watts > 0 ? watts : 0;
  out.exportW[phase] = watts < 0 ? -watts : 0;
  const amps = watts / 230;
  const dv = Math.round(baseDv - amps * LINE_OHM * 10);
  out.voltageDv[phase] = dv;
  out.currentCa[phase] = Math.round((Math.abs(watts) * 1000) / dv);
}

function setTotal(out: PhaseReadings, watts: number): void {
  out.totalImportW = watts > 0 ? watts : 0;
  out.totalExportW = watts < 0 ? -watts : 0;
}
