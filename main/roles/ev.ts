import type { Timers } from '../p1/sources/timers.js';
import { EvRole } from '../ev/role.js';
import type { RoleFactory } from './role-module.js';

/**
 * The EV role as createApp composes it: one loop per configured charger on the SiteLink it is
 * given (in-process beside the meter, or over the websocket as a satellite). On shutdown the
 * chargers are paused and the demands withdrawn before the meter stops.
 */
export const startEvRole: RoleFactory = (ctx) => {
  const ev = ctx.loaded.config.ev;
  if (!ev || ev.chargers.length === 0) {
    ctx.log.info('role ev: no chargers configured (ev.chargers); nothing to control');
    return { devices: [] };
  }
  // control timing runs on the monotonic clock; the timers are the process's own
  const timers: Timers = {
    now: () => ctx.clock.monoNow(),
    setTimeout: (fn, ms) => { const t = setTimeout(fn, ms); t.unref(); return t; },
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
  const role = new EvRole({
    config: ev, grid: ctx.loaded.config.site.fuse?.grid, link: ctx.site, hub: ctx.hub, commands: ctx.commands, timers, log: ctx.log,
    // trips' departures and the plan's quarters are compared with the meter's time (the time the
    // plan is made on: a simulated or replayed meter's too), the process's clock until it speaks
    wallNow: () => ctx.hub.current.meter?.time ?? ctx.clock.now(),
  });
  // beside the meter, each telegram in the hub is meter news (with the tariff register); on a
  // satellite each grant is (it is issued on a telegram)
  const unfollow = role.followMeter(ctx.hub);
  ctx.shutdown.add('roles', 'ev: chargers paused, demands withdrawn', async () => {
    unfollow();
    await role.stop();
  });
  return { devices: ev.chargers.map((c) => c.id), start: () => role.start() };
};
