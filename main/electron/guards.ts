import type { Session, WebContents } from 'electron';
import { isAppUrl } from './app-protocol.js';

export type DenialLog = (what: string) => void;

/**
 * Navigation and new windows: the dashboard is one page that never needs to leave its origin.
 * A link or script that tries (an injected URL in a log line, a compromised dependency) is
 * stopped here. Applied to every WebContents the app creates (app 'web-contents-created'), so
 * nothing opened later escapes it either.
 */
export function guardNavigation(contents: WebContents, denied: DenialLog): void {
  const stopForeign = (event: { preventDefault(): void }, url: string): void => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    denied(`navigation to ${shorten(url)}`);
  };
  contents.on('will-navigate', stopForeign);
  contents.on('will-redirect', stopForeign);
  contents.on('will-frame-navigate', (event) => stopForeign(event, event.url));
  contents.setWindowOpenHandler(({ url }) => {
    denied(`new window for ${shorten(url)}`);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    denied('a <webview>');
  });
}

/**
 * Permission requests (camera, microphone, geolocation, notifications, USB/serial/HID from the
 * page, ...) are all refused: the dashboard needs none; the P1 port is opened by the main
 * process, never by a page.
 */
export function denyPermissions(session: Session, denied: DenialLog): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    denied(`permission '${permission}'`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

function shorten(url: string): string {
  return url.length > 120 ? `${url.slice(0, 117)}...` : url;
}
