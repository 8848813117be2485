/**
 * The simulator checked through the product's own decoder and by physics: counters only go up,
 * energy is the integral of the power shown, and the demand registers say what the load implies.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedMeter } from '../../main/p1/simulator/meter.js';
import { decodeSeconds, exportW, exportWh, importW, importWh } from '../support/simulated-telegrams.js';
import type { Telegram } from '../../shared/p1/telegram.js';

const at = (iso: string) => Date.parse(iso);

describe('simulated counters', () => {
  // a winter evening (import) and a summer midday (export), three hours each
  const runs = {
    'winter evening': decodeSeconds(new SimulatedMeter({ seed: 1, start: at('2025-01-15T16:00:00Z') }), 3 * 3600),
    'summer midday': decodeSeconds(new SimulatedMeter({ seed: 1, start: at('2025-06-21T09:00:00Z') }), 3 * 3600),
  };

  for (const [name, { telegrams, refused }] of Object.entries(runs)) {
    it(`${name}: every telegram passes the decoder's CRC and structure checks`, () => {
      expect(refused).toEqual([]);
      expect(telegrams).toHaveLength(3 * 3600);
    });

    it(`${name}: no counter ever goes down and telegrams come one per second`, () => {
      for (let i = 1; i < telegrams.length; i++) {
        const [a, b] = [telegrams[i - 1]!, telegrams[i]!];
        expect(b.time! - a.time!).toBe(1000);
        expect(b.importKwh!.t1!).toBeGreaterThanOrEqual(a.importKwh!.t1!);
        expect(b.importKwh!.t2!).toBeGreaterThanOrEqual(a.importKwh!.t2!);
        expect(b.exportKwh!.t1!).toBeGreaterThanOrEqual(a.exportKwh!.t1!);
        expect(b.exportKwh!.t2!).toBeGreaterThanOrEqual(a.exportKwh!.t2!);
        expect(b.mbus[0]!.value!).toBeGreaterThanOrEqual(a.mbus[0]!.value!);
      }
    });

    it(`${name}: each hour's counter increase equals the integral of the power shown, within 1 Wh`, () => {
      for (let hour = 0; hour < 3; hour++) {
        const first = hour * 3600;
        let importWs = 0;
        let exportWs = 0;
        for (let i = first; i < first + 3600; i++) {
          importWs += importW(telegrams[i]!);
          exportWs += exportW(telegrams[i]!);
        }
        const end = telegrams[first + 3600] ?? null;
        if (!end) continue; // the last hour has no closing telegram
        expect(Math.abs(importWh(end) - importWh(telegrams[first]!) - importWs / 3600)).toBeLessThan(1);
        expect(Math.abs(exportWh(end) - exportWh(telegrams[first]!) - exportWs / 3600)).toBeLessThan(1);
      }
    });
  }

  it('the summer midday exports and the winter evening imports', () => {
    const exported = (ts: Telegram[]) => exportWh(ts[ts.length - 1]!) - exportWh(ts[0]!);
    const imported = (ts: Telegram[]) => importWh(ts[ts.length - 1]!) - importWh(ts[0]!);
    expect(exported(runs['summer midday'].telegrams)).toBeGreaterThan(3000); // over 1 kW on average, 3 h
    expect(exported(runs['winter evening'].telegrams)).toBe(0);
    expect(imported(runs['winter evening'].telegrams)).toBeGreaterThan(4500);
  });

  it('per-phase powers add up to the total shown, with phases netted (3x400)', () => {
    for (const t of [...runs['winter evening'].telegrams.slice(0, 600), ...runs['summer midday'].telegrams.slice(0, 600)]) {
      const phaseNet = t.phases.reduce((sum, p) => sum + Math.round(p.importKw! * 1000) - Math.round(p.exportKw! * 1000), 0);
      expect(phaseNet).toBe(importW(t) - exportW(t));
    }
  });
});

describe('demand registers', () => {
  // 2025-01-31 20:00 Brussels to 2025-02-01 02:00: four quarter-closing hours, then a month close
  const { telegrams } = decodeSeconds(new SimulatedMeter({ seed: 3, start: at('2025-01-31T19:00:00Z') }), 6 * 3600);

  it('1-0:1.4.0 is the energy imported so far in the quarter x 4, from the power shown', () => {
    let quarterWs = 0;
    for (const t of telegrams) {
      if (t.time! % 900_000 === 0) quarterWs = 0;
      expect(Math.round(t.quarterAverageKw! * 1000)).toBe(Math.floor(quarterWs / 900));
      quarterWs += importW(t);
    }
  });

  it('1-0:1.6.0 is the highest closed quarter of the month, stamped with its start', () => {
    let quarterWs = 0;
    let best: { time: number; kw: number } | null = null;
    let quarterStart = telegrams[0]!.time! - (telegrams[0]!.time! % 900_000);
    for (const t of telegrams) {
      if (t.time! % 900_000 === 0 && t.time! !== quarterStart) {
        const kw = Math.floor(quarterWs / 900) / 1000;
        if (!best || kw > best.kw) best = { time: quarterStart, kw };
        quarterWs = 0;
        quarterStart = t.time!;
        if (t.time === at('2025-01-31T23:00:00Z')) best = null; // February begins at Brussels midnight
      }
      if (best) expect(t.monthPeak).toEqual(best);
      else expect(t.monthPeak).toEqual({ time: null, kw: 0 });
      quarterWs += importW(t);
    }
  });

  it('the month closes at Brussels midnight into 0-0:98.1.0 with January\'s peak', () => {
    const lastOfJanuary = telegrams.find((t) => t.time === at('2025-01-31T22:59:59Z'))!;
    const firstOfFebruary = telegrams.find((t) => t.time === at('2025-01-31T23:00:00Z'))!;
    const quarterLater = telegrams.find((t) => t.time === at('2025-01-31T23:15:00Z'))!;
    expect(lastOfJanuary.peakHistory).toEqual([]);
    expect(firstOfFebruary.peakHistory).toHaveLength(1);
    // the closing quarter 23:45-24:00 counts for January, so the history holds the final January peak
    expect(firstOfFebruary.peakHistory[0]!.month).toBe(at('2025-01-31T23:00:00Z'));
    expect(firstOfFebruary.peakHistory[0]!.kw).toBeGreaterThanOrEqual(lastOfJanuary.monthPeak!.kw);
    expect(firstOfFebruary.monthPeak).toEqual({ time: null, kw: 0 });
    expect(quarterLater.monthPeak!.time).toBe(at('2025-01-31T23:00:00Z'));
  });
});

describe('tariff register', () => {
  const registerAt = (iso: string) => decodeSeconds(new SimulatedMeter({ seed: 1, start: at(iso) }), 1).telegrams[0]!.tariff;

  it('follows Belgian day/night hours: night 22:00-07:00 on weekdays, all weekend', () => {
    expect(registerAt('2025-01-15T20:59:59Z')).toBe(1); // Wednesday 21:59:59 Brussels
    expect(registerAt('2025-01-15T21:00:00Z')).toBe(2); // Wednesday 22:00
    expect(registerAt('2025-01-16T05:59:59Z')).toBe(2); // Thursday 06:59:59
    expect(registerAt('2025-01-16T06:00:00Z')).toBe(1); // Thursday 07:00
    expect(registerAt('2025-01-18T11:00:00Z')).toBe(2); // Saturday noon
    expect(registerAt('2025-07-07T05:00:00Z')).toBe(1); // Monday 07:00 summer time
    expect(registerAt('2025-07-07T04:59:59Z')).toBe(2); // Monday 06:59:59 summer time
  });

  it('energy goes to the active register only', () => {
    const { telegrams } = decodeSeconds(new SimulatedMeter({ seed: 1, start: at('2025-01-15T20:30:00Z') }), 3600);
    const day = telegrams.filter((t) => t.tariff === 1);
    const night = telegrams.filter((t) => t.tariff === 2);
    expect(day).toHaveLength(1800);
    expect(night[night.length - 1]!.importKwh!.t1).toBe(night[0]!.importKwh!.t1);
    expect(night[night.length - 1]!.importKwh!.t2!).toBeGreaterThan(night[0]!.importKwh!.t2!);
    expect(day[day.length - 1]!.importKwh!.t2).toBe(day[0]!.importKwh!.t2);
  });
});

describe('gas and water', () => {
  const { telegrams } = decodeSeconds(new SimulatedMeter({ seed: 2, start: at('2025-01-15T05:02:30Z'), water: true }), 2 * 3600);

  it('gas (type 003) and water (type 007) readings change only every 5 minutes, stamped on the 5 minutes', () => {
    expect(telegrams[0]!.mbus.map((m) => [m.channel, m.kind, m.unit])).toEqual([[1, 'gas', 'm3'], [2, 'water', 'm3']]);
    const times = new Set(telegrams.map((t) => t.mbus[0]!.time));
    expect(times.size).toBe(25); // 06:00 (the one before the start) to 08:00 Brussels
    for (const time of times) expect(time! % 300_000).toBe(0);
    for (const t of telegrams) expect(t.time! - t.mbus[0]!.time!).toBeLessThan(300_000);
  });

  it('morning showers use gas and water', () => {
    const first = telegrams[0]!;
    const last = telegrams[telegrams.length - 1]!;
    expect(last.mbus[0]!.value! - first.mbus[0]!.value!).toBeGreaterThan(0.05);
    expect(last.mbus[1]!.value! - first.mbus[1]!.value!).toBeGreaterThan(0.02);
  });

  it('without a water meter only the gas meter is on the M-Bus', () => {
    const one = decodeSeconds(new SimulatedMeter({ seed: 2, start: at('2025-01-15T05:02:30Z') }), 1).telegrams[0]!;
    expect(one.mbus.map((m) => m.kind)).toEqual(['gas']);
  });
});
