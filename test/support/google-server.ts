import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server shaped like Google's OAuth and Calendar endpoints, enough for an installed
 * app: the consent page (redirects at once, as if the user clicked Allow), the token endpoint
 * (authorization code with PKCE, refresh token), revocation, and events.list with paging.
 * Answers and errors carry Google's JSON shapes (invalid_grant, UNAUTHENTICATED).
 */
export interface FakeEvent {
  id: string;
  summary: string;
  status?: 'confirmed' | 'cancelled';
  start: { dateTime?: string; date?: string; timeZone?: string };
}

export class FakeGoogle {
  private server: Server | null = null;
  base = '';
  events: FakeEvent[] = [];
  /** lifetime of the access tokens handed out, seconds */
  accessTtlS = 3600;
  /** the user clicks "Cancel" on the consent page */
  deny = false;
  readonly counts = { codeGrants: 0, refreshGrants: 0, revocations: 0, listCalls: 0 };
  private readonly codes = new Map<string, { challenge: string; redirectUri: string; clientId: string }>();
  private readonly refreshTokens = new Set<string>();
  private readonly accessTokens = new Map<string, { refresh: string; expiresAt: number }>();

  constructor(readonly clientId = '1234-test.apps.googleusercontent.com', readonly clientSecret = 'GOCSPX-test') {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => { void this.handle(req, res); });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  get endpoints() {
    return { authUrl: `${this.base}/o/oauth2/v2/auth`, tokenUrl: `${this.base}/token`, revokeUrl: `${this.base}/revoke` };
  }

  get rootUrl(): string {
    return `${this.base}/`;
  }

  /** as if the user removed the app at myaccount.google.com/permissions */
  revokeEverything(): void {
    this.refreshTokens.clear();
    this.accessTokens.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base);
    const body = await readBody(req);
    const form = new URLSearchParams(body);
    const json = (status: number, data: unknown) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(data));
    };
    if (req.method === 'GET' && url.pathname === '/o/oauth2/v2/auth') {
      const p = url.searchParams;
      const redirect = new URL(p.get('redirect_uri') ?? '');
      redirect.searchParams.set('state', p.get('state') ?? '');
      if (this.deny) {
        redirect.searchParams.set('error', 'access_denied');
      } else {
        const code = `4/0A${randomBytes(12).toString('hex')}`;
        this.codes.set(code, { challenge: p.get('code_challenge') ?? '', redirectUri: p.get('redirect_uri') ?? '', clientId: p.get('client_id') ?? '' });
        redirect.searchParams.set('code', code);
        redirect.searchParams.set('scope', p.get('scope') ?? '');
      }
      res.statusCode = 302;
      res.setHeader('location', redirect.href);
      res.end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/token') {
      if (form.get('client_id') !== this.clientId) return json(401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' });
      if (form.get('grant_type') === 'authorization_code') {
        const pending = this.codes.get(form.get('code') ?? '');
        this.codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        if (!pending || pending.challenge !== challenge || pending.redirectUri !== form.get('redirect_uri')) {
          return json(400, { error: 'invalid_grant', error_description: 'Malformed auth code.' });
        }
        this.counts.codeGrants++;
        const refresh = `1//0g${randomBytes(16).toString('hex')}`;
        this.refreshTokens.add(refresh);
        return json(200, { ...this.access(refresh), refresh_token: refresh, scope: 'https://www.googleapis.com/auth/calendar.readonly', token_type: 'Bearer' });
      }
      if (form.get('grant_type') === 'refresh_token') {
        const refresh = form.get('refresh_token') ?? '';
        if (!this.refreshTokens.has(refresh)) return json(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
        this.counts.refreshGrants++;
        return json(200, { ...this.access(refresh), scope: 'https://www.googleapis.com/auth/calendar.readonly', token_type: 'Bearer' });
      }
      return json(400, { error: 'unsupported_grant_type' });
    }
    if (req.method === 'POST' && url.pathname === '/revoke') {
      const token = url.searchParams.get('token') ?? form.get('token') ?? '';
      if (!this.refreshTokens.delete(token) && !this.accessTokens.delete(token)) return json(400, { error: 'invalid_token' });
      for (const [access, a] of this.accessTokens) if (a.refresh === token) this.accessTokens.delete(access);
      this.counts.revocations++;
      return json(200, {});
    }
    const list = /^\/calendar\/v3\/calendars\/([^/]+)\/events$/.exec(url.pathname);
    if (req.method === 'GET' && list) {
      this.counts.listCalls++;
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const access = this.accessTokens.get(bearer);
      if (!access || access.expiresAt < Date.now()) {
        return json(401, { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } });
      }
      if (url.searchParams.get('singleEvents') !== 'true') return json(400, { error: { code: 400, message: 'singleEvents expected in this fake' } });
      // two per page, so paging is exercised
      const from = Number(url.searchParams.get('pageToken') ?? 0);
      const items = this.events.slice(from, from + 2);
      return json(200, { kind: 'calendar#events', items, ...(from + 2 < this.events.length ? { nextPageToken: String(from + 2) } : {}) });
    }
    json(404, { error: { code: 404, message: 'Not Found' } });
  }

  private access(refresh: string) {
    const token = `ya29.${randomBytes(16).toString('hex')}`;
    this.accessTokens.set(token, { refresh, expiresAt: Date.now() + this.accessTtlS * 1000 });
    return { access_token: token, expires_in: this.accessTtlS };
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
