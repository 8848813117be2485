import { describe, expect, it } from 'vitest';
import type { BatteryState } from '../../shared/battery/state.js';
import type { EvChargerState } from '../../shared/ev/state.js';
import { StateHub } from '../../main/bus/state-hub.js';
import { satelliteCommandGuard } from '../../main/site/satellite-commands.js';
import { SatelliteStates, mergeBattery, mergeEv, type SatelliteSection } from '../../main/site/satellite-state.js';

function charger(id: string, over: Partial<EvChargerState> = {}): EvChargerState {
  return {
    id, description: `charger ${id}`, car: { id: 'car_1', name: 'Zoe', minSocPercent: 20 }, cars: [{ id: 'car_1', name: 'Zoe' }],
    plugged: true, state: 'charging', chargerWords: null, soc: { percent: 55, source: 'vehicle', basedOn: 'vehicle' }, socPrompt: false,
    powerKw: 11, phases: [], sessionKwh: 3.2, mode: 'smart', commandA: 16, commandPhases: 3, grantedKw: 11,
    reason: { code: 'plan', text: 'as planned' }, safe: false, problem: null, ...over,
  };
}

function battery(device: string): BatteryState {
  return {
    device, description: 'battery', link: { state: 'ok', message: null }, mode: 'auto', socPct: 60, powerKw: 2, capacityKwh: 10,
    setpointKw: null, control: 'own', reason: { code: 'plan', text: 'as planned' },
    today: { day: '2026-12-02', chargedKwh: 0, dischargedKwh: 0, storedFromSolarKwh: 0, savedEur: null }, notices: [],
  };
}

describe('mergeEv / mergeBattery', () => {
  it('appends a satellite\'s chargers after the meter\'s own, marked with its name', () => {
    const merged = mergeEv({ chargers: [charger('drive')] }, [{ name: 'garage-ev', section: { ev: { chargers: [charger('garage')] } }, offline: null }]);
    expect(merged.ev?.chargers.map((c) => [c.id, c.satellite])).toEqual([['drive', undefined], ['garage', 'garage-ev']]);
    // the satellite's figures unchanged: plugged, SoC 55 %
    expect(merged.ev?.chargers[1]).toMatchObject({ plugged: true, soc: { percent: 55 } });
    expect(merged.skipped).toEqual([]);
  });

  it('a meter without an EV role shows a satellite\'s chargers; with none anywhere, nothing', () => {
    expect(mergeEv(undefined, [{ name: 'g', section: { ev: { chargers: [charger('garage')] } }, offline: null }]).ev?.chargers).toHaveLength(1);
    expect(mergeEv(undefined, [{ name: 'g', section: { battery: battery('b') }, offline: null }]).ev).toBeUndefined();
  });

  it('a charger id already shown is skipped, naming both holders', () => {
    const merged = mergeEv({ chargers: [charger('garage')] }, [
      { name: 'garage-ev', section: { ev: { chargers: [charger('garage')] } }, offline: null },
    ]);
    expect(merged.ev?.chargers).toHaveLength(1);
    expect(merged.skipped).toEqual(["charger garage of satellite garage-ev clashes with the meter's own"]);
  });

  it('an offline satellite\'s charger: plug and SoC unknown, safe, the reason in words', () => {
    const judged = charger('garage', { tripVerdicts: [{ tripId: 't1', met: true, shortKwh: null }] });
    const merged = mergeEv(null, [{ name: 'garage-ev', section: { ev: { chargers: [judged] } }, offline: 'satellite garage-ev: no state for 11 s' }]);
    expect(merged.ev?.chargers[0]).toMatchObject({
      id: 'garage', satellite: 'garage-ev', plugged: false, state: 'unknown', soc: null, powerKw: null, safe: true,
      problem: 'satellite garage-ev: no state for 11 s', reason: { code: 'satellite-offline' }, trip: null, tripVerdicts: [],
    });
  });

  it('one battery: the meter\'s own wins; a satellite\'s when it has none; offline means link error', () => {
    expect(mergeBattery(battery('home'), [{ name: 's', section: { battery: battery('shed') }, offline: null }]).battery?.device).toBe('home');
    expect(mergeBattery(null, [{ name: 's', section: { battery: battery('shed') }, offline: null }]).battery).toMatchObject({ device: 'shed', satellite: 's' });
    expect(mergeBattery(null, [{ name: 's', section: { battery: battery('shed') }, offline: 'gone' }]).battery).toMatchObject({ link: { state: 'error', message: 'gone' }, powerKw: null });
  });
});

