/**
 * The core as the Electron shell runs it: the same composition as `serve` (createApp), on the
 * shell's shutdown registry, restart gate and secret store, plus the bus server and MQTT bridge
 * on the configured port with the same TLS and tokens, so a kiosk Pi hosts satellites beside
 * its window. Imports nothing from Electron.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createApp } from '../app.js';
import { startBus } from '../bus/start.js';
import { keepWebAssemblyOnBaselineCompiler } from '../lifecycle/wasm-baseline.js';
import { bundledRatesFile } from '../tariff/rates-load.js';
import type { CoreOptions, ShellCore } from './shell.js';

export async function startElectronCore(options: CoreOptions & { env?: NodeJS.ProcessEnv; console?: NodeJS.WritableStream | null }): Promise<ShellCore> {
  // the kiosk runs for months like serve: the plan's solver stays off the optimizing compiler (wasm-baseline.ts)
  keepWebAssemblyOnBaselineCompiler();
  const app = await createApp({
    ...(options.configFile ? { configFile: options.configFile } : {}),
    ...(options.roles ? { roles: options.roles } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.console !== undefined ? { console: options.console } : {}),
    shutdown: options.shutdown,
    restartGate: options.restartGate,
    secrets: options.secrets,
  });
  let busUrl: string | null = null;
  // the meter role serves the bus (a satellite's own shell connects out through bus.meter instead)
  if (app.roles.includes('meter')) {
    const root = dirname(bundledRatesFile());
    try {
      const running = await startBus({
        config: app.loaded.config.bus, configDir: app.loaded.configDir, dataDir: app.dataDir, hub: app.hub, log: app.log,
        version: (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version,
        commands: app.commands, site: app.site, ...(options.env ? { env: options.env } : {}),
      });
      busUrl = running.url;
      options.shutdown.add('bus', 'bus and MQTT (offline) closed', async () => { await running.stop(); app.log.info('bus closed'); });
    } catch (error) {
      await app.stop();
      throw error;
    }
  }
  return {
    hub: app.hub, commands: app.commands, dataDir: app.dataDir, busUrl,
    log: { info: (m) => app.log.info(m), warn: (m) => app.log.warn(m), error: (m) => app.log.error(m) },
    start: () => app.start(),
    stop: () => app.stop(),
  };
}
