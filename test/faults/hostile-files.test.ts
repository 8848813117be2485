/**
 * Hostile input on the paths that are not sockets: the configuration loader (a file a person
 * edited, or anything at all), the rates editor's save path (rates.save / rates.preview through
 * the command registry, onto a real rates.json), and the Electron shell's IPC handlers (the
 * Electron binary mocked: ipcMain is a recording fake, as in test/unit/electron-ipc.test.ts).
 * Generated malformed and oversized input, fast-check with a fixed seed. Every refusal names the
 * file or channel and the field, quotes none of the file's values, and leaves what is stored as
 * it was.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { understandable } from './support/answers.js';
import { RIG_RATES } from './support/site-rig.js';

const handlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
vi.mock('electron', () => {
  const ipcMain = {
    handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => Promise<unknown>) => { handlers.set(channel, handler); },
    removeHandler: (channel: string) => { handlers.delete(channel); },
    removeAllListeners: () => {},
    on: () => {},
  };
  // electron-store (imported by settings.ts) reads the default export's app; never called here
  return { ipcMain, default: { ipcMain, app: {}, shell: {} } };
});

const { TypedIpcMain } = await import('../../main/electron/ipc-main.js');
const { BusBridge } = await import('../../main/electron/bus-bridge.js');
const { SettingsStore, shellSettingsSchema } = await import('../../main/electron/settings.js');
const { StateHub } = await import('../../main/bus/state-hub.js');
const { CommandRegistry, registerStateCommands } = await import('../../main/bus/commands.js');
const { registerDashboardCommands } = await import('../../main/dashboard/commands.js');
const { PowerHistory } = await import('../../main/dashboard/power-history.js');
const { RatesStore, loadRatesFile } = await import('../../main/tariff/rates-load.js');
const { loadConfig } = await import('../../main/config/load.js');
const { ConfigError } = await import('../../main/config/errors.js');
const { rendererSettingsSchema } = await import('../../shared/ipc.js');

const SEED = 22_40;
const dir = mkdtempSync(join(tmpdir(), 'dm-hostile-files-'));
const counts: Record<string, number> = {};
afterAll(() => {
  console.log(`hostile files (seed ${SEED}): ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  rmSync(dir, { recursive: true, force: true });
});

/** A value a person would never want quoted back (it could be a password in the wrong field). */
const MARK = 'Zq7-secret-value';
const markedValue = fc.oneof(fc.constant(MARK), fc.constant({ v: MARK }), fc.constant([MARK]), fc.constant(`${MARK}${'x'.repeat(300)}`));
const hostileKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'x'.repeat(5000)), fc.string({ maxLength: 15 }));
const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 4 }), markedValue);

/** Put `value` at one generated place of `base` (a dotted path of existing or new keys). */
function mutate(base: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const object = base !== null && typeof base === 'object' && !Array.isArray(base) ? { ...(base as Record<string, unknown>) } : {};
  Object.defineProperty(object, head!, { value: mutate(Object.hasOwn(object, head!) ? object[head!] : undefined, rest, value), enumerable: true, configurable: true, writable: true });
  return object;
}

const VALID_CONFIG = {
  dataDir: 'data', log: { level: 'warn', file: false }, roles: ['meter', 'ev'],
  p1: { type: 'serial', port: '/dev/ttyUSB0' },
  site: { fuse: { grid: '3x400', phases: 3, amps: 25 } },
  bus: { host: '127.0.0.1', port: 8080, mqtt: { url: 'mqtt://127.0.0.1:1883', commands: true } },
  ev: { cars: [{ id: 'car_1', name: 'Zoe', batteryKwh: 52 }], chargers: [{ id: 'garage', type: 'nrgkick', url: 'http://127.0.0.1:1', car: 'car_1' }] },
};
const configPath = fc.array(fc.oneof(fc.constantFrom('p1', 'bus', 'mqtt', 'site', 'fuse', 'ev', 'cars', 'chargers', 'log', 'level', 'roles', 'dataDir', 'port', 'url'), hostileKey), { minLength: 1, maxLength: 4 });

