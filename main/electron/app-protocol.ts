import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { SECURITY_HEADERS } from './csp.js';

/**
 * The renderer is served from app://dashboard/ rather than file://: a file:// page may read any
 * local file and shares one origin with every other file, while a standard, secure custom
 * scheme gives the dashboard an origin of its own that the CSP ('self'), the IPC sender check
 * and the navigation guard can name exactly.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'dashboard';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

/**
 * True for a URL of the app's own pages. Compared by scheme and host, not by `URL.origin`:
 * Node's URL (the main process's) gives every non-special scheme the origin "null", which
 * would make every custom-scheme URL look alike.
 */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** For protocol.registerSchemesAsPrivileged, before the app is ready. No bypassCSP, ever. */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  codeCache: true,
} as const;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.webmanifest': 'application/manifest+json',
};

/**
 * The file under `root` a request names, or null when it is not ours: another host, a path
 * that climbs out of root (also percent-encoded), or a NUL byte. Paths without an extension
 * are the single-page app's routes and get index.html.
 */
export function fileForRequest(url: string, root: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  if (path === '/' || extname(path) === '') path = '/index.html';
  const base = normalize(root + sep);
  const file = normalize(join(base, path));
  return file.startsWith(base) ? file : null;
}

/** The protocol.handle handler: the file with its type and the security headers, else 404. */
export function appProtocolHandler(root: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const file = request.method === 'GET' || request.method === 'HEAD' ? fileForRequest(request.url, root) : null;
    if (file === null) return new Response('not found', { status: 404, headers: { ...SECURITY_HEADERS } });
    try {
      const body = await readFile(file);
      const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
      return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: { 'Content-Type': type, ...SECURITY_HEADERS } });
    } catch {
      return new Response('not found', { status: 404, headers: { ...SECURITY_HEADERS } });
    }
  };
}
