import type { Server as HttpServer } from 'node:http';
import { isAbsolute, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { BusConfig } from '../config/bus-schema.js';
import { silentLogger } from '../log/logger.js';
import { CommandRegistry, registerStateCommands } from './commands.js';
import { MqttBridge } from './mqtt/bridge.js';
import type { ControlEntity, SensorEntity } from './mqtt/entities.js';
import { BusServer } from './server.js';
import type { StateHub } from './state-hub.js';
import { openServerToken, type ServerTokenSource } from './token-source.js';
import type { SatelliteDoors } from '../site/satellite-doors.js';

export interface StartBusOptions {
  config: BusConfig;
  /** relative TLS file names are resolved against it */
  configDir: string;
  dataDir: string;
  hub: StateHub;
  /** product version, shown in Home Assistant's device page */
  version: string;
  log?: Logger;
  /** --token on the command line */
  tokenOverride?: string | undefined;
  /** for DM_TOKEN; default process.env */
  env?: NodeJS.ProcessEnv;
  /** the dashboard's HTTP server: the bus then shares its port at config.path instead of listening itself */
  http?: HttpServer;
  commands?: CommandRegistry;
  /** Home Assistant entities beyond the meter's (the EV role's sensors, selects and numbers) */
  mqttEntities?: { sensors: readonly SensorEntity[]; controls: readonly ControlEntity[] };
  /** the site's door for satellites (the meter role with a main fuse configured) */
  site?: SatelliteDoors;
}

export interface RunningBus {
  server: BusServer;
  bridge: MqttBridge | null;
  token: ServerTokenSource;
  /** ws(s)://host:port/path when the bus listens itself; null when attached */
  url: string | null;
  stop(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * The meter role's bus as configured: the token (file in the data directory, watched for
 * rotation, or --token / DM_TOKEN), the websocket server (own port or the dashboard's), and the
 * MQTT bridge when `bus.mqtt` is set.
 */
export async function startBus(options: StartBusOptions): Promise<RunningBus> {
  const log = options.log ?? silentLogger();
  const { config } = options;
  const token = openServerToken({ dataDir: options.dataDir, override: options.tokenOverride, env: options.env ?? process.env, log });
  const commands = options.commands ?? registerStateCommands(new CommandRegistry(), options.hub);
  const common = { hub: options.hub, tokens: token.holder, commands, site: options.site, pingIntervalMs: config.pingSeconds * 1000, log, path: config.path, maxClients: config.maxClients };
  let server: BusServer;
  let url: string | null = null;
  try {
    if (options.http) {
      server = new BusServer(common);
      server.attach(options.http);
    } else {
      const tls = config.tls
        ? { cert: resolveFrom(options.configDir, config.tls.cert), key: resolveFrom(options.configDir, config.tls.key) }
        : undefined;
      server = await BusServer.listen({ ...common, host: config.host, port: config.port, tls });
      url = server.address().url;
      log.info({ url }, 'bus listening');
      if (!LOOPBACK.has(config.host) && !tls) {
        log.warn({ host: config.host }, 'the bus is reachable from the network without TLS: the token and the state travel in clear; set bus.tls');
      }
    }
  } catch (error) {
    token.stop();
    throw error;
  }
  let bridge: MqttBridge | null = null;
  if (config.mqtt) {
    bridge = new MqttBridge({
      config: config.mqtt, hub: options.hub, commands, version: options.version, log,
      extraEntities: options.mqttEntities?.sensors, controls: options.mqttEntities?.controls,
    });
    bridge.start();
  }
  return {
    server, bridge, token, url,
    stop: async () => {
      token.stop();
      await bridge?.stop();
      await server.close();
    },
  };
}

function resolveFrom(dir: string, file: string): string {
  return isAbsolute(file) ? file : resolve(dir, file);
}
