import { z } from 'zod';
import { CHANGES, type CommandRegistry } from '../../bus/commands.js';
import type { TripsService } from './trips-service.js';

const byArg = z.union([
  z.string().regex(/^([01]?\d|2[0-3]):[0-5]\d$/, 'HH:MM'),
  z.iso.datetime({ offset: true }),
  z.number().int().positive(),
]);

/**
 * The trips commands on the bus (websocket, terminal, and Home Assistant through the MQTT
 * command topic): a sudden trip ("ready by 17:00 with 80%"), cancelling it, reading again.
 */
export function registerTripsCommands(registry: CommandRegistry, trips: TripsService): void {
  registry.register('trips.sudden', {
    access: CHANGES,
    summary: 'a sudden trip: {"car":"tesla","by":"17:00","need":"80%"} (by: HH:MM local, an ISO time or epoch ms; need: % or km, default the car\'s)',
    args: z.object({ car: z.string().min(1).max(48), by: byArg, need: z.string().max(16).optional() }).strict(),
    run: ({ car, by, need }) => {
      const at = typeof by === 'number' ? by : /^\d{1,2}:\d{2}$/.test(by) ? trips.nextLocalTime(by) : Date.parse(by);
      return trips.addSudden(car, at, need ?? null);
    },
  });
  registry.register('trips.cancel', {
    access: CHANGES,
    summary: "cancel a car's sudden trip: {\"car\":\"tesla\"}",
    args: z.object({ car: z.string().min(1).max(48) }).strict(),
    run: ({ car }) => ({ cancelled: trips.cancelSudden(car) }),
  });
  registry.register('trips.refresh', {
    summary: 'read the calendars now; answers the trips',
    args: z.object({}).strict(),
    run: () => trips.refresh(),
  });
}
