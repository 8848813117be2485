import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const userData = mkdtempSync(join(tmpdir(), 'dm-userdata-'));
// electron-store asks Electron's app for its folder and version: the binary is not here.
vi.mock('electron', () => ({
  default: {
    app: { getPath: () => userData, getVersion: () => '0.1.0', getName: () => 'digital-meter' },
    ipcMain: { on: () => {} },
    shell: {},
  },
}));
const { DEFAULT_SETTINGS, openSettingsFile, SettingsStore } = await import('../../main/electron/settings.js');
afterAll(() => rmSync(userData, { recursive: true, force: true }));

describe('shell settings (electron-store)', () => {
  it('defaults: desktop window, no kiosk, English, updates off on the stable channel', () => {
    expect(DEFAULT_SETTINGS).toEqual({
      window: { bounds: null, maximized: false }, kiosk: false, hideCursor: false,
      language: 'en', autoUpdate: false, updateChannel: 'stable',
    });
  });

  it('remembers the window and the choices in settings.json across restarts', () => {
    const first = new SettingsStore(openSettingsFile());
    first.update({ window: { bounds: { x: 10, y: 20, width: 1000, height: 700 }, maximized: false }, language: 'nl', autoUpdate: true });
    const again = new SettingsStore(openSettingsFile()).get();
    expect(again).toMatchObject({ window: { bounds: { x: 10, y: 20, width: 1000, height: 700 } }, language: 'nl', autoUpdate: true, updateChannel: 'stable' });
    expect(JSON.parse(readFileSync(join(userData, 'settings.json'), 'utf8')).language).toBe('nl');
    expect(new SettingsStore(openSettingsFile()).rendererView()).toEqual({ language: 'nl', autoUpdate: true, updateChannel: 'stable' });
  });

  it('a wrong value falls back on its own; the other settings stay', () => {
    const dir = mkdtempSync(join(userData, 'bad-'));
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ kiosk: 'yes', language: 'nl', updateChannel: 'nightly', window: { bounds: { x: 1 } } }));
    expect(new SettingsStore(openSettingsFile(dir)).get()).toEqual({
      window: { bounds: null, maximized: false }, kiosk: false, hideCursor: false,
      language: 'nl', autoUpdate: false, updateChannel: 'stable',
    });
  });

  it('a file that is not JSON is replaced by the defaults instead of stopping the app', () => {
    const dir = mkdtempSync(join(userData, 'broken-'));
    writeFileSync(join(dir, 'settings.json'), '{ not json');
    expect(new SettingsStore(openSettingsFile(dir)).get()).toEqual(DEFAULT_SETTINGS);
  });
});
