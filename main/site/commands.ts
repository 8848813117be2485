import { z } from 'zod';
import type { CommandRegistry } from '../bus/commands.js';
import type { SiteController } from './site-controller.js';

/** site.pause / site.resume: stop granting (every device to its safe state) and start again. */
export function registerSiteCommands(registry: CommandRegistry, site: SiteController): void {
  registry.register('site.pause', {
    summary: 'stop granting power: every flexible device goes to its safe state within 3 s',
    args: z.object({}).strict(),
    // people (dashboard, terminal, MQTT), not satellites: one device's controller cannot stop the others
    roles: ['viewer'],
    run: () => { site.pause(); return { paused: true }; },
  });
  registry.register('site.resume', {
    summary: 'grant power again from the next telegram on',
    args: z.object({}).strict(),
    roles: ['viewer'],
    run: () => { site.resume(); return { paused: false }; },
  });
}