describe('the configuration loader', () => {
  it('generated files (mutated configurations, JSON of any shape, bytes, 5 MB): a ConfigError naming the file, never a value from it', () => {
    const texts = [
      ...fc.sample(fc.tuple(configPath, anyJson).map(([path, value]) => JSON.stringify(mutate(VALID_CONFIG, path, value))), { seed: SEED, numRuns: 400 }),
      ...fc.sample(anyJson.map((v) => JSON.stringify(v)), { seed: SEED + 1, numRuns: 100 }),
      ...fc.sample(fc.string({ unit: 'binary', maxLength: 300 }).map((s) => `{"p1": "${MARK}", ${s}`), { seed: SEED + 2, numRuns: 100 }),
      `{"roles": [${'"meter",'.repeat(700_000)}"x"]}`,
      `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    ];
    counts['config files'] = texts.length;
    const file = join(dir, 'config.json');
    let refused = 0;
    const bad: string[] = [];
    for (const text of texts) {
      writeFileSync(file, text);
      try {
        loadConfig(file, {});
      } catch (error) {
        refused++;
        const message = (error as Error).message;
        if (!(error instanceof ConfigError)) bad.push(`${(error as Error).name}: ${message.slice(0, 120)} for ${text.slice(0, 80)}`);
        else if (!message.startsWith(`${file}: `) || message.includes(MARK) || message.length > 2000 || !understandable(message.slice(file.length + 2))) {
          bad.push(`${message.slice(0, 300)} (${message.length} chars) for ${text.slice(0, 80)}`);
        }
      }
    }
    expect(bad).toEqual([]);
    // nearly all are wrong; a mutation that lands on an unused optional place may still be valid
    expect(refused).toBeGreaterThan(texts.length * 0.8);
  });
});

describe('the rates editor (rates.save and rates.preview) on a real rates.json', () => {
  it('generated rates documents: refused as bad-arguments naming the field; the file and the rates in force unchanged', async () => {
    const file = join(dir, 'rates.json');
    const original = `${JSON.stringify(RIG_RATES, null, 2)}\n`;
    writeFileSync(file, original);
    const store = new RatesStore(file);
    const inForce = store.current;
    const registry = new CommandRegistry();
    const ledger = { day: () => null } as unknown as Parameters<typeof registerDashboardCommands>[1]['ledger'];
    registerDashboardCommands(registry, { ratesStore: store, ledger, power: new PowerHistory(), meterNow: () => Date.UTC(2026, 0, 14, 18) });
    const ratesPath = fc.array(fc.oneof(fc.constantFrom('Electricity', 'registers', '+', '-', 'Day', 'Night', '1', '2', 'Capacity', 'eurPerKwYear', 'dynamic', 'Gas', 'Water'), hostileKey), { minLength: 1, maxLength: 4 });
    const documents = [
      ...fc.sample(fc.tuple(ratesPath, anyJson).map(([path, value]) => mutate(RIG_RATES, path, value)), { seed: SEED + 3, numRuns: 400 }),
      ...fc.sample(anyJson, { seed: SEED + 4, numRuns: 100 }),
      { Electricity: { registers: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`${i}`, `R${i}`])), '+': {} } },
      { Electricity: { registers: { 1: 'Day' }, '+': Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${'y'.repeat(200)}${i}`, MARK])) } },
    ];
    counts['rates documents'] = documents.length * 2;
    const bad: string[] = [];
    let saved = 0;
    for (const rates of documents) {
      for (const name of ['rates.preview', 'rates.save']) {
        const before = readFileSync(file, 'utf8');
        const outcome = await registry.execute(name, { rates }, { identity: { access: 'dashboard', name: 'dashboard' }, via: 'websocket' });
        if (outcome.ok) {
          if (name === 'rates.save') saved++;
          continue;
        }
        const { code, message } = outcome.error;
        if (code !== 'bad-arguments' || !message.startsWith(`command '${name}': rates refused: rates`) || message.includes(MARK) || message.includes(dir) || message.length > 2000 || !understandable(message)) {
          bad.push(`${code} ${message.slice(0, 300)} (${message.length} chars)`);
        }
        if (readFileSync(file, 'utf8') !== before) bad.push(`${name} changed the file although it refused: ${message.slice(0, 100)}`);
      }
    }
    expect(bad).toEqual([]);
    // a mutation may land somewhere harmless (a valid document): saved as written; none here did
    expect(saved).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(original);
    expect(store.current).toBe(inForce);
  });

  it('regression: a document with 5000 wrong register names is refused in one short message (it was 60 KB)', async () => {
    const file = join(dir, 'rates-wide.json');
    writeFileSync(file, JSON.stringify({ Electricity: { registers: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`${i}`, `R${i}`])), '+': {} } }));
    let message = '';
    try { loadRatesFile(file); } catch (error) { message = (error as Error).message; }
    // the five first names, then how many more; at most ten problems, then a count
    expect(message).toMatch(/Electricity\.registers: Unrecognized keys: "0", "3", "4", "5", "6" and 4993 more/);
    expect(message.length).toBeLessThan(1500);
  });
});

