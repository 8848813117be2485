/**
 * A role per connection, from the token it proved and never from its hello: the dashboard token
 * changes rates, a viewer token only reads, a satellite token files demands for its own devices
 * only. Each refusal answers `forbidden` and is logged once per connection with who and from where.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenHolder } from '../../main/bus/auth.js';
import { CommandRegistry, registerStateCommands } from '../../main/bus/commands.js';
import { issueNamedToken, revokeNamedToken } from '../../main/bus/named-tokens.js';
import { BusServer } from '../../main/bus/server.js';
import { StateHub } from '../../main/bus/state-hub.js';
import { openServerToken } from '../../main/bus/token-source.js';
import { tokenCommand } from '../../main/cli/token.js';
import { DemandBook } from '../../main/site/demand-book.js';
import { satelliteDoors } from '../../main/site/satellite-doors.js';
import { captureLog } from '../support/capture-log.js';
import { startServe } from '../support/serve-process.js';
import { ratesCommands } from '../support/rates-commands.js';
import { WsProbe, eventually } from '../support/ws-probe.js';

const DASHBOARD_TOKEN = 'dashboard-token-0123456789abcdef';
const VIEWER = 'viewer-token-hall-0123456789abcd';
const GARAGE = 'satellite-token-garage-012345678';
const SHED = 'satellite-token-shed-0123456789a';

const cleanups: Array<() => unknown> = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

const DEMAND = { kind: 'ev', conductors: [1, 2, 3], measuredKw: 0, band: { minKw: 0, maxKw: 11 }, class: 'plan', priority: 50 };

async function start(tokens: TokenHolder) {
  const hub = new StateHub();
  const commands = registerStateCommands(new CommandRegistry(), hub);
  const { log, lines } = captureLog();
  const rates = ratesCommands(commands, log);
  const book = new DemandBook(() => performance.now());
  const server = await BusServer.listen({ hub, tokens, commands, site: satelliteDoors(book), host: '127.0.0.1', port: 0, log });
  cleanups.push(() => server.close());
  return { url: server.address().url, rates, book, lines };
}

function tokens(): TokenHolder {
  return new TokenHolder(DASHBOARD_TOKEN, [
    { access: 'viewer', name: 'hall', token: VIEWER },
    { access: 'satellite', name: 'garage', token: GARAGE },
    { access: 'satellite', name: 'shed', token: SHED },
  ]);
}

async function hello(url: string, token: string, role: string, name?: string) {
  const p = await WsProbe.hello(url, token, role, {}, name);
  cleanups.push(() => p.close());
  return p;
}

/** the answer (result or error) with this id */
async function answer(p: WsProbe, id: string) {
  await p.until(() => p.json().some((m) => m.id === id), `an answer to ${id}`);
  return p.json().find((m) => m.id === id)!;
}

describe('roles come from the token', () => {
  it('a viewer token reads but cannot save rates nor file a demand, even claiming the ev role', async () => {
    const { url, rates, book, lines } = await start(tokens());
    const before = readFileSync(rates.file, 'utf8');
    const viewer = await hello(url, VIEWER, 'ev', 'hall');
    viewer.send({ type: 'command', id: 'g', name: 'rates.get', args: {} });
    expect(await answer(viewer, 'g')).toMatchObject({ ok: true });
    viewer.send({ type: 'command', id: 's', name: 'rates.save', args: { rates: JSON.parse(before) } });
    expect(await answer(viewer, 's')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    viewer.send({ type: 'demand', id: 'd', demand: { ...DEMAND, device: 'car' } });
    expect(await answer(viewer, 'd')).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(readFileSync(rates.file, 'utf8')).toBe(before);
    expect(book.size).toBe(0);
    // two refusals, one log line naming who and from where
    const logged = lines.filter((l) => /forbidden/.test(l.msg));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ who: 'viewer hall', from: '127.0.0.1' });
  });

  it('the dashboard token saves rates (logged with who) but cannot file a demand by claiming ev', async () => {
    const { url, rates, book, lines } = await start(tokens());
    const doc = JSON.parse(readFileSync(rates.file, 'utf8'));
    const people = await hello(url, DASHBOARD_TOKEN, 'ev', 'garage');
    people.send({ type: 'command', id: 's', name: 'rates.save', args: { rates: doc } });
    expect(await answer(people, 's')).toMatchObject({ ok: true, value: { saved: true } });
    expect(lines.find((l) => l.msg === 'rates changed')).toMatchObject({ who: 'dashboard', via: 'websocket' });
    people.send({ type: 'demand', id: 'd', demand: { ...DEMAND, device: 'car' } });
    expect(await answer(people, 'd')).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(book.size).toBe(0);
  });

  it('a satellite token files for its own devices only: not rates, not another satellite\'s device, not another name', async () => {
    const { url, rates, book } = await start(tokens());
    const before = readFileSync(rates.file, 'utf8');
    const shed = await hello(url, SHED, 'battery', 'shed');
    shed.send({ type: 'demand', id: 'b', demand: { ...DEMAND, kind: 'battery', device: 'battery' } });
    await eventually(() => book.size === 1, 'the shed\'s battery in the book');
    const garage = await hello(url, GARAGE, 'ev', 'garage');
    garage.send({ type: 'command', id: 's', name: 'rates.save', args: { rates: JSON.parse(before) } });
    expect(await answer(garage, 's')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    garage.send({ type: 'demand', id: 'steal', demand: { ...DEMAND, device: 'battery', band: { minKw: -5, maxKw: 5 } } });
    expect(await answer(garage, 'steal')).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(book.list().map((e) => [e.door, e.demand.device])).toEqual([['satellite:shed', 'battery']]);
    expect(readFileSync(rates.file, 'utf8')).toBe(before);
    // the garage's token cannot say hello as the shed (it would take over the shed's door)
    const impostor = await WsProbe.open(url);
    cleanups.push(() => impostor.close());
    impostor.send({ type: 'hello', protocol: 2, role: 'battery', token: GARAGE, name: 'shed' });
    await impostor.until(() => impostor.closeCode !== null, 'the close');
    expect(impostor.json()[0]).toMatchObject({ type: 'error', code: 'forbidden', message: expect.stringContaining("belongs to satellite 'garage'") });
    expect(book.size).toBe(1);
  });

  it('a revoked satellite token (digital-meter token --revoke) is dropped at once and refused after', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dm-roles-'));
    const garage = issueNamedToken(dataDir, 'satellite', 'garage');
    const source = openServerToken({ dataDir, override: DASHBOARD_TOKEN, env: {}, watchIntervalMs: 50 });
    cleanups.push(() => source.stop());
    const { url } = await start(source.holder);
    const sat = await hello(url, garage.token, 'ev', 'garage');
    const people = await hello(url, DASHBOARD_TOKEN, 'viewer');
    expect(revokeNamedToken(dataDir, 'garage')).toBe(true);
    await sat.until(() => sat.closeCode !== null, 'the revoked satellite dropped');
    expect(sat.closeReason).toBe('token revoked');
    expect(people.closeCode).toBeNull();
    await expect(WsProbe.hello(url, garage.token, 'ev', {}, 'garage')).rejects.toThrow();
  });
});

