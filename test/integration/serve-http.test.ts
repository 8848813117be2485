/**
 * `serve`'s HTTP side: the built dashboard's files with a strict CSP and the right MIME types,
 * nothing outside its folder; and `serve` itself: one stdout line, a free port with --port 0,
 * the websocket on the same port, `token` agreeing with it, a clean stop on SIGINT.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { staticHandler } from '../../main/http/static-files.js';
import { removeHome, startServe } from '../support/serve-process.js';

function get(port: number, path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolveResponse, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolveResponse({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the dashboard\'s static files', () => {
  let dir: string;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dm-static-'));
    mkdirSync(join(dir, 'root', 'assets'), { recursive: true });
    writeFileSync(join(dir, 'root', 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(dir, 'root', 'assets', 'index-abc.js'), 'console.log(1)');
    writeFileSync(join(dir, 'root', 'assets', 'index-abc.css'), 'body{}');
    writeFileSync(join(dir, 'root', '.env'), 'SECRET=1');
    writeFileSync(join(dir, 'outside.txt'), 'not for the web');
    server = createServer(staticHandler(join(dir, 'root')));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  test('the page with a strict Content-Security-Policy', async () => {
    const res = await get(port, '/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toBe('<!doctype html><title>x</title>');
  });

  test('scripts and styles with their MIME types', async () => {
    expect((await get(port, '/assets/index-abc.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get(port, '/assets/index-abc.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    const head = await get(port, '/assets/index-abc.js', 'HEAD');
    expect([head.status, head.body, head.headers['content-length']]).toEqual([200, '', '14']);
  });

  test('nothing outside the folder, no dot-files, only GET and HEAD', async () => {
    for (const path of ['/../outside.txt', '/assets/../../outside.txt', '/..%2foutside.txt', '/%2e%2e/outside.txt', '/.env', '/assets/%00x', '/missing.js']) {
      expect((await get(port, path)).status, path).toBe(404);
    }
    expect((await get(port, '/', 'POST')).status).toBe(405);
    expect((await get(port, '/%E0%A4%A')).status).toBe(400);
  });
});

describe('digital-meter serve', () => {
  test('prints one line, serves the page and the websocket on one free port, agrees with `token`, stops cleanly on SIGINT', async () => {
    const serve = await startServe(['--port', '0', '--history-days', '1', '--speed', '10']);
    try {
      expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
      const port = Number(new URL(serve.origin).port);
      expect(port).toBeGreaterThan(0);
      const page = await get(port, '/');
      expect(page.status).toBe(200);
      expect(page.body).toContain('<div id="app">');
      const snapshot = await new Promise<{ type: string; state: { meter: { time: number } | null; dashboard?: { demo: boolean } } }>((resolveMessage, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
        ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', protocol: 2, role: 'viewer', token: serve.token })));
        ws.on('message', (data) => { resolveMessage(JSON.parse(data.toString())); ws.close(); });
        ws.on('error', reject);
      });
      expect(snapshot.type).toBe('snapshot');
      expect(snapshot.state.dashboard?.demo).toBe(true);
      const printed = execFileSync(process.execPath, [resolve(import.meta.dirname, '..', '..', 'bin', 'digital-meter.js'), 'token'], {
        env: { ...process.env, XDG_CONFIG_HOME: join(serve.home, 'config'), XDG_DATA_HOME: join(serve.home, 'data'), DM_TOKEN: '' }, encoding: 'utf8',
      });
      expect(printed.trim()).toBe(serve.token);
      serve.child.kill('SIGINT');
      const code = await new Promise<number | null>((r) => serve.child.once('exit', r));
      expect(code).toBe(0);
      expect(serve.stderr()).toContain('stopped; everything committed');
    } finally {
      await serve.stop();
      removeHome(serve.home);
    }
  });
});
