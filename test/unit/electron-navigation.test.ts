import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));
const { denyPermissions, guardNavigation } = await import('../../main/electron/guards.js');

class FakeContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void { this.openHandler = handler; }
}

function navigate(contents: FakeContents, event: string, url: string): boolean {
  let prevented = false;
  const e = { url, preventDefault: () => { prevented = true; } };
  contents.emit(event, e, url);
  return prevented;
}

describe('navigation and new windows', () => {
  it('stops navigation and redirects away from the app; the app\'s own pages load', () => {
    const denied: string[] = [];
    const contents = new FakeContents();
    guardNavigation(contents as never, (what) => denied.push(what));

    expect(navigate(contents, 'will-navigate', 'https://evil.example/phish')).toBe(true);
    expect(navigate(contents, 'will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(navigate(contents, 'will-redirect', 'http://127.0.0.1:8080/')).toBe(true);
    expect(navigate(contents, 'will-frame-navigate', 'javascript:alert(1)')).toBe(true);
    expect(navigate(contents, 'will-navigate', 'app://dashboard/index.html')).toBe(false);
    expect(navigate(contents, 'will-navigate', 'app://other/index.html')).toBe(true);
    expect(denied).toEqual([
      'navigation to https://evil.example/phish',
      'navigation to file:///etc/passwd',
      'navigation to http://127.0.0.1:8080/',
      'navigation to javascript:alert(1)',
      'navigation to app://other/index.html',
    ]);
  });

  it('denies every new window, even one for the app itself, and every <webview>', () => {
    const denied: string[] = [];
    const contents = new FakeContents();
    guardNavigation(contents as never, (what) => denied.push(what));
    expect(contents.openHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'app://dashboard/index.html' })).toEqual({ action: 'deny' });
    let prevented = false;
    contents.emit('will-attach-webview', { preventDefault: () => { prevented = true; } }, {}, {});
    expect(prevented).toBe(true);
    expect(denied).toEqual(['new window for https://example.com/', 'new window for app://dashboard/index.html', 'a <webview>']);
  });

  it('refuses every permission request and check', () => {
    let request: ((c: unknown, permission: string, callback: (granted: boolean) => void) => void) | null = null;
    let check: (() => boolean) | null = null;
    let device: (() => boolean) | null = null;
    const session = {
      setPermissionRequestHandler: (h: typeof request) => { request = h; },
      setPermissionCheckHandler: (h: typeof check) => { check = h; },
      setDevicePermissionHandler: (h: typeof device) => { device = h; },
    };
    const denied: string[] = [];
    denyPermissions(session as never, (what) => denied.push(what));
    const answers: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'serial']) request!({}, permission, (granted) => answers.push(granted));
    expect(answers).toEqual([false, false, false, false]);
    expect(check!()).toBe(false);
    expect(device!()).toBe(false);
    expect(denied).toEqual(["permission 'media'", "permission 'geolocation'", "permission 'notifications'", "permission 'serial'"]);
  });
});
