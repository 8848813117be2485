/**
 * The peak monitor against the meter simulator (written separately from the spec: its 1.4.0,
 * 1.6.0 and 98.1.0 come from joules, ours from the counters), through the real parser: a start
 * mid-quarter, an EV session that sets March's peak, and the month boundary into April (summer
 * time: 22:00 UTC). The two must agree within the counters' resolution everywhere.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedMeter } from '../../main/p1/simulator/meter.js';
import { parseFrame } from '../../main/p1/parse.js';
import { PeakMonitor } from '../../main/peak/peak-monitor.js';
import type { ClosedQuarter } from '../../shared/peak/quarter-state.js';
import type { PeakEvent } from '../../shared/peak/events.js';

describe('peak monitor on the simulated meter', () => {
  it('agrees with its demand registers over a month boundary', () => {
    const meter = new SimulatedMeter({ seed: 7, start: Date.parse('2024-03-31T20:07:30Z'), pvKwp: 0 });
    const peaks = new PeakMonitor({ minimumKw: 2.5, pricePerKwYear: 50 });
    const events: PeakEvent[] = [];
    const closed: ClosedQuarter[] = [];
    let previousTime: number | null = null;
    const end = Date.parse('2024-03-31T23:00:00Z');
    while (meter.time < end) {
      if (meter.time === Date.parse('2024-03-31T21:00:00Z')) meter.setEvPower(7.4);
      if (meter.time === Date.parse('2024-03-31T21:40:00Z')) meter.setEvPower(0);
      if (meter.time === Date.parse('2024-03-31T22:20:00Z')) meter.setEvPower(3.7);
      if (meter.time === Date.parse('2024-03-31T22:35:00Z')) meter.setEvPower(0);
      const parsed = parseFrame(meter.next(), { previousTime });
      if (!parsed.ok) throw new Error(`simulator frame refused: ${parsed.error} ${parsed.detail}`);
      previousTime = parsed.telegram.time;
      const u = peaks.update(parsed.telegram);
      events.push(...u.events);
      closed.push(...u.closed);
    }

    expect(events.filter((e) => e.type === 'month-peak-disagreement' || e.type === 'reading-ignored' || e.type === 'counter-break')).toEqual([]);
    expect(events.filter((e) => e.type === 'quarter-seeded')).toHaveLength(1);
    expect(events.find((e) => e.type === 'seed-check')).toMatchObject({ agrees: true });
    expect(events.filter((e) => e.type === 'month-closed').map((e) => e.type === 'month-closed' && e.month)).toEqual(['2024-03']);
    expect(closed[0]).toMatchObject({ start: Date.parse('2024-03-31T20:00:00Z'), complete: false });
    expect(closed.slice(1).every((q) => q.complete)).toBe(true);

    const m = peaks.monthState()!;
    const march = m.closed.find((c) => c.month === '2024-03')!;
    expect(march.meterPeakKw).not.toBeNull();
    expect(Math.abs(march.meterPeakKw! - march.ownPeakKw!)).toBeLessThanOrEqual(0.004 + 1e-9);
    expect(march.ownPeakKw!).toBeGreaterThan(7); // the EV quarter
    expect(m.current.month).toBe('2024-04');
    expect(Math.abs(m.current.meterPeakKw! - m.current.ownPeakKw!)).toBeLessThanOrEqual(0.004 + 1e-9);
  });
});
