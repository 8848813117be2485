/**
 * `digital-meter serve`: the core headless, the built dashboard over HTTP and the bus websocket
 * at /ws, all on one port. stdout carries exactly one line, the dashboard's address with the
 * token in the fragment (never sent to the server in a request line, never logged); logs go to
 * stderr and the data directory.
 */
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createApp, type Role } from '../app.js';
import { readFileSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import { tripEntities } from '../ev/trips/ha-entities.js';
import { startBus } from '../bus/start.js';
import { evMqttEntities } from '../ev/mqtt-entities.js';
import { planEntities } from '../site/plan/ha-entities.js';
import { ShutdownRegistry } from '../lifecycle/shutdown.js';
import { readTlsFiles } from '../bus/tls.js';
import { staticHandler } from '../http/static-files.js';
import { bundledRatesFile } from '../tariff/rates-load.js';
import { parseCommandLine, UsageError } from './usage.js';
import { keepWebAssemblyOnBaselineCompiler } from '../lifecycle/wasm-baseline.js';

const HELP = `usage: digital-meter serve [--host H] [--port P] [--token T] [--config FILE] [--roles meter,ev,battery] [--speed X]

Runs the core headless and serves the dashboard and the websocket (/ws) on one port, then prints
  Dashboard: http://HOST:PORT/#token=...
Without a configuration file it runs the demo (a simulated meter with 35 days of history) in
its own data directory.
  --host H        address to listen on (default: the configuration's bus.host, 127.0.0.1);
                  0.0.0.0 serves the LAN and prints this machine's LAN address
  --port P        port (default 8080; 0 picks a free one)
  --token T       use this token instead of the data directory's (also DM_TOKEN)
  --config FILE   the configuration file
  --roles LIST    roles to run, e.g. meter or meter,ev,battery (default: the configuration's)
  --speed X       a simulated meter's speed (simulated seconds per second)
  --history-days N  the demo's history at its first start (default 35)
`;

const ROLES: readonly Role[] = ['meter', 'ev', 'battery'];

function parseRoles(text: string | undefined): Role[] | undefined {
  if (text === undefined) return undefined;
  const roles = text.split(',').map((r) => r.trim()).filter(Boolean);
  const wrong = roles.filter((r) => !ROLES.includes(r as Role));
  if (roles.length === 0 || wrong.length) throw new UsageError(`--roles ${text}: expected a comma-separated list of ${ROLES.join(', ')}`);
  return [...new Set(roles)] as Role[];
}

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${text}: expected a whole number from 0 to 65535`);
  return port;
}

function parsePositive(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value)) throw new UsageError(`--${name} ${text}: expected a positive number`);
  return value;
}

/** The address people can open: a LAN address when bound to every interface. */
export function displayHost(bound: string): string {
  if (bound !== '0.0.0.0' && bound !== '::') return bound.includes(':') ? `[${bound}]` : bound;
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandLine({
    args,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      token: { type: 'string' },
      config: { type: 'string' },
      roles: { type: 'string' },
      speed: { type: 'string' },
      'history-days': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  // every option is checked before anything is opened or created
  const roles = parseRoles(values.roles);
  const portOption = parsePort(values.port);
  const speed = parsePositive('speed', values.speed);
  const historyDays = parsePositive('history-days', values['history-days']);
  // the core takes serve's registry: devices safe, then the bus and MQTT, then the store (its
  // restart gate and secret store are the core's defaults: serve never restarts itself, and keeps
  // secrets in the data directory's 0600 file)
  const shutdown = new ShutdownRegistry(10_000, (message) => process.stderr.write(`digital-meter: ${message}\n`));
  // serve runs for months: the plan's solver stays off the optimizing compiler (see wasm-baseline.ts)
  keepWebAssemblyOnBaselineCompiler();
  const app = await createApp({ configFile: values.config, roles, speed, historyDays, shutdown });
  const { log } = app;
  const bus = app.loaded.config.bus;
  const root = dirname(bundledRatesFile());
  // bus.tls: HTTPS and WSS only, on the one port; a missing or unreadable file stops the start, naming it
  let tls: ReturnType<typeof readTlsFiles> | null = null;
  if (bus.tls) {
    try {
      tls = readTlsFiles({ cert: resolve(app.loaded.configDir, bus.tls.cert), key: resolve(app.loaded.configDir, bus.tls.key) });
    } catch (error) {
      await app.stop();
      throw error;
    }
  }
  const handler = staticHandler(join(root, 'dist', 'renderer'));
  const http = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, handler) : createServer(handler);
  // the websocket (and the MQTT bridge when configured) share the dashboard's port
  const running = await startBus({
    config: bus, configDir: app.loaded.configDir, dataDir: app.dataDir, hub: app.hub, log, http,
    version: (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version,
    tokenOverride: values.token, commands: app.commands, site: app.site,
    mqttEntities: homeAssistantEntities(app.roles, app.loaded.config),
  });
  shutdown.add('bus', 'bus, MQTT (offline) and HTTP closed', async () => {
    await running.stop();
    // every connection the HTTP server still tracks (a request half sent, a keep-alive) is cut; the
    // bus already ended the upgraded ones. A socket neither knows of must not hold the stop: after
    // a second the shutdown goes on, so the commit always happens.
    http.closeAllConnections();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { log.warn('the HTTP server did not close within 1 s; going on'); resolve(); }, 1000);
      http.close(() => { clearTimeout(timer); resolve(); });
    });
    log.info('bus closed');
  });
  const tokens = running.token.holder;
  const host = values.host ?? bus.host;
  const port = portOption ?? bus.port;
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => { http.off('error', reject); resolve(); });
  }).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(error.code === 'EADDRINUSE' ? `${host}:${port} is in use; choose another --port (0 picks a free one)` : `cannot listen on ${host}:${port}: ${error.message}`);
  });
  app.start();
  const address = http.address() as AddressInfo;
  if (!tls && !['127.0.0.1', '::1', 'localhost'].includes(host)) {
    log.warn({ host }, 'the dashboard is reachable from the network over plain HTTP: the token and the state travel in clear on this network; set bus.tls');
  }
  if (tls) log.info({ fingerprint: tls.fingerprint }, 'HTTPS and WSS only; satellites pin this certificate with bus.meter.fingerprint');
  process.stdout.write(`Dashboard: ${tls ? 'https' : 'http'}://${displayHost(address.address)}:${address.port}/#token=${tokens.get()}\n`);
  log.info({ host: address.address, port: address.port, demo: app.demo, dataDir: app.dataDir }, 'serving the dashboard and the bus');

  // SIGINT, SIGTERM and an uncaught error all take the same ordered way out: devices safe first,
  // then the bus and MQTT (retained offline), then the store. The error listener stays for the
  // whole stop: a second error while stopping is logged and the stop goes on (exit 70).
  let exitCode = 0;
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info(`${signal}: shutting down`);
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.on('uncaughtException', (error) => {
      log.fatal({ err: error.message, stack: error.stack }, shutdown.started ? 'uncaught error while shutting down; going on' : 'uncaught error: shutting down');
      exitCode = 70;
      resolve();
    });
  });
  await app.stop();
  if (exitCode !== 0) {
    // after an error something may still hold the event loop (a socket of the failed part): the
    // devices are safe and the store is closed, so leave rather than hang until systemd kills
    setTimeout(() => process.exit(exitCode), 5000).unref();
  }
  return exitCode;
}

/** The roles' own Home Assistant entities: the EV role's (below), the meter's plan (main/site/plan/ha-entities.ts). */
function homeAssistantEntities(roles: readonly string[], config: Config) {
  // the next trips live where the meter is, also when the chargers are on a satellite
  const ev = roles.includes('ev') || (config.ev?.cars.length ?? 0) > 0 ? evHomeAssistantEntities(config) : { sensors: [], controls: [] };
  const plan = roles.includes('meter') ? planEntities(config.ev?.cars ?? []) : [];
  return ev.sensors.length || ev.controls.length || plan.length ? { sensors: [...ev.sensors, ...plan], controls: ev.controls } : undefined;
}

/** The EV role's Home Assistant entities: per charger (sensors and controls) and per car its next trip. */
function evHomeAssistantEntities(config: Config) {
  const ev = evMqttEntities(config.ev);
  return { sensors: [...ev.sensors, ...tripEntities(config.ev?.cars ?? [])], controls: ev.controls };
}
