import { z } from 'zod';

/**
 * The `bus` section: the meter role's websocket (for satellites, browsers and people at a
 * terminal) and the optional MQTT bridge to Home Assistant. The token is not configured here:
 * it lives in the data directory (`digital-meter token`), or comes from --token / DM_TOKEN.
 */
export const mqttSchema = z.object({
  /** the broker, e.g. mqtt://192.168.1.5:1883 or mqtts://broker:8883 */
  url: z.string().regex(/^mqtts?:\/\/[^\s]+$/, 'an mqtt:// or mqtts:// URL, e.g. mqtt://192.168.1.5:1883'),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  /** state topics go under it: <topicPrefix>/meter/power_import_kw, <topicPrefix>/status, ... */
  topicPrefix: z.string().regex(/^[A-Za-z0-9_\-/]+$/).refine((p) => !p.startsWith('/') && !p.endsWith('/'), 'no leading or trailing /').default('digital-meter'),
  /** Home Assistant's discovery prefix */
  discoveryPrefix: z.string().regex(/^[A-Za-z0-9_\-/]+$/).default('homeassistant'),
  /** the device's node id in discovery topics and unique ids */
  nodeId: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only').default('digital_meter'),
  /** one entity's value is published on change, but at most once per this many seconds */
  minIntervalS: z.number().min(0).max(3600).default(10),
  /** accept commands on <topicPrefix>/command (results on <topicPrefix>/result) */
  commands: z.boolean().default(false),
}).strict();

export const busSchema = z.object({
  /** 127.0.0.1: this machine only; 0.0.0.0 or a LAN address for satellites on other machines */
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8080),
  path: z.string().regex(/^\/[A-Za-z0-9_\-/]*$/).default('/ws'),
  /** serve wss:// with the user's certificate and key (PEM files) */
  tls: z.object({ cert: z.string().min(1), key: z.string().min(1) }).strict().optional(),
  maxClients: z.number().int().min(1).max(10_000).default(256),
  /** ping every client this often; one that has not answered the previous ping is dropped (its demands go with it) */
  pingSeconds: z.number().min(0.2).max(300).default(15),
  /** a satellite (roles ev/battery without meter): where the meter's bus is */
  meter: z.object({
    url: z.string().regex(/^wss?:\/\/[^\s]+$/, 'a ws:// or wss:// URL, e.g. ws://192.168.1.10:8080/ws'),
    token: z.string().min(16),
    /** this satellite's name at the meter: its identity, stable across reconnects (default: the host name and the roles, e.g. pi-garage-ev) */
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,47}$/, 'lowercase letters, digits, - and _, at most 48').optional(),
  }).strict().optional(),
  /** the Home Assistant bridge; off when absent */
  mqtt: mqttSchema.optional(),
}).strict();

export const BUS_DEFAULTS = { host: '127.0.0.1', port: 8080, path: '/ws', maxClients: 256, pingSeconds: 15 } as const;

export type BusConfig = z.infer<typeof busSchema>;
export type MqttConfig = z.infer<typeof mqttSchema>;
