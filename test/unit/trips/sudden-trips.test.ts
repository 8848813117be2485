import { DASHBOARD } from '../../../main/bus/access.js';
import { tripsDb } from '../../support/trips-db.js';
import { describe, expect, it } from 'vitest';
import { CommandRegistry } from '../../../main/bus/commands.js';
import { registerTripsCommands } from '../../../main/ev/trips/commands.js';
import { TripsService } from '../../../main/ev/trips/trips-service.js';
import { TripsStore } from '../../../main/ev/trips/trips-store.js';
import type { TripsState } from '../../../shared/trips/state.js';
import { ManualTimers } from '../../support/manual-timers.js';

const ZONE = 'Europe/Brussels';
// Wednesday 10 June 2026, 15:00 in Brussels (CEST, UTC+2) = 13:00Z
const NOW = Date.parse('2026-06-10T13:00:00Z');

function setup(db = tripsDb(), timers = new ManualTimers(NOW)) {
  const published: TripsState[] = [];
  const service = new TripsService({
    sources: [], store: new TripsStore(db), timers, refreshMs: 300_000, horizonDays: 7, onState: (s) => published.push(s),
    cars: [
      { name: 'tesla', batteryKwh: 75, consumptionKwhPer100Km: 18, defaultNeed: '80%', chargeEfficiency: 0.9 },
      { name: 'zoe', batteryKwh: 52, consumptionKwhPer100Km: 17, defaultNeed: '60%', chargeEfficiency: 0.88 },
    ],
    convention: { marginMinutes: 30, allDayDeparture: null, zone: ZONE },
  });
  const commands = new CommandRegistry();
  registerTripsCommands(commands, service);
  const run = (name: string, args: unknown) => commands.execute(name, args, { identity: DASHBOARD, via: 'mqtt' });
  return { service, commands, run, published, timers, db };
}

describe('sudden trips: "ready by 17:00 with 80%"', () => {
  it('becomes a trip at once: urgent, due at 17:00 local, first for its car', () => {
    const { service, run, published } = setup();
    service.start();
    const outcome = run('trips.sudden', { car: 'tesla', by: '17:00', need: '80%' });
    expect(outcome).toMatchObject({ ok: true });
    // 17:00 CEST = 15:00Z today; 80% of 75 kWh = 60 kWh
    const state = published.at(-1)!;
    expect(state.next[0]).toMatchObject({ car: 'tesla', trip: { departure: Date.parse('2026-06-10T15:00:00Z'), needSocPct: 80, needKwh: 60, urgent: true, source: 'sudden' } });
    expect(state.next[1]).toEqual({ car: 'zoe', name: 'zoe', trip: null });
    service.stop();
  });

  it('a time already passed today means tomorrow; a range in km; the default need', () => {
    const { service, run } = setup();
    run('trips.sudden', { car: 'zoe', by: '14:00', need: '150km' });
    // 14:00 CEST has passed (it is 15:00): tomorrow 14:00 CEST = 12:00Z; 150 km x 17/100 = 25.5 kWh = 49.04% of 52
    expect(service.state.next[1]!.trip).toMatchObject({ departure: Date.parse('2026-06-11T12:00:00Z'), needKwh: 25.5, needSocPct: 49.04 });
    run('trips.sudden', { car: 'tesla', by: '2026-06-10T18:30:00+02:00' });
    expect(service.state.next[0]!.trip).toMatchObject({ departure: Date.parse('2026-06-10T16:30:00Z'), needSocPct: 80, needFrom: 'default' });
  });

  it('refuses what it cannot do, saying why', () => {
    const { run } = setup();
    expect(run('trips.sudden', { car: 'golf', by: '17:00' })).toEqual({ ok: false, error: { code: 'internal', message: "command 'trips.sudden' failed: no car 'golf' in ev.cars (@car_<id>@ names a car by its id; known: tesla, zoe)" } });
    expect(run('trips.sudden', { car: 'tesla', by: '25:00' })).toMatchObject({ ok: false, error: { code: 'bad-arguments' } });
    expect(run('trips.sudden', { car: 'tesla', by: '17:00', need: '120' })).toMatchObject({ ok: false, error: { message: expect.stringContaining('"120" is not a need') } });
    expect(run('trips.sudden', { car: 'tesla', by: NOW - 1 })).toMatchObject({ ok: false, error: { message: expect.stringContaining('has passed') } });
  });

  it('survives a restart, leaves once departed, and can be cancelled', () => {
    const first = setup();
    first.run('trips.sudden', { car: 'tesla', by: '17:00', need: '80%' });
    first.run('trips.sudden', { car: 'zoe', by: '16:00', need: '50%' });
    const timers = new ManualTimers(NOW + 60_000);
    const again = setup(first.db, timers);
    again.service.start();
    expect(again.service.state.trips.map((t) => t.car)).toEqual(['zoe', 'tesla']);
    expect(again.run('trips.cancel', { car: 'zoe' })).toEqual({ ok: true, value: { cancelled: true } });
    expect(again.service.state.trips.map((t) => t.car)).toEqual(['tesla']);
    // past 17:00 local (15:00Z) the recompute (every minute) drops the departed trip
    timers.advance(2 * 3_600_000);
    expect(again.published.at(-1)!.trips).toEqual([]);
    again.service.stop();
  });
});

describe('publishing', () => {
  it('a refresh publishes the new state even when the service runs no schedule of its own', async () => {
    const { service, published } = setup();
    await service.refresh();
    expect(published).toHaveLength(1);
    expect(published[0]!.next.map((n) => n.car)).toEqual(['tesla', 'zoe']);
  });
});
