import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tripsDb } from '../support/trips-db.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GoogleCalendarSource } from '../../main/ev/trips/google/google-source.js';
import {
  beginAuthorization, CLIENT_SECRET, codeFromRedirect, createOAuthClient, finishAuthorization, loadToken, LoopbackReceiver, revokeAuthorization, TOKEN_SECRET,
} from '../../main/ev/trips/google/oauth.js';
import { TripsService } from '../../main/ev/trips/trips-service.js';
import { TripsStore } from '../../main/ev/trips/trips-store.js';
import { FileSecretStore } from '../../main/secrets/file-secret-store.js';
import { FakeGoogle } from '../support/google-server.js';
import { ManualTimers } from '../support/manual-timers.js';

const ZONE = 'Europe/Brussels';
let google: FakeGoogle;
let dir: string;
let secrets: FileSecretStore;

beforeEach(async () => {
  google = new FakeGoogle();
  await google.start();
  google.events = [
    // Google expands the series itself (singleEvents=true): one item per occurrence
    { id: 'w1_20260323T063000Z', summary: 'Werk @car_tesla@ 80%', start: { dateTime: '2026-03-23T07:30:00+01:00', timeZone: 'Europe/Brussels' } },
    { id: 'w1_20260325T063000Z', summary: 'Werk @car_tesla@ 80%', status: 'cancelled', start: { dateTime: '2026-03-25T07:30:00+01:00' } },
    { id: 'oma', summary: 'Oma @car_tesla@', start: { date: '2026-03-28' } },
    { id: 'w1_20260327T063000Z', summary: 'Werk @car_tesla@ 200km', start: { dateTime: '2026-03-27T07:30:00+01:00', timeZone: 'Europe/Brussels' } },
  ];
  dir = mkdtempSync(join(tmpdir(), 'dm-google-'));
  secrets = new FileSecretStore(dir);
  await secrets.set(CLIENT_SECRET, google.clientSecret);
});
afterEach(async () => {
  await google.stop();
  rmSync(dir, { recursive: true, force: true });
});

const client = (redirectUri?: string) => createOAuthClient(google.clientId, google.clientSecret, redirectUri, google.endpoints);
const source = () => new GoogleCalendarSource({
  name: 'google', clientId: google.clientId, calendarId: 'primary', secrets, timeoutMs: 10_000, zone: ZONE, rootUrl: google.rootUrl, endpoints: google.endpoints,
});
const WINDOW = { start: Date.parse('2026-03-22T00:00:00Z'), end: Date.parse('2026-03-30T00:00:00Z') };

async function authorizeByCopyBack(): Promise<void> {
  const redirectUri = 'http://127.0.0.1:53682';
  const pending = await beginAuthorization(client(redirectUri), redirectUri);
  // the phone's browser: Google redirects to 127.0.0.1, which fails there; the user copies that address
  const answer = await fetch(pending.url, { redirect: 'manual' });
  const pasted = answer.headers.get('location')!;
  await finishAuthorization(client(redirectUri), pending, codeFromRedirect(pasted, pending.state), secrets);
}

