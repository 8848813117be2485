import { describe, expect, it } from 'vitest';
import { applyChanges, diffKeys, jsonEqual, pathsOverlap, valueAtPath } from '../../shared/bus/delta.js';
import { StateHub, foldDelta } from '../../main/bus/state-hub.js';
import type { BusState, MeterState } from '../../shared/state.js';

function meter(time: number, importKw: number, t1 = 100.5): MeterState {
  return {
    time,
    powerKw: { import: importKw, export: 0 },
    phases: [{ phase: 1, voltageV: 230.1, currentA: 2, importKw, exportKw: 0 }],
    tariff: 1,
    counters: { importKwh: { t1, t2: 200.25 }, exportKwh: { t1: 5, t2: 6 }, gasM3: 1234.567, gasTime: 1000, waterM3: null, waterTime: null },
  };
}

describe('diffKeys', () => {
  it('sends only the second-level keys that changed', () => {
    const before = { meter: meter(1000, 1.2), costs: { todayEur: 1 } };
    const after = { meter: meter(2000, 1.5), costs: { todayEur: 1 } };
    const changes = diffKeys(before, after, ['meter', 'costs']);
    expect(changes).toEqual({
      set: {
        'meter.time': 2000,
        'meter.powerKw': { import: 1.5, export: 0 },
        'meter.phases': [{ phase: 1, voltageV: 230.1, currentA: 2, importKw: 1.5, exportKw: 0 }],
      },
      unset: [],
    });
  });

  it('replaces a key whole when it was or becomes null, and lists removed sub-keys', () => {
    expect(diffKeys({ quarter: null }, { quarter: { averageKw: 2 } }, ['quarter'])).toEqual({ set: { quarter: { averageKw: 2 } }, unset: [] });
    expect(diffKeys({ costs: { a: 1, b: 2 } }, { costs: { a: 1 } }, ['costs'])).toEqual({ set: {}, unset: ['costs.b'] });
  });

  it('sends a parent whole when a sub-key contains a dot (it could not be addressed)', () => {
    expect(diffKeys({ sources: { 'p1.serial': 1 } }, { sources: { 'p1.serial': 2 } }, ['sources'])).toEqual({ set: { sources: { 'p1.serial': 2 } }, unset: [] });
  });
});

describe('applyChanges', () => {
  it('rebuilds the new state from the old one and the delta, leaving the old one untouched', () => {
    const old = { meter: { time: 1, powerKw: 0.5 }, costs: { a: 1, b: 2 } };
    const next = applyChanges(old, { set: { 'meter.time': 2, quarter: { x: 1 } }, unset: ['costs.b'] });
    expect(next).toEqual({ meter: { time: 2, powerKw: 0.5 }, costs: { a: 1 }, quarter: { x: 1 } });
    expect(old).toEqual({ meter: { time: 1, powerKw: 0.5 }, costs: { a: 1, b: 2 } });
  });
});

describe('paths', () => {
  it('reads dotted paths, array indexes included', () => {
    const state = { meter: meter(5, 3) };
    expect(valueAtPath(state, 'meter.counters.importKwh.t2')).toBe(200.25);
    expect(valueAtPath(state, 'meter.phases.0.voltageV')).toBe(230.1);
    expect(valueAtPath(state, 'meter.nothing')).toBeUndefined();
    expect(valueAtPath(state, 'meter..time')).toBeUndefined();
  });

  it('knows when a change touches a watched key', () => {
    expect(pathsOverlap('meter.powerKw', 'meter.powerKw.import')).toBe(true);
    expect(pathsOverlap('meter', 'meter.time')).toBe(true);
    expect(pathsOverlap('meter.time', 'meter')).toBe(true);
    expect(pathsOverlap('meter.phases', 'meter.powerKw')).toBe(false);
    expect(pathsOverlap('meter.power', 'meter.powerKw')).toBe(false);
  });

  it('compares JSON structurally', () => {
    expect(jsonEqual({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEqual([1], { 0: 1 })).toBe(false);
  });
});

describe('StateHub', () => {
  it('numbers deltas, skips updates that change nothing, and lets a client follow', () => {
    const hub = new StateHub();
    const seen: number[] = [];
    hub.subscribe((d) => seen.push(d.seq));
    let copy: { state: BusState; seq: number } = { state: hub.snapshot().state, seq: 0 };
    const d1 = hub.update({ meter: meter(1000, 1) })!;
    expect(d1.set).toEqual({ meter: meter(1000, 1) });
    expect(hub.update({ meter: meter(1000, 1) })).toBeNull();
    const d2 = hub.update({ meter: meter(2000, 1), sources: { p1: { status: 'ok', message: null, lastDataAt: 2000 } } })!;
    expect(Object.keys(d2.set).sort()).toEqual(['meter.time', 'sources.p1']);
    for (const d of [d1, d2]) {
      const folded = foldDelta(copy.state, copy.seq, d);
      if (folded === 'gap') throw new Error('gap');
      copy = folded;
    }
    expect(copy.state).toEqual(hub.current);
    expect(seen).toEqual([1, 2]);
    expect(hub.counts).toEqual({ updates: 3, deltas: 2 });
    expect(foldDelta(copy.state, 0, d2)).toBe('gap');
  });

  it('keeps going when a listener throws, and reports it', () => {
    const errors: unknown[] = [];
    const hub = new StateHub(undefined, (e) => errors.push(e));
    hub.subscribe(() => { throw new Error('broken consumer'); });
    let delivered = 0;
    hub.subscribe(() => { delivered++; });
    hub.update({ costs: { todayEur: 1.25 } });
    hub.update({ costs: { todayEur: 1.5 } });
    expect(delivered).toBe(2);
    expect(errors).toHaveLength(2);
    expect(hub.current.costs).toEqual({ todayEur: 1.5 });
  });
});
