/**
 * The battery role (main/roles/role-module.ts): the configured battery (SunSpec over Modbus TCP,
 * or the simulator on a loopback port), the controller on the site link, the `battery` key of the
 * bus state, the `battery.mode` command, and the safe stop: idle, then the inverter's own mode.
 * Beside the meter it decides on every telegram from the bus state; as a satellite it offers its
 * band and follows the broker's grants.
 */
import { z } from 'zod';
import { batteryModeSchema } from '../../shared/battery/state.js';
import { batteryNotices } from '../config/battery-schema.js';
import { ConditionLog } from '../log/logger.js';
import { CHANGES } from '../bus/commands.js';
import type { RoleFactory } from '../roles/role-module.js';
import { electricityBand, electricityPrice } from '../tariff/pricing.js';
import { activeRatesFile, loadRatesFile } from '../tariff/rates-load.js';
import type { Rates } from '../../shared/tariff/rates-schema.js';
import { BatteryController, type MeterSample } from './controller.js';
import type { FlowPrices } from './day-account.js';
import { SunspecBatterySimulator } from './simulator/sunspec-simulator.js';
import { createSunspecBattery } from './sunspec/create.js';
import { DEFAULT_STRATEGY } from './strategy.js';
import { batteryDrawFor, plannedKwhFor } from '../../shared/plan/lookup.js';

/** how often the controller checks its grant's age (and, as a satellite, files its band) */
const TICK_MS = 1000;

export const startBatteryRole: RoleFactory = async (ctx) => {
  const cfg = ctx.loaded.config.battery;
  if (!cfg) {
    ctx.log.info('role battery: no battery section in the configuration: nothing to control');
    return { devices: [] };
  }
  const log = ctx.log.child({ role: 'battery' });
  let sim: SunspecBatterySimulator | null = null;
  let link: { host: string; port: number; unitId: number; powerSign: 'discharge-positive' | 'charge-positive'; timeoutMs: number };
  if (cfg.type === 'simulator') {
    sim = new SunspecBatterySimulator({ battery: { capacityKwh: cfg.capacityKwh, socPct: cfg.socPct, maxChargeKw: cfg.maxKw, maxDischargeKw: cfg.maxKw } });
    const port = await sim.listen(0, '127.0.0.1');
    link = { host: '127.0.0.1', port, unitId: 1, powerSign: 'discharge-positive', timeoutMs: 2000 };
    log.info({ port }, 'battery: simulated SunSpec battery on a loopback port');
  } else {
    link = { host: cfg.host, port: cfg.port, unitId: cfg.unitId, powerSign: cfg.powerSign, timeoutMs: cfg.timeoutMs };
  }
  const battery = createSunspecBattery({ ...link, revertS: cfg.revertSeconds, log });
  const notices = batteryNotices(cfg);
  for (const notice of notices) log.warn(notice);
  const rates = loadRates(ctx.loaded.config.rates, ctx.loaded.configDir, (why) => log.warn(why));
  const conditions = new ConditionLog(log);
  const controller = new BatteryController({
    device: cfg.device, battery, link: ctx.site, mode: cfg.mode, revertS: cfg.revertSeconds,
    conductors: cfg.phases === 3 ? [1, 2, 3] : [1],
    settings: { ...DEFAULT_STRATEGY, reservePct: cfg.reservePct, nightChargeToPct: cfg.nightChargeToPct, gridChargeKw: cfg.gridChargeKw, peakShaving: cfg.peakShaving },
    prices: rates ? (time, tariff) => flowPrices(rates, time, tariff) : undefined,
    notices,
    onState: (state) => ctx.hub.update({ battery: state }),
    // the site plan's energy for this quarter (the meter's plan, or its mirror on a satellite)
    plannedKwh: (time) => plannedKwhFor(ctx.hub.current.plan, cfg.device, time ?? ctx.hub.current.meter?.time ?? ctx.clock.now()),
    planDraw: (time) => batteryDrawFor(ctx.hub.current.plan, cfg.device, time),
    onError: (error) => conditions.report('battery command', error.message, 'warn', `battery: ${error.message}`),
  });

  ctx.commands.register('battery.mode', {
    access: CHANGES,
    summary: 'the battery\'s mode: auto, hold (0 kW), charge, discharge, off (its own mode)',
    args: z.object({ mode: batteryModeSchema }).strict(),
    run: ({ mode }) => {
      controller.setMode(mode, ctx.clock.monoNow());
      log.info({ mode }, 'battery mode set');
      return { mode };
    },
  });

  let lastMeterTime: number | null = null;
  const onState = () => {
    const s = ctx.hub.current;
    const time = s.meter?.time ?? null;
    if (time === null || time === lastMeterTime) return;
    lastMeterTime = time;
    const power = s.meter?.powerKw;
    if (!power || power.import === null || power.export === null) return;
    const sample: MeterSample = {
      time, gridKw: power.import - power.export, tariff: s.meter?.tariff ?? null,
      allowedKw: s.quarter?.allowedKw ?? null, targetKw: s.quarter?.targetKw ?? null,
    };
    // after this delta has reached every listener: the controller publishes `battery`, and a
    // hub update from inside a listener would reach the later listeners before this one
    queueMicrotask(() => controller.onMeter(sample, ctx.clock.monoNow()));
  };
  let unsubscribe: (() => void) | null = null;
  let timer: NodeJS.Timeout | null = null;
  // the moment a grant runs out the controller looks again: the 1 s tick alone could leave the
  // battery forcing up to a second past its grant (safe within 3 s of the last telegram is the promise)
  let expiry: NodeJS.Timeout | null = null;
  const stopExpiry = ctx.site.onGrant(cfg.device, (grant) => {
    if (expiry) clearTimeout(expiry);
    expiry = setTimeout(() => { expiry = null; controller.apply(ctx.clock.monoNow()); }, grant.validForMs + 1);
    expiry.unref();
  });
  ctx.shutdown.add('roles', 'battery: idle, then handed back to its own mode', async () => {
    if (timer) clearInterval(timer);
    if (expiry) clearTimeout(expiry);
    stopExpiry();
    unsubscribe?.();
    await controller.stop(true);
    log.info('battery: stopped; handed back to its own mode');
    await battery.close();
    await sim?.close();
  });
  return {
    devices: [cfg.device],
    start() {
      void battery.start();
      unsubscribe = ctx.hub.subscribe(onState);
      timer = setInterval(() => controller.tick(ctx.clock.monoNow()), TICK_MS);
      timer.unref();
    },
  };
};

function loadRates(configured: string | undefined, configDir: string, warn: (why: string) => void): Rates | null {
  try {
    return loadRatesFile(activeRatesFile(configured, configDir));
  } catch (error) {
    warn(`battery: no rates for the savings figure: ${(error as Error).message}`);
    return null;
  }
}

function flowPrices(rates: Rates, time: number, tariff: number | null): FlowPrices {
  const band = electricityBand(rates, tariff === 2 ? 2 : 1, time);
  return { importEur: electricityPrice(rates, '+', band, time), exportEur: electricityPrice(rates, '-', band, time) };
}
