/**
 * TLS that is real: `digital-meter cert` makes a self-signed certificate, a `serve` with bus.tls
 * answers HTTPS and WSS on its one port and plain HTTP not at all; a satellite that pins the
 * certificate's fingerprint connects, one with a wrong pin refuses and says why (the token never
 * sent); a missing key file stops `serve` naming the file.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusClient } from '../../main/bus/client.js';
import { issueNamedToken } from '../../main/bus/named-tokens.js';
import { certCommand } from '../../main/cli/cert.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { WsProbe, eventually } from '../support/ws-probe.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'digital-meter.js');

function fetchStatus(get: typeof httpGet, url: string, options: object = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: 5000, ...options }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

describe('bus.tls for real', () => {
  let dir: string;
  let serve: ServeProcess;
  let fingerprint: string;
  let satelliteToken: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dm-tls-'));
    let out = '';
    expect(certCommand([], { out: (t) => { out += t; }, err: () => {}, cwd: dir })).toBe(0);
    fingerprint = out.trim();
    satelliteToken = issueNamedToken(join(dir, 'data'), 'satellite', 'garage').token;
    writeFileSync(join(dir, 'meter.json'), JSON.stringify({
      roles: ['meter'], dataDir: 'data', log: { level: 'info', file: false }, p1: { type: 'simulator' },
      site: { fuse: { grid: '3x400', phases: 3, amps: 25 } },
      bus: { tls: { cert: 'meter.crt', key: 'meter.key' } },
    }));
    serve = await startServe(['--config', join(dir, 'meter.json'), '--port', '0']);
  }, 90_000);

  afterAll(async () => {
    await serve?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('`digital-meter cert` prints the SHA-256 fingerprint openssl computes, and writes the key 0600', () => {
    const openssl = execFileSync('openssl', ['x509', '-in', join(dir, 'meter.crt'), '-noout', '-fingerprint', '-sha256']).toString();
    // "sha256 Fingerprint=AB:CD:..." (the label's case differs between openssl versions)
    expect(fingerprint).toBe(openssl.trim().split('=')[1]);
    expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(statSync(join(dir, 'meter.key')).mode & 0o777).toBe(0o600);
  });

  it('answers HTTPS and WSS, and plain HTTP not at all', async () => {
    expect(serve.origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(join(dir, 'meter.crt'));
    expect(await fetchStatus(httpsGet, `${serve.origin}/`, { ca })).toBe(200);
    const plain = serve.origin.replace('https://', 'http://');
    await expect(fetchStatus(httpGet, `${plain}/`)).rejects.toThrow();
    const wss = serve.origin.replace('https://', 'wss://') + '/ws';
    const client = await WsProbe.hello(wss, serve.token, 'viewer', { ca });
    expect(client.json()[0]).toMatchObject({ type: 'snapshot' });
    client.close();
    await expect(WsProbe.open(serve.origin.replace('https://', 'ws://') + '/ws')).rejects.toThrow();
  });

  it('a satellite with the right pin connects; with a wrong pin it refuses and says why', async () => {
    const url = serve.origin.replace('https://', 'wss://') + '/ws';
    const right = new BusClient({ url, token: satelliteToken, role: 'ev', name: 'garage', fingerprint });
    let connected = false;
    right.on('connected', () => { connected = true; });
    right.start();
    try {
      await eventually(() => connected, 'the pinned satellite connected', 15_000);
    } finally {
      await right.close();
    }
    // the last pair changed: another certificate
    const wrongPin = fingerprint.slice(0, -2) + (fingerprint.endsWith('00') ? '01' : '00');
    const wrong = new BusClient({ url, token: satelliteToken, role: 'ev', name: 'garage', fingerprint: wrongPin, backoff: { initialMs: 50, maxMs: 200 } });
    const refusals: string[] = [];
    let wrongConnected = false;
    wrong.on('refused', (e) => refusals.push(e.message));
    wrong.on('connected', () => { wrongConnected = true; });
    wrong.start();
    try {
      await eventually(() => refusals.length >= 2, 'two refusals', 15_000);
    } finally {
      await wrong.close();
    }
    expect(wrongConnected).toBe(false);
    expect(refusals[0]).toBe(`the meter's certificate does not match bus.meter.fingerprint: it shows ${fingerprint}, the pin is ${wrongPin}; the token was not sent`);
  }, 40_000);

  it('a missing key file stops serve with the file\'s name', () => {
    writeFileSync(join(dir, 'nokey.json'), JSON.stringify({
      roles: ['meter'], dataDir: 'data2', log: { level: 'info', file: false }, p1: { type: 'simulator' },
      bus: { tls: { cert: 'meter.crt', key: 'missing.key' } },
    }));
    const child = spawn(process.execPath, [BIN, 'serve', '--config', join(dir, 'nokey.json'), '--port', '0'], { env: { ...process.env, DM_TOKEN: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    return new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => {
        try {
          expect(code).toBe(78);
          expect(stderr).toContain(`${join(dir, 'missing.key')}: no such file`);
          expect(stdout).toBe(''); // no address printed: nothing served
          resolve();
        } catch (error) { reject(error as Error); }
      });
    });
  }, 60_000);
});
