import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_SCHEME_PRIVILEGES, appProtocolHandler, fileForRequest } from '../../main/electron/app-protocol.js';
import { addSecurityHeaders, CONTENT_SECURITY_POLICY } from '../../main/electron/csp.js';

const EXPECTED_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
  + "font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; "
  + "frame-ancestors 'none'; object-src 'none'";

describe('Content-Security-Policy', () => {
  it('allows scripts from the app only: no inline script, no eval, no remote origin', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(EXPECTED_CSP);
  });

  it('is put on every response, replacing a policy the response brought (any letter case)', () => {
    const responses: unknown[] = [];
    addSecurityHeaders({ responseHeaders: { 'content-security-policy': ["default-src *"], 'Content-Type': 'text/html', 'x-content-type-options': ['bogus'] } }, (r) => responses.push(r.responseHeaders));
    addSecurityHeaders({}, (r) => responses.push(r.responseHeaders['Content-Security-Policy']));
    expect(responses[0]).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': [EXPECTED_CSP],
      'X-Content-Type-Options': ['nosniff'],
      'Referrer-Policy': ['no-referrer'],
      'Cross-Origin-Opener-Policy': ['same-origin'],
    });
    expect(responses[1]).toEqual([EXPECTED_CSP]);
  });
});

describe('app:// protocol', () => {
  const root = mkdtempSync(join(tmpdir(), 'dm-renderer-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Digital Meter</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, '..', 'dm-outside-secret.txt'), 'secret');
  afterAll(() => { rmSync(root, { recursive: true, force: true }); rmSync(join(root, '..', 'dm-outside-secret.txt'), { force: true }); });

  it('is a standard, secure scheme and never bypasses the CSP', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ standard: true, secure: true, supportFetchAPI: true, codeCache: true });
  });

  it('maps app://dashboard paths into the renderer folder; routes get index.html', () => {
    expect(fileForRequest('app://dashboard/assets/app.js', root)).toBe(join(root, 'assets', 'app.js'));
    expect(fileForRequest('app://dashboard/', root)).toBe(join(root, 'index.html'));
    expect(fileForRequest('app://dashboard/settings/rates', root)).toBe(join(root, 'index.html'));
  });

  it('refuses other hosts, other schemes, climbing out of the folder and NUL bytes', () => {
    expect(fileForRequest('app://evil/index.html', root)).toBeNull();
    expect(fileForRequest('file:///etc/passwd', root)).toBeNull();
    // the URL parser already folds an encoded '..' segment: it stays inside the folder
    expect(fileForRequest('app://dashboard/%2e%2e/dm-outside-secret.txt', root)).toBe(join(root, 'dm-outside-secret.txt'));
    // an encoded slash survives the parser and is caught after decoding
    expect(fileForRequest('app://dashboard/..%2fdm-outside-secret.txt', root)).toBeNull();
    expect(fileForRequest('app://dashboard/a%00.js', root)).toBeNull();
    expect(fileForRequest('app://dashboard/%E0%A4%A', root)).toBeNull();
  });

  it('answers a file with its type and the security headers, anything else 404 (with the CSP too)', async () => {
    const handle = appProtocolHandler(root);
    const ok = await handle(new Request('app://dashboard/assets/app.js'));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(ok.headers.get('content-security-policy')).toBe(EXPECTED_CSP);
    expect(await ok.text()).toBe('console.log(1)');
    const page = await handle(new Request('app://dashboard/'));
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const missing = await handle(new Request('app://dashboard/nothing.js'));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(EXPECTED_CSP);
    expect((await handle(new Request('app://dashboard/%2e%2e/dm-outside-secret.txt'))).status).toBe(404);
    expect((await handle(new Request('app://dashboard/index.html', { method: 'POST', body: 'x' }))).status).toBe(404);
  });
});