describe('revoking as a user does it, beside a running serve', () => {
  it('`digital-meter token --revoke garage` (its own process) drops the garage\'s connection; the others stay; the token is refused after', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-revoke-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const config = join(dir, 'meter.json');
    writeFileSync(config, JSON.stringify({
      roles: ['meter'], dataDir: join(dir, 'data'), log: { level: 'info', file: false }, p1: { type: 'simulator' },
      site: { fuse: { grid: '3x400', phases: 3, amps: 25 } },
    }));
    const bin = join(import.meta.dirname, '..', '..', 'bin', 'digital-meter.js');
    const cli = (...args: string[]) => execFileSync(process.execPath, [bin, 'token', '--config', config, ...args], { env: { ...process.env, DM_TOKEN: '' }, stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();
    const garageToken = cli('--satellite', 'garage');
    const serve = await startServe(['--config', config, '--port', '0'], { home: dir });
    cleanups.push(() => serve.stop());
    const url = serve.origin.replace('http://', 'ws://') + '/ws';
    const garage = await hello(url, garageToken, 'ev', 'garage');
    const people = await hello(url, serve.token, 'viewer');
    cli('--revoke', 'garage');
    // the server polls the token list every second: the garage goes, the dashboard stays
    await garage.until(() => garage.closeCode !== null, 'the revoked satellite dropped', 10_000);
    expect(garage.closeReason).toBe('token revoked');
    expect(people.closeCode).toBeNull();
    await expect(WsProbe.hello(url, garageToken, 'ev', {}, 'garage')).rejects.toThrow();
  }, 90_000);
});

describe('digital-meter token --satellite / --viewer / --list / --revoke', () => {
  async function run(args: string[]) {
    let out = '';
    let err = '';
    const code = await tokenCommand(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, env: {} });
    return { code, out, err };
  }

  it('makes one token per name, lists the names (never the tokens) and revokes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-token-cli-'));
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ dataDir: join(dir, 'data') }));
    const garage = await run(['--config', config, '--satellite', 'garage']);
    expect(garage.code).toBe(0);
    expect(garage.out.trim()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(garage.err).toContain('bus.meter.name to "garage"');
    const hall = await run(['--config', config, '--viewer', 'hall']);
    expect(hall.out.trim()).not.toBe(garage.out.trim());
    const file = join(dir, 'data', 'bus-tokens.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const list = await run(['--config', config, '--list']);
    expect(list.out).toBe('satellite\tgarage\nviewer\thall\n');
    expect(list.out).not.toContain(garage.out.trim());
    expect((await run(['--config', config, '--revoke', 'garage'])).code).toBe(0);
    expect((await run(['--config', config, '--list'])).out).toBe('viewer\thall\n');
    const again = await run(['--config', config, '--revoke', 'garage']);
    expect(again.code).toBe(1);
    expect(again.err).toContain("no viewer or satellite token named 'garage'");
    await expect(run(['--config', config, '--satellite', 'Bad Name'])).rejects.toThrow(/lowercase letters/);
  });
});
