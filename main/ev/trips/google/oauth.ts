import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { auth } from 'googleapis/build/src/apis/calendar/index.js';
import type { SecretStore } from '../../../secrets/secret-store.js';
import { CalendarError } from '../types.js';

/**
 * OAuth for installed apps (Google's "desktop app" client) with the user's own client id: the
 * consent page opens in a browser, Google redirects to a loopback address with a code, and the
 * code (with the PKCE verifier) is exchanged for a refresh token, kept as a secret. When the
 * browser runs on this machine a small loopback server receives the redirect; on a headless Pi
 * the page is opened on a phone, the redirect to 127.0.0.1 fails there, and the user copies that
 * failed page's address back (the code is in it).
 */
export const CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar.readonly';
export const TOKEN_SECRET = 'google-calendar-token';
export const CLIENT_SECRET = 'google-calendar-client-secret';

export type OAuthClient = InstanceType<typeof auth.OAuth2>;

export interface GoogleEndpoints {
  /** Google's defaults when absent; tests point them at a local server */
  authUrl?: string;
  tokenUrl?: string;
  revokeUrl?: string;
}

export function createOAuthClient(clientId: string, clientSecret: string | null, redirectUri: string | undefined, endpoints: GoogleEndpoints = {}): OAuthClient {
  return new auth.OAuth2({
    clientId, clientSecret: clientSecret ?? undefined, redirectUri,
    endpoints: {
      ...(endpoints.authUrl ? { oauth2AuthBaseUrl: endpoints.authUrl } : {}),
      ...(endpoints.tokenUrl ? { oauth2TokenUrl: endpoints.tokenUrl } : {}),
      ...(endpoints.revokeUrl ? { oauth2RevokeUrl: endpoints.revokeUrl } : {}),
    },
  });
}

/** What is kept as the secret: enough to refresh without asking again. */
export interface StoredToken {
  refresh_token: string;
  access_token?: string | null;
  expiry_date?: number | null;
  scope?: string | null;
}

export async function loadToken(secrets: SecretStore): Promise<StoredToken | null> {
  const text = await secrets.get(TOKEN_SECRET);
  if (!text) return null;
  try {
    const token = JSON.parse(text) as StoredToken;
    return typeof token.refresh_token === 'string' && token.refresh_token ? token : null;
  } catch {
    return null;
  }
}

export async function saveToken(secrets: SecretStore, token: StoredToken): Promise<void> {
  await secrets.set(TOKEN_SECRET, JSON.stringify(token));
}

export interface PendingAuthorization {
  /** open this in a browser, here or on a phone */
  url: string;
  redirectUri: string;
  state: string;
  codeVerifier: string;
}

/** The consent address, with a fresh state and PKCE verifier. */
export async function beginAuthorization(client: OAuthClient, redirectUri: string): Promise<PendingAuthorization> {
  const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
  const state = randomBytes(16).toString('hex');
  const url = client.generateAuthUrl({
    access_type: 'offline',
    // always show consent: Google sends a refresh token only then
    prompt: 'consent',
    scope: [CALENDAR_SCOPE],
    state,
    redirect_uri: redirectUri,
    code_challenge: codeChallenge!,
    code_challenge_method: 'S256' as never,
  });
  return { url, redirectUri, state, codeVerifier };
}

/**
 * The code from the address Google redirected to (pasted back, or received by the loopback
 * server), checked against the state we sent. Names what is wrong when it is not usable.
 */
export function codeFromRedirect(address: string, expectedState: string): string {
  let url: URL;
  try {
    url = new URL(address.trim());
  } catch {
    throw new CalendarError('unauthorized', 'that is not an address: copy the whole address from the browser (it starts with http://127.0.0.1)');
  }
  const error = url.searchParams.get('error');
  if (error) throw new CalendarError('unauthorized', error === 'access_denied' ? 'access was refused on the consent page; nothing was stored' : `Google answered ${error}; nothing was stored`);
  const code = url.searchParams.get('code');
  if (!code) throw new CalendarError('unauthorized', 'the address holds no code: copy the address of the page the browser ended on after you allowed access');
  if (url.searchParams.get('state') !== expectedState) throw new CalendarError('unauthorized', 'the address is from another authorization attempt (its state does not match); start again');
  return code;
}

