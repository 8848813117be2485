import { DASHBOARD } from '../../main/bus/access.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../main/app.js';
import { FileSecretStore } from '../../main/secrets/file-secret-store.js';

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** An iCal event at a given instant, written in UTC. */
function calendarWith(start: Date, title: string): string {
  const stamp = start.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', 'UID:soon@test', `DTSTAMP:${stamp}`,
    `DTSTART:${stamp}`, `SUMMARY:${title}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
}

// the cars as ev.cars holds them now, and as an older file held them in trips.cars (moved to ev.cars at load)
const CARS = {
  'ev.cars': { ev: { cars: [{ id: 'tesla', name: 'Tesla Model 3', batteryKwh: 75, tripNeed: '80%' }] } },
  'an older file\'s trips.cars': { trips: { cars: [{ name: 'tesla', batteryKwh: 75 }] } },
} as const;

describe('the app with the ev role and trips configured', () => {
  for (const [shape, cars] of Object.entries(CARS)) {
    it(`reads the iCal address from its secret, publishes trips in the state, and takes trips.sudden (cars in ${shape})`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'dm-trips-app-'));
      const start = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 3 * 86_400_000);
      const server = createServer((_req, res) => res.end(calendarWith(start, 'Zee @car_tesla@ 90% @car_golf@')));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const dataDir = join(dir, 'data');
        await new FileSecretStore(dataDir).set('ical-url-gezin', `http://127.0.0.1:${(server.address() as AddressInfo).port}/private-key/basic.ics`);
        const config = {
          dataDir, roles: ['meter', 'ev'], log: { level: 'silent', file: false }, p1: { type: 'simulator', speed: 1 },
          ...cars, trips: { ...('trips' in cars ? cars.trips : {}), calendars: [{ type: 'ical', name: 'gezin' }] },
        };
        writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
        const app = await createApp({ configFile: join(dir, 'config.json'), console: null });
        if ('trips' in cars) {
          // it loads, and says what to change
          expect(app.loaded.config.ev?.cars.map((c) => [c.id, c.batteryKwh, c.tripNeed])).toEqual([['tesla', 75, '80%']]);
          expect(app.loaded.notices?.[0]).toMatch(/^trips\.cars is no longer read: .*Moved for now: 'tesla' -> ev\.cars id "tesla"\. Put the cars in ev\.cars/);
        } else {
          expect(app.loaded.notices).toEqual([]);
        }
        app.start();
        await until(() => app.hub.current.trips?.calendars[0]?.status === 'ok', 'the calendar read');
        const trips = app.hub.current.trips!;
        // start minus the default 30 minutes; 90% of 75 kWh = 67.5 kWh
        expect(trips.trips.map((t) => [t.car, t.departure, t.needSocPct, t.needKwh])).toEqual([['tesla', start.getTime() - 1_800_000, 90, 67.5]]);
        expect(trips.problems[0]).toContain("no car 'golf' in ev.cars");
        const answer = await app.commands.execute('trips.sudden', { car: 'tesla', by: Date.now() + 3_600_000 }, { identity: DASHBOARD, via: 'terminal' });
        // the car's tripNeed: 80% of 75 kWh = 60 kWh
        expect(answer).toMatchObject({ ok: true, value: { urgent: true, needSocPct: 80, needKwh: 60 } });
        expect(app.hub.current.trips!.next[0]!.trip).toMatchObject({ source: 'sudden' });
        await app.stop();
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
