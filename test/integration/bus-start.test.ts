import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connectAsync } from 'mqtt';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { busSchema } from '../../main/config/bus-schema.js';
import { startBus } from '../../main/bus/start.js';
import { StateHub } from '../../main/bus/state-hub.js';
import { startMosquitto } from '../support/mosquitto.js';
import { WsProbe, eventually } from '../support/ws-probe.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('startBus from the configuration', () => {
  it('creates the token at first start, serves the websocket and runs the MQTT bridge', async () => {
    const broker = await startMosquitto();
    cleanups.push(() => broker.stop());
    const dir = mkdtempSync(join(tmpdir(), 'dm-start-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const hub = new StateHub();
    hub.update({ costs: { periods: { today: { totalEur: 0.42 } } } });
    const config = busSchema.parse({ port: 0, mqtt: { url: broker.url, topicPrefix: 'home/meter' } });
    const bus = await startBus({ config, configDir: dir, dataDir: join(dir, 'data'), hub, version: '0.1.0', env: {} });
    cleanups.push(() => bus.stop());

    const tokenFile = join(dir, 'data', 'bus-token');
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(bus.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
    const client = await WsProbe.hello(bus.url!, readFileSync(tokenFile, 'utf8').trim());
    cleanups.push(() => client.close());
    expect(client.json()[0]).toMatchObject({ type: 'snapshot', state: { costs: { periods: { today: { totalEur: 0.42 } } } } });

    const observer = await connectAsync(broker.url);
    cleanups.push(() => observer.endAsync());
    const seen = new Map<string, string>();
    observer.on('message', (topic, payload) => seen.set(topic, payload.toString()));
    await observer.subscribeAsync('home/meter/#');
    await eventually(() => seen.get('home/meter/sensor/cost_today_eur') === '0.42' && seen.get('home/meter/status') === 'online', 'the bridge publishing');

    await bus.stop();
    await eventually(() => seen.get('home/meter/status') === 'offline', 'offline after stop');
    await client.untilClosed();
    expect(client.closeCode).toBe(1001);
  });

  it('uses DM_TOKEN when set, without creating a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-start-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const bus = await startBus({ config: busSchema.parse({ port: 0 }), configDir: dir, dataDir: join(dir, 'data'), hub: new StateHub(), version: '0.1.0', env: { DM_TOKEN: 'token-from-the-environment' } });
    cleanups.push(() => bus.stop());
    const client = await WsProbe.hello(bus.url!, 'token-from-the-environment');
    cleanups.push(() => client.close());
    expect(bus.token.file).toBeNull();
    expect(() => statSync(join(dir, 'data', 'bus-token'))).toThrow();
  });
});
