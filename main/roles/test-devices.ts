import { TestDevice } from '../site/test-device.js';
import type { RoleFactory } from './role-module.js';

/** The configured test devices (site.testDevices) as a role module. */
export const startTestDevices: RoleFactory = (ctx) => {
  const devices = ctx.loaded.config.site.testDevices.map((c) => new TestDevice(c, ctx.site, () => ctx.clock.monoNow()));
  ctx.shutdown.add('roles', 'test devices: withdrawn, drawing nothing', () => { for (const d of devices) d.stop(); });
  return { devices: devices.map((d) => d.id), start: () => { for (const d of devices) d.start(); } };
};
