import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { valueAtPath } from '../../../shared/bus/delta.js';
import { commandSchema, MAX_MESSAGE_BYTES, type Delta } from '../../../shared/bus/protocol.js';
import type { MqttConfig } from '../../config/bus-schema.js';
import { ConditionLog, silentLogger } from '../../log/logger.js';
import type { CommandOutcome, CommandRegistry } from '../commands.js';
import { TokenBucket } from '../rate-limit.js';
import type { StateHub } from '../state-hub.js';
import {
  availabilityTopic, controlCommandTopic, controlDiscoveryPayload, controlDiscoveryTopic, controlStateTopic, discoveryPayload, discoveryTopic,
  stateTopic, type DiscoveryNames,
} from './discovery.js';
import { satelliteChargerSensors } from '../../ev/mqtt-entities.js';
import { BATTERY_ENTITIES, controlValue, METER_SENSORS, sensorValue, siteSensors, type ControlEntity, type SensorEntity } from './entities.js';
import type { BusState } from '../../../shared/state.js';
import { ChangeThrottle } from './throttle.js';
import { describeZodIssues } from '../../config/errors.js';

export interface MqttBridgeOptions {
  config: MqttConfig;
  hub: StateHub;
  commands: CommandRegistry;
  /** product version for the device page */
  version: string;
  log?: Logger;
  entities?: readonly SensorEntity[];
  /** sensors beside the meter's and the site's (the EV role's), announced from the start */
  extraEntities?: readonly SensorEntity[];
  /** selects and numbers (the EV mode and SoC); published and listened to only when config.commands is on */
  controls?: readonly ControlEntity[];
  now?: () => number;
  /** pause between reconnect attempts (mqtt.js retries for as long as the bridge runs) */
  reconnectMs?: number;
  /** after announcing everything for Home Assistant's "online", further ones within this wait for its end (default 30 s) */
  announceMinMs?: number;
}

const FULL_STATE_KEY = '#state';

/**
 * Publishes the bus state to an MQTT broker for Home Assistant: discovery configs (retained),
 * one topic per sensor (on change, at most every minIntervalS), the whole state as JSON under
 * <prefix>/state, all retained (a value that does not change, such as export at night, would
 * otherwise never reach a Home Assistant that subscribes later; a stale value is greyed out by
 * availability), and an availability topic that the broker sets to "offline" through the last
 * will when this process dies. Optional commands on <prefix>/command go through the same command
 * registry and validation as the websocket; results and errors appear on <prefix>/result.
 * Publishing never waits: while the broker is away, values are dropped (not queued) and all of
 * them are published again on reconnect.
 */
export class MqttBridge {
  private client: MqttClient | null = null;
  private readonly names: DiscoveryNames;
  private readonly entities: readonly SensorEntity[];
  private readonly controls: readonly ControlEntity[];
  private readonly controlSent = new Map<string, string>();
  /** the site's sensors announced so far (devices appear while running) */
  private readonly siteAnnounced = new Map<string, SensorEntity>();
  private readonly throttle: ChangeThrottle<string>;
  private readonly conditions: ConditionLog;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly commandBucket: TokenBucket;
  private flushTimer: NodeJS.Timeout | null = null;
  private lastAnnounce = -Infinity;
  private announceTimer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private stopping = false;

