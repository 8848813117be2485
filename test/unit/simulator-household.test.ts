/**
 * The simulated household behaves like a Belgian home through the seasons, on every grid type,
 * and the same seed always tells the same story.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedMeter } from '../../main/p1/simulator/meter.js';
import { decodeSeconds, exportW, importW } from '../support/simulated-telegrams.js';

const at = (iso: string) => Date.parse(iso);

function bytesOf(meter: SimulatedMeter, seconds: number): Buffer {
  const chunks: Buffer[] = [];
  for (let i = 0; i < seconds; i++) chunks.push(Buffer.from(meter.next()));
  return Buffer.concat(chunks);
}

describe('determinism', () => {
  it('the same seed and start give byte-identical telegrams', () => {
    const a = bytesOf(new SimulatedMeter({ seed: 42, start: at('2025-03-30T00:30:00Z') }), 7200);
    const b = bytesOf(new SimulatedMeter({ seed: 42, start: at('2025-03-30T00:30:00Z') }), 7200);
    expect(a.equals(b)).toBe(true);
  });

  it('another seed gives another home', () => {
    const a = bytesOf(new SimulatedMeter({ seed: 1, start: at('2025-03-30T10:00:00Z') }), 60);
    const b = bytesOf(new SimulatedMeter({ seed: 2, start: at('2025-03-30T10:00:00Z') }), 60);
    expect(a.equals(b)).toBe(false);
  });

  it('a day\'s weather and appliances depend on the date, not on when the run started', () => {
    const early = new SimulatedMeter({ seed: 5, start: at('2025-05-10T04:00:00Z') });
    for (let i = 0; i < 6 * 3600; i++) early.next();
    const late = new SimulatedMeter({ seed: 5, start: at('2025-05-10T10:00:00Z') });
    const fromEarly = decodeSeconds(early, 600).telegrams;
    const fromLate = decodeSeconds(late, 600).telegrams;
    expect(fromLate.map((t) => [importW(t), exportW(t)])).toEqual(fromEarly.map((t) => [importW(t), exportW(t)]));
  });
});

describe('seasons', () => {
  it('a summer day exports around noon (PV above the load)', () => {
    // seed 1, 18-24 June 2025: cloudy or clear, every day's 13:00-14:00 exports
    for (const day of [18, 19, 20, 21, 22, 23, 24]) {
      const { telegrams } = decodeSeconds(new SimulatedMeter({ seed: 1, start: at(`2025-06-${day}T11:00:00Z`) }), 3600);
      const net = telegrams.reduce((sum, t) => sum + exportW(t) - importW(t), 0);
      expect(net, `24 June ${day}`).toBeGreaterThan(0);
    }
  });

  it('no PV at night, and none at all with pvKwp 0', () => {
    const night = decodeSeconds(new SimulatedMeter({ seed: 1, start: at('2025-06-21T00:00:00Z') }), 600).telegrams;
    expect(night.every((t) => exportW(t) === 0)).toBe(true);
    const noPanels = decodeSeconds(new SimulatedMeter({ seed: 1, pvKwp: 0, start: at('2025-06-21T11:00:00Z') }), 600).telegrams;
    expect(noPanels.every((t) => exportW(t) === 0)).toBe(true);
  });

  it('a winter week peaks in the evening: each day\'s highest quarter lies between 17:00 and 23:00', () => {
    // seed 1, Monday 13 to Sunday 19 January 2025; read through the meter's own 1.6.0 per day
    const meter = new SimulatedMeter({ seed: 1, start: at('2025-01-12T23:00:00Z') });
    const dailyPeakHours: number[] = [];
    for (let day = 0; day < 7; day++) {
      let best = { w: -1, time: 0 };
      let quarterWs = 0;
      for (let s = 0; s < 86_400; s++) {
        const time = meter.time;
        meter.next();
        quarterWs += meter.lastSecond!.importW;
        if ((time + 1000) % 900_000 === 0) {
          if (quarterWs / 900 > best.w) best = { w: quarterWs / 900, time: time + 1000 - 900_000 };
          quarterWs = 0;
        }
      }
      dailyPeakHours.push(new Date(best.time).getUTCHours() + 1); // Brussels winter time
    }
    for (const hour of dailyPeakHours) {
      expect(hour).toBeGreaterThanOrEqual(17);
      expect(hour).toBeLessThan(23);
    }
    // and the month peak the meter reports is one of those evening quarters
    const [last] = decodeSeconds(meter, 1).telegrams;
    const peakHour = new Date(last!.monthPeak!.time!).getUTCHours() + 1;
    expect(peakHour).toBeGreaterThanOrEqual(17);
    expect(peakHour).toBeLessThan(21);
    expect(last!.monthPeak!.kw).toBeGreaterThan(2.5);
  });
});

describe('grids', () => {
  const first10Minutes = (grid: '1x230' | '3x230' | '3x400') =>
    decodeSeconds(new SimulatedMeter({ seed: 1, grid, start: at('2025-01-15T17:00:00Z') }), 600).telegrams;

  it('1x230: one phase, near 230 V, current = power / voltage', () => {
    for (const t of first10Minutes('1x230')) {
      expect(t.phases).toHaveLength(1);
      const [l1] = t.phases;
      expect(l1!.voltageV!).toBeGreaterThan(215);
      expect(l1!.voltageV!).toBeLessThan(245);
      expect(l1!.currentA!).toBeCloseTo((l1!.importKw! * 1000) / l1!.voltageV!, 1);
      expect(l1!.importKw).toBe(t.powerKw!.import);
    }
  });

  it('3x400: three phases to neutral, each coherent', () => {
    for (const t of first10Minutes('3x400')) {
      expect(t.phases.map((p) => p.phase)).toEqual([1, 2, 3]);
      for (const p of t.phases) {
        expect(p.voltageV!).toBeGreaterThan(215);
        expect(p.currentA!).toBeCloseTo(((p.importKw! + p.exportKw!) * 1000) / p.voltageV!, 1);
      }
    }
  });

  it('3x230: L2 reads 0 V and 0 kW while carrying current; L1 and L3 carry the power', () => {
    const telegrams = first10Minutes('3x230');
    for (const t of telegrams) {
      const [l1, l2, l3] = t.phases;
      expect(l2).toMatchObject({ voltageV: 0, importKw: 0, exportKw: 0 });
      expect(l1!.voltageV!).toBeGreaterThan(215);
      expect(l3!.voltageV!).toBeGreaterThan(215);
      expect(Math.round(l1!.importKw! * 1000) + Math.round(l3!.importKw! * 1000)).toBe(importW(t));
    }
    expect(telegrams.some((t) => t.phases[1]!.currentA! > 1)).toBe(true);
  });
});