describe('SatelliteStates', () => {
  function rig(local: SatelliteSection = {}, filed: Record<string, string> = {}) {
    let now = 0;
    const warnings: string[] = [];
    const states = new SatelliteStates({ monoNow: () => now, local: () => local, filedBy: (d) => filed[d], warn: (m) => warnings.push(m) });
    let changes = 0;
    states.onChange(() => changes++);
    return { states, warnings, advance: (ms: number) => { now += ms; }, changes: () => changes };
  }
  const conn1 = {};
  const conn2 = {};

  it('refuses a device another satellite, the meter or another door holds, saying who', () => {
    const r = rig({ ev: { chargers: [charger('drive')] } }, { carport: 'satellite:carport-ev' });
    expect(r.states.report('garage-ev', conn1, { ev: { chargers: [charger('garage')] } })).toEqual({ ok: true });
    expect(r.states.report('other', conn2, { ev: { chargers: [charger('garage')] } }))
      .toEqual({ ok: false, message: 'device garage is already reported by satellite garage-ev, not other' });
    expect(r.states.report('other', conn2, { ev: { chargers: [charger('drive')] } }).ok).toBe(false);
    expect(r.states.report('other', conn2, { ev: { chargers: [charger('carport')] } }))
      .toEqual({ ok: false, message: 'device carport is already filed by satellite:carport-ev, not satellite:other' });
    // its own door's demand is its own
    expect(r.states.report('carport-ev', conn2, { ev: { chargers: [charger('carport')] } })).toEqual({ ok: true });
    expect(r.warnings).toHaveLength(3);
  });

  it('offline after 10 s without a report, back with the next one; a heartbeat equal to the last publishes nothing', () => {
    const r = rig();
    const section = { ev: { chargers: [charger('garage')] } };
    r.states.report('garage-ev', conn1, section);
    expect(r.changes()).toBe(1);
    r.advance(5_000);
    r.states.report('garage-ev', conn1, section);
    expect(r.changes()).toBe(1);
    // 10 s after the last report: still fresh (the limit is "more than 10 s")
    r.advance(10_000);
    r.states.tick();
    expect(r.states.reports[0]!.offline).toBeNull();
    r.advance(1_000);
    r.states.tick();
    expect(r.states.reports[0]!.offline).toBe('satellite garage-ev: no state for 11 s');
    expect(r.changes()).toBe(2);
    r.states.report('garage-ev', conn1, section);
    expect(r.states.reports[0]!.offline).toBeNull();
    expect(r.changes()).toBe(3);
  });

  it('a lost link marks it offline, but an old connection ending after a reconnect does not', () => {
    const r = rig();
    const section = { ev: { chargers: [charger('garage')] } };
    r.states.report('garage-ev', conn1, section);
    r.states.report('garage-ev', conn2, section);
    r.states.ended('garage-ev', conn1);
    expect(r.states.reports[0]!.offline).toBeNull();
    r.states.ended('garage-ev', conn2);
    expect(r.states.reports[0]!.offline).toBe('satellite garage-ev: link to the meter lost');
  });
});

describe('StateHub.compose', () => {
  it('publishes the owner\'s part composed with the other, and again on refresh', () => {
    const hub = new StateHub();
    let extra: EvChargerState[] = [];
    const composed = hub.compose('ev', (own) => ({ chargers: [...(own?.chargers ?? []), ...extra] }));
    hub.update({ ev: { chargers: [charger('drive')] } });
    expect(hub.current.ev?.chargers.map((c) => c.id)).toEqual(['drive']);
    extra = [charger('garage')];
    composed.refresh();
    expect(hub.current.ev?.chargers.map((c) => c.id)).toEqual(['drive', 'garage']);
    // the owner writes its own part again: the other part stays
    hub.update({ ev: { chargers: [charger('drive', { plugged: false })] } });
    expect(hub.current.ev?.chargers.map((c) => [c.id, c.plugged])).toEqual([['drive', false], ['garage', true]]);
    composed.stop();
    expect(hub.current.ev?.chargers.map((c) => c.id)).toEqual(['drive']);
  });
});

describe('satelliteCommandGuard', () => {
  const guard = satelliteCommandGuard({ satelliteOf: (d) => ({ garage: 'garage-ev', shed: 'shed-pi' } as Record<string, string>)[d], satelliteBattery: () => 'shed' });

  it('refuses a satellite charger\'s and battery\'s commands, saying where to give them', () => {
    expect(guard('ev.mode', { charger: 'garage', mode: 'now' })).toBe("garage-ev's charger garage: set its mode on that satellite (its own dashboard)");
    expect(guard('ev.soc', { charger: 'garage', percent: 50 })).toBe("garage-ev's charger garage: set its state of charge on that satellite (its own dashboard)");
    expect(guard('battery.mode', { mode: 'hold' })).toBe("shed-pi's battery shed: set its mode on that satellite (its own dashboard)");
  });

  it('lets the meter\'s own chargers\' and other commands through', () => {
    expect(guard('ev.mode', { charger: 'drive', mode: 'now' })).toBeNull();
    expect(guard('rates.get', {})).toBeNull();
    expect(satelliteCommandGuard({ satelliteOf: () => undefined, satelliteBattery: () => undefined })('battery.mode', { mode: 'hold' })).toBeNull();
  });
});