  constructor(private readonly options: MqttBridgeOptions) {
    const { config } = options;
    this.names = { discoveryPrefix: config.discoveryPrefix, topicPrefix: config.topicPrefix, nodeId: config.nodeId, version: options.version };
    this.entities = [...(options.entities ?? [...METER_SENSORS, ...BATTERY_ENTITIES]), ...(options.extraEntities ?? [])];
    this.controls = config.commands ? options.controls ?? [] : [];
    this.throttle = new ChangeThrottle(config.minIntervalS * 1000);
    this.log = options.log ?? silentLogger();
    this.conditions = new ConditionLog(this.log);
    this.now = options.now ?? (() => Date.now());
    this.commandBucket = new TokenBucket(20, 10, this.now());
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  start(): void {
    if (this.client) return;
    const { config } = this.options;
    const status = availabilityTopic(this.names);
    const options: IClientOptions = {
      clientId: `${config.nodeId}-${process.pid}`,
      username: config.username,
      password: config.password,
      will: { topic: status, payload: Buffer.from('offline'), retain: true, qos: 1 },
      reconnectPeriod: this.options.reconnectMs ?? 5000,
      connectTimeout: 10_000,
      // never queue state while the broker is away: it would grow without bound and be stale
      queueQoSZero: false,
      clean: true,
    };
    const client = connect(config.url, options);
    this.client = client;
    const where = brokerName(config.url);
    client.on('connect', () => {
      this.conditions.report('mqtt', 'connected', 'info', 'MQTT broker connected', { broker: where });
      this.onConnect(client);
    });
    // Every failed attempt brings an 'error' and a 'close': both are the one condition "down",
    // logged once (with the first error's reason) until the broker is back, not twice per retry.
    const pause = this.options.reconnectMs ?? 5000;
    const retrying = `MQTT broker unreachable; retrying every ${pause >= 1000 ? `${pause / 1000} s` : `${pause} ms`} (logged once until it is back)`;
    client.on('close', () => this.stopping || this.conditions.report('mqtt', 'down', 'warn', retrying, { broker: where }));
    client.on('error', (error) => this.conditions.report('mqtt', 'down', 'warn', retrying, { broker: where, err: error.message }));
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    this.unsubscribe = this.options.hub.subscribe((delta) => this.onDelta(delta));
  }

  /** Say "offline" (retained) and disconnect. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.announceTimer) clearTimeout(this.announceTimer);
    const client = this.client;
    this.client = null;
    if (!client) return;
    if (client.connected) {
      await new Promise<void>((resolve) => client.publish(availabilityTopic(this.names), 'offline', { retain: true, qos: 1 }, () => resolve()));
      await client.endAsync();
    } else {
      // nothing to say goodbye to; stop the reconnect attempts at once
      await client.endAsync(true);
    }
  }

  private onConnect(client: MqttClient): void {
    client.publish(availabilityTopic(this.names), 'online', { retain: true, qos: 1 });
    this.announced.clear();
    this.publishDiscovery(client);
    this.throttle.reset();
    this.controlSent.clear();
    this.publishValues();
    const topics = [`${this.names.discoveryPrefix}/status`];
    if (this.options.config.commands) topics.push(`${this.names.topicPrefix}/command`);
    for (const control of this.controls) topics.push(controlCommandTopic(this.names, control));
    client.subscribe(topics, { qos: 1 });
  }

  /** entities announced on this connection (those with `onlyWith` once their part of the state exists) */
  private readonly announced = new Set<string>();

  /**
   * Everything again for a Home Assistant that came back: at once the first time, then at most
   * once per announceMinMs; "online" repeated meanwhile (a storm from anyone on the broker) is
   * answered once, at the end of the wait.
   */
  private announceAgain(): void {
    const wait = this.lastAnnounce + (this.options.announceMinMs ?? 30_000) - this.now();
    if (wait > 0) {
      this.announceTimer ??= setTimeout(() => { this.announceTimer = null; this.announceAgain(); }, wait);
      this.announceTimer.unref();
      return;
    }
    const client = this.client;
    if (!client?.connected) return;
    this.lastAnnounce = this.now();
    this.announced.clear();
    this.publishDiscovery(client);
    this.throttle.reset();
    this.controlSent.clear();
    this.publishValues();
  }

  private publishDiscovery(client: MqttClient): void {
    const state = this.options.hub.current;
    for (const entity of [...this.entities, ...this.siteAnnounced.values()]) {
      if (this.announced.has(entity.objectId)) continue;
      if (entity.onlyWith && valueAtPath(state, entity.onlyWith) == null) continue;
      this.announced.add(entity.objectId);
      client.publish(discoveryTopic(this.names, entity), JSON.stringify(discoveryPayload(this.names, entity)), { retain: true, qos: 1 });
    }
    for (const control of this.controls) {
      // announced once per connection like the sensors (this runs again on battery deltas)
      const key = `control:${control.objectId}`;
      if (this.announced.has(key)) continue;
      this.announced.add(key);
      client.publish(controlDiscoveryTopic(this.names, control), JSON.stringify(controlDiscoveryPayload(this.names, control)), { retain: true, qos: 1 });
    }
  }

  private onDelta(delta: Delta): void {
    for (const path of Object.keys(delta.set)) {
      if (path.startsWith('battery') && this.client?.connected) this.publishDiscovery(this.client);
      if (path.startsWith('meter') || path.startsWith('quarter') || path.startsWith('costs') || path.startsWith('site') || path.startsWith('battery') || path.startsWith('ev') || path.startsWith('trips')) return this.publishValues();
    }
  }

  /** Offer every value to the throttle; publish what may go now, schedule the rest. */
  private publishValues(): void {
    const client = this.client;
    if (!client?.connected) return;
    const state = this.options.hub.current;
    const now = this.now();
    if (!this.options.entities) this.announceSite(client, state);
    for (const entity of [...this.entities, ...this.siteAnnounced.values()]) {
      const value = sensorValue(state, entity);
      if (value !== null && this.throttle.offer(entity.objectId, value, now)) {
        client.publish(stateTopic(this.names, entity), value, { retain: true, qos: 0 });
      }
    }
    for (const control of this.controls) {
      const value = controlValue(state, control);
      // a control's state goes out on change, unthrottled: it answers what the user just chose
      if (value !== null && this.controlSent.get(control.objectId) !== value) {
        this.controlSent.set(control.objectId, value);
        client.publish(controlStateTopic(this.names, control), value, { retain: true, qos: 0 });
      }
    }
    const full = JSON.stringify(state);
    if (this.throttle.offer(FULL_STATE_KEY, full, now)) client.publish(`${this.names.topicPrefix}/state`, full, { retain: true, qos: 0 });
    this.scheduleFlush(now);
  }

  /** Announce the site's sensors for devices seen for the first time (they stay announced). */
  private announceSite(client: MqttClient, state: BusState): void {
    // a satellite's chargers at the meter too, as they appear (main/site/satellite-state.ts)
    for (const entity of [...siteSensors(state), ...satelliteChargerSensors(state)]) {
      if (this.siteAnnounced.has(entity.objectId)) continue;
      this.siteAnnounced.set(entity.objectId, entity);
      client.publish(discoveryTopic(this.names, entity), JSON.stringify(discoveryPayload(this.names, entity)), { retain: true, qos: 1 });
    }
  }

  private scheduleFlush(now: number): void {
    if (this.flushTimer) return;
    const wait = this.throttle.nextDueIn(now);
    if (wait === null) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      const client = this.client;
      if (!client?.connected) return;
      const at = this.now();
      for (const [key, value] of this.throttle.due(at)) {
        if (key === FULL_STATE_KEY) {
          client.publish(`${this.names.topicPrefix}/state`, value, { retain: true, qos: 0 });
          continue;
        }
        const entity = this.entities.find((e) => e.objectId === key) ?? this.siteAnnounced.get(key);
        if (entity) client.publish(stateTopic(this.names, entity), value, { retain: true, qos: 0 });
      }
      this.scheduleFlush(at);
    }, wait);
    this.flushTimer.unref();
  }

  private onMessage(topic: string, payload: Buffer): void {
    const client = this.client;
    if (!client) return;
    if (topic === `${this.names.discoveryPrefix}/status`) {
      // Home Assistant restarted: it forgets non-retained state; tell it everything again
      if (payload.toString() === 'online') this.announceAgain();
      return;
    }
    if (topic === `${this.names.topicPrefix}/command`) return this.onCommand(client, payload);
    const control = this.controls.find((c) => controlCommandTopic(this.names, c) === topic);
    if (control) this.onControl(client, control, payload);
  }

  /** A value from a Home Assistant select or number: the same command, validation and limits as the command topic. */
  private onControl(client: MqttClient, control: ControlEntity, payload: Buffer): void {
    const reply = (message: unknown): void => { client.publish(`${this.names.topicPrefix}/result`, JSON.stringify(message), { qos: 0 }); };
    if (!this.commandBucket.take(this.now())) return reply({ type: 'error', code: 'rate-limited', message: 'more than 10 commands per second; slow down' });
    const value = payload.toString('utf8').slice(0, 64);
    const command = control.command(value);
    if (!command) return reply({ type: 'error', code: 'bad-arguments', message: `${control.name}: "${value}" is not an allowed value` });
    const answer = (outcome: CommandOutcome) => reply(outcome.ok
      ? { type: 'result', id: control.objectId, ok: true, value: outcome.value }
      : { type: 'result', id: control.objectId, ok: false, error: outcome.error });
    const outcome = this.options.commands.execute(command.name, command.args, { identity: { access: this.options.config.role, name: 'mqtt' }, via: 'mqtt' });
    if (outcome instanceof Promise) void outcome.then(answer);
    else answer(outcome);
  }

  private onCommand(client: MqttClient, payload: Buffer): void {
    const resultTopic = `${this.names.topicPrefix}/result`;
    const reply = (message: unknown): void => { client.publish(resultTopic, JSON.stringify(message), { qos: 0 }); };
    if (!this.commandBucket.take(this.now())) return reply({ type: 'error', code: 'rate-limited', message: 'more than 10 commands per second; slow down' });
    if (payload.length > MAX_MESSAGE_BYTES) return reply({ type: 'error', code: 'too-large', message: `a command may be at most ${MAX_MESSAGE_BYTES} bytes` });
    let raw: unknown;
    try {
      raw = JSON.parse(payload.toString('utf8'));
    } catch (error) {
      return reply({ type: 'error', code: 'bad-json', message: `not valid JSON: ${(error as Error).message.slice(0, 120)}` });
    }
    const parsed = commandSchema.safeParse(raw);
    if (!parsed.success) {
      const problems = describeZodIssues(parsed.error, 'message', 3);
      return reply({ type: 'error', code: 'bad-message', message: `not a command: ${problems.join('; ')}` });
    }
    const { id, name, args } = parsed.data;
    const answer = (outcome: CommandOutcome) => reply(outcome.ok
      ? { type: 'result', id, ok: true, value: outcome.value }
      : { type: 'result', id, ok: false, error: outcome.error });
    // whoever can publish on the broker gets the configured role and never more (default viewer)
    const outcome = this.options.commands.execute(name, args, { identity: { access: this.options.config.role, name: 'mqtt' }, via: 'mqtt' });
    if (outcome instanceof Promise) void outcome.then(answer);
    else answer(outcome);
  }
}

/** host:port of a broker URL, without credentials, for log lines. */
function brokerName(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'the configured broker';
  }
}
