/**
 * The Content-Security-Policy of every page the window loads. The renderer is built by Vite
 * into plain files (no inline script, no eval: templates are compiled at build time), so it
 * needs nothing but its own origin; it reaches the core through the preload's IPC bridge, not
 * through the network, so `connect-src` allows nothing but the app itself. `style-src` allows
 * inline styles because Vue's scoped styles and Chart.js set style attributes; scripts never.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Headers sent with every response of the app:// protocol (and added to any other response). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/**
 * For session.webRequest.onHeadersReceived: put the CSP on every response, replacing any
 * policy a response brought (header names compared without case, as HTTP does).
 */
export function withSecurityHeaders(headers: Record<string, string[] | string> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const ours = new Set(Object.keys(SECURITY_HEADERS).map((k) => k.toLowerCase()));
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (ours.has(name.toLowerCase())) continue;
    out[name] = Array.isArray(value) ? value : [value];
  }
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) out[name] = [value];
  return out;
}
