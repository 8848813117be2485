import { describe, expect, it } from 'vitest';
import { HIDE_CURSOR_CSS, visibleBounds, windowOptions } from '../../main/electron/window-options.js';
import { parseShellArgs } from '../../main/electron/shell-args.js';

const SECURE = {
  preload: '/app/preload.cjs',
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
  disableBlinkFeatures: 'Auxclick',
};

describe('window options', () => {
  it('kiosk: full screen, no frame, not movable, keeps rendering while the screen blanks, secure', () => {
    const o = windowOptions({ kind: 'kiosk', hideCursor: true }, '/app/preload.cjs');
    expect(o).toMatchObject({ kiosk: true, fullscreen: true, frame: false, resizable: false, movable: false, show: false, autoHideMenuBar: true });
    expect(o.webPreferences).toEqual({ ...SECURE, backgroundThrottling: false });
  });

  it('desktop: the saved size and place, with the same security settings', () => {
    const o = windowOptions({ kind: 'desktop', bounds: { x: 40, y: 30, width: 1400, height: 900 }, maximized: false }, '/app/preload.cjs');
    expect(o).toMatchObject({ x: 40, y: 30, width: 1400, height: 900, minWidth: 800, minHeight: 480 });
    expect(o.kiosk).toBeUndefined();
    expect(o.frame).toBeUndefined();
    expect(o.webPreferences).toEqual({ ...SECURE, backgroundThrottling: true });
  });

  it('desktop without saved bounds: 1280 x 800 centred; too small saved bounds grow to the minimum', () => {
    expect(windowOptions({ kind: 'desktop', bounds: null, maximized: false }, 'p')).toMatchObject({ width: 1280, height: 800, center: true });
    expect(windowOptions({ kind: 'desktop', bounds: { x: 0, y: 0, width: 300, height: 200 }, maximized: false }, 'p'))
      .toMatchObject({ width: 800, height: 480 });
  });

  it('forgets bounds that lie off every screen (a monitor was unplugged)', () => {
    const laptop = { x: 0, y: 0, width: 1920, height: 1080 };
    const saved = { x: 2200, y: 100, width: 1200, height: 800 }; // was on a second monitor
    expect(visibleBounds(saved, [laptop])).toBeNull();
    expect(visibleBounds(saved, [laptop, { x: 1920, y: 0, width: 2560, height: 1440 }])).toEqual(saved);
    expect(visibleBounds({ x: 1850, y: 100, width: 600, height: 400 }, [laptop])).toBeNull(); // 70 px visible
    expect(visibleBounds(null, [laptop])).toBeNull();
  });

  it('hides the cursor with a style sheet', () => {
    expect(HIDE_CURSOR_CSS).toBe('* { cursor: none !important; }');
  });
});

describe('shell command line', () => {
  it('picks its flags out of Electron\'s argv and leaves Chromium switches alone', () => {
    const { args, problems } = parseShellArgs(['/usr/lib/electron', '.', '--kiosk', '--hide-cursor', '--ozone-platform=wayland', '--config=/etc/dm.json', '--roles', 'meter,ev']);
    expect(problems).toEqual([]);
    expect(args).toEqual({ kiosk: true, hideCursor: true, configFile: '/etc/dm.json', roles: ['meter', 'ev'] });
  });

  it('names a wrong role list', () => {
    expect(parseShellArgs(['x', '--roles', 'meter,car']).problems).toEqual(['--roles meter,car: expected a comma-separated list of meter, ev, battery']);
    expect(parseShellArgs(['x']).args).toEqual({ kiosk: null, hideCursor: null, configFile: undefined, roles: undefined });
  });
});

describe('renderer crash recovery', () => {
  it('reloads after 1 s, doubling for crashes in a row up to a minute, says so once per run; 5 quiet minutes reset it', async () => {
    const { CrashRecovery } = await import('../../main/electron/crash-recovery.js');
    let now = 0;
    const recovery = new CrashRecovery(() => now);
    const seen: [number, boolean][] = [];
    for (let i = 0; i < 8; i++) { seen.push(Object.values(recovery.onCrash()) as [number, boolean]); now += 2_000; }
    expect(seen).toEqual([[1000, true], [2000, false], [4000, false], [8000, false], [16000, false], [32000, false], [60000, false], [60000, false]]);
    now += 5 * 60_000 + 1;
    expect(recovery.onCrash()).toEqual({ delayMs: 1000, report: true });
  });
});
