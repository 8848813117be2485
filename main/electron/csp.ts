/**
 * The Content-Security-Policy of every page the window loads. The renderer is built by Vite
 * into plain files (no inline script, no eval: templates are compiled at build time), so it
 * needs nothing but its own origin; it reaches the core through the preload's IPC bridge, not
 * through the network, so `connect-src` allows nothing but the app itself. `style-src` allows
 * inline styles because Vue's scoped styles and Chart.js set style attributes; scripts never.
 */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";

/** Headers sent with every response of the app:// protocol (and added to any other response). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** A response's headers without the ones we set (names compared without case, as HTTP does). */
function otherHeaders(headers: Record<string, string[] | string> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const ours = new Set(Object.keys(SECURITY_HEADERS).map((k) => k.toLowerCase()));
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!ours.has(name.toLowerCase())) out[name] = Array.isArray(value) ? value : [value];
  }
  return out;
}

/**
 * The session.webRequest.onHeadersReceived listener: the CSP on every response, replacing any
 * policy a response brought. The policy is written out here as well (the test holds both to
 * the same hand-written text) so a scanner reading this code sees the header it sets.
 */
export function addSecurityHeaders(
  details: { responseHeaders?: Record<string, string[] | string> },
  callback: (response: { responseHeaders: Record<string, string[]> }) => void,
): void {
  callback({
    responseHeaders: {
      ...otherHeaders(details.responseHeaders),
      'Content-Security-Policy': ["default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'"],
      'X-Content-Type-Options': ['nosniff'],
      'Referrer-Policy': ['no-referrer'],
      'Cross-Origin-Opener-Policy': ['same-origin'],
    },
  });
}
