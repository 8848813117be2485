import { connect, type MqttClient } from 'mqtt';
import { socAtPath } from './soc.js';

/**
 * A car's state of charge from an MQTT topic (config ev.cars[].socSource type mqtt), e.g. what a
 * vehicle integration in Home Assistant or evcc's car bridge publishes. Thin: it subscribes, reads
 * the payload (a plain number, or JSON with the percentage at `path`) and hands a percentage or
 * the reason there is none to its caller, who owns the SocTracker. The client reconnects by itself.
 */
export interface MqttSocSourceOptions {
  url: string;
  topic: string;
  /** dot path into a JSON payload; absent: the payload is the number itself */
  path?: string;
  username?: string;
  password?: string;
  clientId: string;
  reconnectMs?: number;
  onValue(percent: number): void;
  onProblem(message: string): void;
}

/** A payload as a percentage, or the words saying why it is not one. */
export function socFromPayload(payload: string, path: string | undefined): number | string {
  const text = payload.trim();
  if (path === undefined) {
    const value = Number(text);
    return text !== '' && Number.isFinite(value) && value >= 0 && value <= 100 ? value : `"${text.slice(0, 40)}" is not a percentage from 0 to 100`;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return `the payload is not JSON (path "${path}" was configured)`;
  }
  return socAtPath(json, path) ?? `no percentage at "${path}" in the payload`;
}

export function startMqttSocSource(options: MqttSocSourceOptions): () => Promise<void> {
  const shown = `${brokerHost(options.url)} ${options.topic}`;
  const client: MqttClient = connect(options.url, {
    clientId: options.clientId, username: options.username, password: options.password,
    reconnectPeriod: options.reconnectMs ?? 5000, connectTimeout: 10_000, clean: true,
  });
  let down = false;
  client.on('connect', () => {
    down = false;
    client.subscribe(options.topic, { qos: 0 }, (error) => {
      if (error) options.onProblem(`state of charge from ${shown}: subscribing failed: ${error.message}`);
    });
  });
  // one message per outage, not one per reconnect attempt
  const lost = (why: string) => {
    if (down) return;
    down = true;
    options.onProblem(`state of charge from ${shown}: ${why}`);
  };
  client.on('error', (error) => lost(error.message));
  client.on('close', () => lost('the MQTT broker is not reachable; retrying'));
  client.on('message', (topic, payload) => {
    if (topic !== options.topic) return;
    const value = socFromPayload(payload.toString('utf8'), options.path);
    if (typeof value === 'number') options.onValue(value);
    else options.onProblem(`state of charge from ${shown}: ${value}`);
  });
  return async () => {
    await client.endAsync(true);
  };
}

function brokerHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
