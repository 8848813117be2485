import { createInterface } from 'node:readline/promises';
import { openSqlite } from '../store/sqlite.js';
import { loadConfig } from '../config/load.js';
import { serveDataDir } from '../demo/demo.js';
import {
  beginAuthorization, CLIENT_SECRET, codeFromRedirect, createOAuthClient, finishAuthorization, LoopbackReceiver, revokeAuthorization, type GoogleEndpoints,
} from '../ev/trips/google/oauth.js';
import { createTrips } from '../ev/trips/start-trips.js';
import { migrate } from '../store/migrations.js';
import { silentLogger } from '../log/logger.js';
import { FileSecretStore } from '../secrets/file-secret-store.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { parseCommandLine, UsageError } from './usage.js';

const HELP = `usage: digital-meter calendar authorize [--copy] [--port N] [--calendar NAME]
       digital-meter calendar revoke [--calendar NAME]
       digital-meter calendar trips          (reads the calendars once; prints the trips as JSON)
options: --config FILE

authorize  lets Digital Meter read a Google calendar (trips.calendars, type "google"). It prints
           an address to open in a browser. On this machine the browser comes back on its own.
           --copy, for a Pi without a screen: open the address on a phone or laptop, allow
           access; the browser then fails to open a 127.0.0.1 page: copy that page's whole
           address and paste it here.
revoke     withdraws the authorization at Google and forgets the token.
`;

/** Where the copy-back redirect points: nothing needs to listen there. */
const COPY_BACK_PORT = 53682;
const WAIT_MS = 10 * 60_000;

export interface CalendarIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** one line typed by the user (the pasted address) */
  ask: (prompt: string) => Promise<string>;
  env: NodeJS.ProcessEnv;
  /** tests: Google on a local server */
  google?: { rootUrl: string; endpoints: GoogleEndpoints };
  /** tests: where the address to open goes (a browser, in the tests a fetch) */
  open?: (url: string) => void;
}

export async function calendarCommand(args: string[], io: CalendarIo): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args,
    options: {
      copy: { type: 'boolean', default: false },
      port: { type: 'string' },
      calendar: { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
  });
  const action = positionals[0];
  if (values.help || !action) {
    io.out(HELP);
    return values.help ? 0 : 64;
  }
  const loaded = loadConfig(values.config, io.env);
  for (const notice of loaded.notices ?? []) io.err(`digital-meter: note: ${notice}\n`);
  const secrets = new FileSecretStore(serveDataDir(loaded));
  const { trips } = loaded.config;
  if (action === 'trips') {
    const db = openSqlite(':memory:');
    migrate(db);
    const service = createTrips({ config: trips, cars: loaded.config.ev?.cars ?? [], db, secrets, log: silentLogger(), onState: () => {}, ...(io.google ? { google: io.google } : {}) });
    io.out(`${JSON.stringify(await service.refresh(), null, 2)}\n`);
    db.close();
    return 0;
  }
  const googles = trips.calendars.filter((c) => c.type === 'google');
  const calendar = values.calendar ? googles.find((c) => c.name === values.calendar) : googles[0];
  if (!calendar) throw new UsageError(values.calendar ? `calendar ${action}: no Google calendar named '${values.calendar}' in trips.calendars` : `calendar ${action}: trips.calendars holds no Google calendar (type "google")`);
  const clientSecret = await secrets.get(CLIENT_SECRET);
  if (action === 'revoke') {
    const outcome = await revokeAuthorization(createOAuthClient(calendar.clientId, clientSecret, undefined, io.google?.endpoints), secrets);
    io.err(outcome === 'none' ? 'digital-meter: no Google authorization was stored\n'
      : outcome === 'revoked' ? 'digital-meter: authorization revoked at Google and forgotten here\n'
        : 'digital-meter: Google could not be reached to revoke; the token is forgotten here (remove the app at https://myaccount.google.com/permissions)\n');
    return 0;
  }
  if (action !== 'authorize') throw new UsageError(`calendar: unknown action '${action}' (authorize, revoke, trips)`);
  if (!clientSecret) io.err('digital-meter: note: no google-calendar-client-secret set; Google asks for it with Desktop app clients (digital-meter secret set google-calendar-client-secret)\n');
  const port = values.port === undefined ? null : Number(values.port);
  if (port !== null && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new UsageError(`calendar authorize: --port ${values.port} is not a port`);
  return values.copy
    ? copyBack(io, calendar.clientId, clientSecret, secrets, port ?? COPY_BACK_PORT)
    : loopback(io, calendar.clientId, clientSecret, secrets, port ?? 0);
}

async function copyBack(io: CalendarIo, clientId: string, clientSecret: string | null, secrets: SecretStore, port: number): Promise<number> {
  const redirectUri = `http://127.0.0.1:${port}`;
  const client = createOAuthClient(clientId, clientSecret, redirectUri, io.google?.endpoints);
  const pending = await beginAuthorization(client, redirectUri);
  io.out(`Open this address on a phone or a computer and allow access:\n\n${pending.url}\n\n`
    + 'The browser then shows an error page at 127.0.0.1 (nothing answers there): that is expected.\n');
  io.open?.(pending.url);
  const pasted = await io.ask('Paste the whole address of that error page: ');
  await finishAuthorization(client, pending, codeFromRedirect(pasted, pending.state), secrets);
  io.err('digital-meter: authorized; the token is kept as the secret google-calendar-token\n');
  return 0;
}

async function loopback(io: CalendarIo, clientId: string, clientSecret: string | null, secrets: SecretStore, port: number): Promise<number> {
  const receiver = new LoopbackReceiver();
  const redirectUri = await receiver.listen(port);
  try {
    const client = createOAuthClient(clientId, clientSecret, redirectUri, io.google?.endpoints);
    const pending = await beginAuthorization(client, redirectUri);
    const code = receiver.waitForCode(pending.state);
    io.out(`Open this address in a browser on this machine and allow access:\n\n${pending.url}\n\n`
      + 'Waiting for the browser to come back (10 minutes). No browser here? Use --copy.\n');
    io.open?.(pending.url);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new UsageError('calendar authorize: no answer from the browser within 10 minutes')), WAIT_MS); });
    try {
      await finishAuthorization(client, pending, await Promise.race([code, timeout]), secrets);
    } finally {
      clearTimeout(timer);
    }
    io.err('digital-meter: authorized; the token is kept as the secret google-calendar-token\n');
    return 0;
  } finally {
    await receiver.close();
  }
}

export function run(args: string[]): Promise<number> {
  return calendarCommand(args, {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    ask: async (prompt) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(prompt);
      } finally {
        rl.close();
      }
    },
    env: process.env,
  });
}