describe('the Electron shell\'s IPC handlers (ipcMain mocked)', () => {
  it('generated channels, senders and arguments: a refusal naming the channel, or an answer; rates.json and settings stay valid and unchanged unless validly set', async () => {
    handlers.clear();
    const file = join(dir, 'rates-ipc.json');
    const original = `${JSON.stringify(RIG_RATES, null, 2)}\n`;
    writeFileSync(file, original);
    const refusals: string[] = [];
    const ipc = new TypedIpcMain((m) => refusals.push(m));
    const window = { id: 7, once: () => {}, send: () => {}, isDestroyed: () => false };
    ipc.trust(window as never);
    const hub = new StateHub();
    const registry = registerStateCommands(new CommandRegistry(), hub);
    const ledger = { day: () => null } as unknown as Parameters<typeof registerDashboardCommands>[1]['ledger'];
    registerDashboardCommands(registry, { ratesStore: new RatesStore(file), ledger, power: new PowerHistory(), meterNow: () => null });
    new BusBridge(ipc, hub, registry).register();
    const settingsFile = { store: {} as Record<string, unknown> };
    const settings = new SettingsStore(settingsFile);
    ipc.handle('settings:get', () => settings.rendererView());
    ipc.handle('settings:set', (_sender, changes) => { settings.update(changes); return settings.rendererView(); });

    const frame = fc.oneof(
      fc.constant({ url: 'app://dashboard/index.html', parent: null }),
      fc.constantFrom({ url: 'https://evil.example/', parent: null }, { url: 'app://dashboard/x', parent: {} }, { url: 'file:///etc/passwd', parent: null }, null),
    );
    const call = fc.record({
      channel: fc.constantFrom('bus:subscribe', 'bus:unsubscribe', 'bus:command', 'settings:get', 'settings:set'),
      sender: fc.constantFrom(7, 7, 7, 8),
      frame,
      args: fc.oneof(
        fc.array(anyJson, { maxLength: 3 }),
        fc.tuple(fc.oneof(fc.constantFrom('rates.save', 'rates.preview', 'state', 'get', 'constructor', '__proto__'), fc.string({ maxLength: 70 })), fc.oneof(anyJson, fc.record({ rates: anyJson }))),
        fc.tuple(fc.dictionary(fc.oneof(fc.constantFrom('language', 'autoUpdate', 'updateChannel', 'kiosk', 'nodeIntegration', '__proto__'), hostileKey), anyJson, { maxKeys: 4 })),
      ),
    });
    const calls = fc.sample(call, { seed: SEED + 5, numRuns: 1500 });
    counts['IPC calls'] = calls.length;
    const bad: string[] = [];
    let answered = 0;
    for (const c of calls) {
      const before = settings.get();
      const trusted = c.sender === 7 && c.frame !== null && c.frame.parent === null && c.frame.url.startsWith('app://dashboard/');
      try {
        const value = await handlers.get(c.channel)!({ sender: { ...window, id: c.sender }, senderFrame: c.frame }, ...c.args);
        answered++;
        if (!trusted) bad.push(`${c.channel} answered an untrusted sender`);
        const outcome = value as { ok?: boolean; error?: { code: string; message: string } };
        if (c.channel === 'bus:command' && outcome.ok === false && (!understandable(outcome.error!.message) || outcome.error!.message.includes(MARK) || outcome.error!.code === 'internal')) {
          bad.push(`bus:command ${JSON.stringify(outcome.error).slice(0, 200)}`);
        }
        if (c.channel === 'settings:set' && !rendererSettingsSchema.partial().safeParse(c.args[0]).success) bad.push(`settings:set took ${JSON.stringify(c.args).slice(0, 100)}`);
      } catch (error) {
        const message = (error as Error).message;
        if (!message.startsWith(`${c.channel}: `) || !understandable(message) || message.includes(MARK) || message.length > 2000) bad.push(`${message.slice(0, 200)}`);
        if (JSON.stringify(settings.get()) !== JSON.stringify(before)) bad.push(`settings changed by a refused ${c.channel}`);
      }
      if (!shellSettingsSchema.safeParse(settingsFile.store).success) bad.push(`settings invalid after ${JSON.stringify(c.args).slice(0, 100)}`);
    }
    expect(bad).toEqual([]);
    console.log(`IPC: ${calls.length} calls, ${answered} answered, ${calls.length - answered} refused (${refusals.length} of them for the sender)`);
    // the generator reaches the handlers too, not only the checks in front of them
    expect(answered).toBeGreaterThan(30);
    expect(refusals.length).toBeGreaterThan(100);
    expect(readFileSync(file, 'utf8')).toBe(original);
    expect(Object.keys(settingsFile.store).sort()).toEqual(['autoUpdate', 'hideCursor', 'kiosk', 'language', 'updateChannel', 'window']);
  });
});

describe('regression: refusals quote at most 40 characters of a name', () => {
  it('a 5000-character key in IPC arguments and in a bus command is named by its first 40 characters', async () => {
    handlers.clear();
    const ipc = new TypedIpcMain(() => {});
    ipc.trust({ id: 7 } as never);
    ipc.handle('settings:set', () => ({ language: 'en', autoUpdate: false, updateChannel: 'stable' }));
    const long = 'k'.repeat(5000);
    const refusal = await handlers.get('settings:set')!({ sender: { id: 7 }, senderFrame: { url: 'app://dashboard/index.html', parent: null } }, { [long]: 1 })
      .then(() => '', (error: Error) => error.message);
    // before: the whole key, 5000 characters, was quoted back
    expect(refusal).toBe(`settings:set: bad arguments: 0: Unrecognized key: "${'k'.repeat(40)}..."`);
    const registry = registerStateCommands(new CommandRegistry(), new StateHub());
    const outcome = await registry.execute('get', { key: 'meter', [long]: 1 }, { identity: { access: 'viewer', name: 'v' }, via: 'websocket' });
    expect(outcome).toEqual({ ok: false, error: { code: 'bad-arguments', message: `command 'get': args: Unrecognized key: "${'k'.repeat(40)}..."` } });
  });
});