describe('Google Calendar through googleapis against a local server shaped like Google', () => {
  it('first authorization by the loopback redirect, then the events: expanded, cancelled left out, all paged in', async () => {
    const receiver = new LoopbackReceiver();
    const redirectUri = await receiver.listen(0);
    const c = client(redirectUri);
    const pending = await beginAuthorization(c, redirectUri);
    const consent = new URL(pending.url);
    expect(consent.origin + consent.pathname).toBe(google.endpoints.authUrl);
    expect(consent.searchParams.get('access_type')).toBe('offline');
    expect(consent.searchParams.get('scope')).toBe('https://www.googleapis.com/auth/calendar.readonly');
    expect(consent.searchParams.get('code_challenge_method')).toBe('S256');
    const code = receiver.waitForCode(pending.state);
    // the browser on this machine: consent, redirect to the loopback receiver
    const page = await fetch(pending.url);
    expect(await page.text()).toContain('You can close this tab');
    await finishAuthorization(c, pending, await code, secrets);
    await receiver.close();
    expect(google.counts.codeGrants).toBe(1);
    expect((await loadToken(secrets))?.refresh_token).toMatch(/^1\/\/0g/);
    expect(await secrets.list()).toContain(TOKEN_SECRET);

    const events = await source().events(WINDOW);
    // 07:30 +01:00 = 06:30Z; all-day 28 March = local midnight 27 March 23:00Z
    expect(events.map((e) => [e.uid, new Date(e.start).toISOString(), e.allDay])).toEqual([
      ['w1_20260323T063000Z', '2026-03-23T06:30:00.000Z', false],
      ['oma', '2026-03-27T23:00:00.000Z', true],
      ['w1_20260327T063000Z', '2026-03-27T06:30:00.000Z', false],
    ]);
    // four items at two a page: two calls
    expect(google.counts.listCalls).toBe(2);
  });

  it('first authorization by copying the address back (headless Pi); wrong or refused addresses say why', async () => {
    await authorizeByCopyBack();
    expect(google.counts.codeGrants).toBe(1);
    expect(await loadToken(secrets)).not.toBeNull();

    const redirectUri = 'http://127.0.0.1:53682';
    const pending = await beginAuthorization(client(redirectUri), redirectUri);
    expect(() => codeFromRedirect('here you go', pending.state)).toThrow(/not an address/);
    expect(() => codeFromRedirect(`${redirectUri}/?code=abc&state=other`, pending.state)).toThrow(/another authorization attempt/);
    google.deny = true;
    const refused = (await fetch(pending.url, { redirect: 'manual' })).headers.get('location')!;
    expect(() => codeFromRedirect(refused, pending.state)).toThrow(/access was refused/);
  });

  it('an expired access token is refreshed and the new one stored', async () => {
    await authorizeByCopyBack();
    // the stored access token ran out overnight
    const stored = (await loadToken(secrets))!;
    await secrets.set(TOKEN_SECRET, JSON.stringify({ ...stored, expiry_date: Date.now() - 1000 }));
    const before = await loadToken(secrets);
    await source().events(WINDOW);
    await new Promise((r) => setTimeout(r, 50)); // the 'tokens' listener stores asynchronously
    const after = await loadToken(secrets);
    // one refresh for the first page; the fresh token (an hour) serves the second
    expect(google.counts.refreshGrants).toBe(1);
    expect(google.counts.listCalls).toBe(2);
    expect(after!.access_token).not.toBe(before!.access_token);
    expect(after!.refresh_token).toBe(before!.refresh_token);
  });

  it('a revoked authorization: a clear message, the last good list kept; authorizing again recovers', async () => {
    await authorizeByCopyBack();
    const db = tripsDb();
    const timers = new ManualTimers(Date.parse('2026-03-22T12:00:00Z'));
    const service = new TripsService({
      sources: [source()], store: new TripsStore(db), timers, refreshMs: 300_000, horizonDays: 7,
      cars: [{ name: 'tesla', batteryKwh: 75, consumptionKwhPer100Km: 18, defaultNeed: '80%', chargeEfficiency: 0.9 }],
      convention: { marginMinutes: 30, allDayDeparture: null, zone: ZONE },
    });
    await service.refresh();
    // 23 March 06:30Z - 30 min = 06:00Z, 80%; 27 March 06:00Z, 200 km x 18/100 = 36 kWh = 48% of 75
    const expected = [['2026-03-23T06:00:00.000Z', 80], ['2026-03-27T06:00:00.000Z', 48]];
    const shown = () => service.state.trips.map((t) => [new Date(t.departure).toISOString(), t.needSocPct]);
    expect(shown()).toEqual(expected);

    google.revokeEverything();
    google.accessTtlS = 60;
    await service.refresh();
    const status = service.state.calendars[0]!;
    expect(status.status).toBe('error');
    expect(status.message).toMatch(/Google refused the stored authorization \(expired or revoked: .*\); run `digital-meter calendar authorize` again/);
    expect(shown()).toEqual(expected);

    await authorizeByCopyBack();
    await service.refresh();
    expect(service.state.calendars[0]!.status).toBe('ok');
  });

  it('revoking from here tells Google and forgets the token; not authorized says what to run', async () => {
    await authorizeByCopyBack();
    expect(await revokeAuthorization(client(), secrets)).toBe('revoked');
    expect(google.counts.revocations).toBe(1);
    expect(await loadToken(secrets)).toBeNull();
    await expect(source().events(WINDOW)).rejects.toThrow(/not authorized yet: run `digital-meter calendar authorize`/);
  });
});

describe('digital-meter calendar (the authorize, trips and revoke commands)', () => {
  async function run(args: string[], paste: boolean) {
    const { calendarCommand } = await import('../../main/cli/calendar.js');
    const { writeFileSync } = await import('node:fs');
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({
      dataDir: dir,
      trips: { cars: [{ name: 'tesla', batteryKwh: 75 }], calendars: [{ type: 'google', name: 'gezin', clientId: google.clientId }] },
    }));
    const out: string[] = [];
    const err: string[] = [];
    let opened: Promise<Response> | null = null;
    const code = await calendarCommand([...args, '--config', config], {
      out: (t) => out.push(t), err: (t) => err.push(t), env: {},
      google: { rootUrl: google.rootUrl, endpoints: google.endpoints },
      // loopback: the browser on this machine follows Google's redirect back to the receiver
      open: (url) => { if (!paste) opened = fetch(url); },
      // copy-back: the user pastes the address the phone's browser failed to open
      ask: async () => {
        const url = /^(http:\/\/127\.0\.0\.1:\d+\/o\/oauth2\/v2\/auth\?\S+)$/m.exec(out.join(''))![1]!;
        return (await fetch(url, { redirect: 'manual' })).headers.get('location')!;
      },
    });
    if (opened) await opened;
    return { code, out: out.join(''), err: err.join('') };
  }

  it('authorize --copy, then trips, then revoke', async () => {
    const inTwoDays = new Date(Date.now() + 2 * 86_400_000);
    google.events = [{ id: 'soon', summary: 'Zee @car_tesla@ 90%', start: { dateTime: inTwoDays.toISOString() } }];
    const copy = await run(['authorize', '--copy'], true);
    expect(copy.code).toBe(0);
    expect(copy.out).toContain('The browser then shows an error page at 127.0.0.1');
    expect(copy.err).toContain('authorized');
    const trips = await run(['trips'], false);
    const state = JSON.parse(trips.out) as { trips: { car: string; needSocPct: number; departure: number }[] };
    // the event's start minus the default 30-minute margin, 90% from the title
    expect(state.trips.map((t) => [t.car, t.needSocPct, t.departure])).toEqual([['tesla', 90, inTwoDays.getTime() - 1_800_000]]);
    const revoked = await run(['revoke'], false);
    expect(revoked.err).toContain('revoked at Google');
    expect(google.counts.revocations).toBe(1);
  });

  it('authorize by the loopback redirect', async () => {
    const loop = await run(['authorize'], false);
    expect(loop.code).toBe(0);
    expect(loop.out).toContain('Open this address in a browser on this machine');
    expect(google.counts.codeGrants).toBe(1);
    expect(await loadToken(secrets)).not.toBeNull();
  });
});