/** Exchange the code for tokens and keep them as a secret. */
export async function finishAuthorization(client: OAuthClient, pending: PendingAuthorization, code: string, secrets: SecretStore): Promise<StoredToken> {
  let tokens;
  try {
    ({ tokens } = await client.getToken({ code, codeVerifier: pending.codeVerifier, redirect_uri: pending.redirectUri }));
  } catch (error) {
    throw new CalendarError('unauthorized', `Google did not accept the code: ${googleReason(error)}`);
  }
  if (!tokens.refresh_token) {
    throw new CalendarError('unauthorized', 'Google sent no refresh token: remove this app at https://myaccount.google.com/permissions and authorize again');
  }
  const token: StoredToken = { refresh_token: tokens.refresh_token, access_token: tokens.access_token ?? null, expiry_date: tokens.expiry_date ?? null, scope: tokens.scope ?? null };
  await saveToken(secrets, token);
  return token;
}

/** Revoke the stored authorization at Google and forget it here (forgotten even when Google cannot be reached). */
export async function revokeAuthorization(client: OAuthClient, secrets: SecretStore): Promise<'revoked' | 'forgotten' | 'none'> {
  const token = await loadToken(secrets);
  if (!token) return 'none';
  let revoked = true;
  try {
    await client.revokeToken(token.refresh_token);
  } catch {
    revoked = false;
  }
  await secrets.delete(TOKEN_SECRET);
  return revoked ? 'revoked' : 'forgotten';
}

/**
 * Waits on 127.0.0.1 for Google's redirect and answers the browser with a short page. Only
 * loopback: the code never travels beyond this machine.
 */
export class LoopbackReceiver {
  private server: Server | null = null;

  /** listen on 127.0.0.1:port (0: any free port); resolves the redirect address to register */
  async listen(port = 0): Promise<string> {
    this.server = createServer();
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** the first redirect with a code or an error for this state */
  waitForCode(expectedState: string): Promise<string> {
    const server = this.server;
    if (!server) throw new Error('listen first');
    return new Promise((resolve, reject) => {
      server.on('request', (req, res) => {
        const address = `http://127.0.0.1${req.url ?? '/'}`;
        const params = new URL(address).searchParams;
        if (!params.has('code') && !params.has('error')) { res.statusCode = 404; res.end(); return; }
        try {
          const code = codeFromRedirect(address, expectedState);
          res.setHeader('content-type', 'text/plain; charset=utf-8');
          res.end('Digital Meter may now read your calendar. You can close this tab.\n');
          resolve(code);
        } catch (error) {
          res.statusCode = 400;
          res.setHeader('content-type', 'text/plain; charset=utf-8');
          res.end(`${(error as Error).message}\n`);
          reject(error as Error);
        }
      });
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Google's error, in words (never a token). */
export function googleReason(error: unknown): string {
  const e = error as { response?: { status?: number; data?: { error?: unknown; error_description?: unknown } }; code?: string; message?: string };
  const data = e.response?.data;
  if (data && typeof data.error === 'string') return typeof data.error_description === 'string' ? `${data.error} (${data.error_description})` : data.error;
  if (data && typeof data.error === 'object' && data.error && 'message' in data.error) return String((data.error as { message: unknown }).message);
  if (e.response?.status) return `HTTP ${e.response.status}`;
  return e.code ?? e.message ?? String(error);
}

export function isRevoked(error: unknown): boolean {
  const e = error as { response?: { status?: number; data?: { error?: unknown } }; message?: string };
  return e.response?.data?.error === 'invalid_grant' || e.message === 'invalid_grant' || e.response?.status === 401;
}
