import type { BrowserWindowConstructorOptions, Rectangle } from 'electron';

export type WindowMode =
  | { kind: 'kiosk'; hideCursor: boolean }
  | { kind: 'desktop'; bounds: Rectangle | null; maximized: boolean };

/** Smallest window the dashboard's panels still fit in. */
export const MIN_WIDTH = 800;
export const MIN_HEIGHT = 480;

/**
 * The BrowserWindow options: the security settings are the same in both modes and written out
 * even where they are Electron's defaults, so a change of default (or of this code) shows up in
 * the test. Kiosk: full screen, no frame, no menu, no way out but the OS (the Pi's touch screen
 * has no keyboard). Desktop: the size and place the user left it in.
 */
export function windowOptions(mode: WindowMode, preloadPath: string): BrowserWindowConstructorOptions {
  const security: BrowserWindowConstructorOptions['webPreferences'] = {
    preload: preloadPath,
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
    // middle-click must not open windows either
    disableBlinkFeatures: 'Auxclick',
    // The kiosk must keep updating when the screen blanks or the window is covered.
    backgroundThrottling: mode.kind !== 'kiosk',
  };
  const common: BrowserWindowConstructorOptions = {
    title: 'Digital Meter',
    backgroundColor: '#101418',
    show: false, // shown on ready-to-show: no white flash on the kiosk
    autoHideMenuBar: true,
    webPreferences: security,
  };
  if (mode.kind === 'kiosk') {
    return { ...common, kiosk: true, fullscreen: true, frame: false, resizable: false, movable: false, minimizable: false };
  }
  const bounds = mode.bounds;
  return {
    ...common,
    width: Math.max(bounds?.width ?? 1280, MIN_WIDTH),
    height: Math.max(bounds?.height ?? 800, MIN_HEIGHT),
    ...(bounds ? { x: bounds.x, y: bounds.y } : { center: true }),
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
  };
}

/**
 * Bounds saved on one screen setup may lie off every screen of the next (a monitor unplugged):
 * keep them only when at least a corner-sized part is visible on some display's work area.
 */
export function visibleBounds(bounds: Rectangle | null, workAreas: readonly Rectangle[]): Rectangle | null {
  if (!bounds) return null;
  const minimumOverlap = 100;
  const visible = workAreas.some((area) => {
    const overlapX = Math.min(bounds.x + bounds.width, area.x + area.width) - Math.max(bounds.x, area.x);
    const overlapY = Math.min(bounds.y + bounds.height, area.y + area.height) - Math.max(bounds.y, area.y);
    return overlapX >= minimumOverlap && overlapY >= minimumOverlap;
  });
  return visible ? bounds : null;
}

/** Hides the mouse pointer on a touch kiosk (injected as a user style sheet, not by the page). */
export const HIDE_CURSOR_CSS = '* { cursor: none !important; }';
