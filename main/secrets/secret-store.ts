/**
 * Where personal secrets live (the ENTSO-E token, later charger and cloud credentials).
 * Headless, a 0600 file in the data directory (FileSecretStore); the Electron shell can swap in
 * an implementation over the OS keychain (safeStorage) without the callers changing.
 * Secrets never go into the config file or a log line.
 */
export interface SecretStore {
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
  /** true when there was something to delete */
  delete(name: string): Promise<boolean>;
  /** names only, sorted; values never leave through a listing */
  list(): Promise<string[]>;
}

/** Names are short lowercase words with dashes, so they are safe in messages and file keys. */
export const SECRET_NAME = /^[a-z][a-z0-9-]{0,63}$/;

/** The secrets the product knows; `secret set` refuses other names to catch typos. */
export const KNOWN_SECRETS: Record<string, string> = {
  'entsoe-token': 'ENTSO-E transparency platform security token (day-ahead prices)',
  'google-calendar-client-secret': "the client secret of your own Google OAuth client (Desktop app) for trips",
  'google-calendar-token': 'written by `calendar authorize`: the Google refresh token (delete with `calendar revoke`)',
  'ical-url-NAME': "the private iCal address of trips calendar NAME (it holds a key: never put it in the config file)",
};

/** The private address of a configured iCal calendar: `ical-url-<calendar name>`. */
export const ICAL_URL_SECRET = /^ical-url-[a-z0-9][a-z0-9-]{0,47}$/;

/** A name `secret set` accepts: a known one, or an iCal calendar's address. */
export function isKnownSecretName(name: string): boolean {
  return Object.hasOwn(KNOWN_SECRETS, name) || ICAL_URL_SECRET.test(name);
}

export class SecretError extends Error {
  override name = 'SecretError';
}

export function checkSecretName(name: string): void {
  if (!SECRET_NAME.test(name)) {
    throw new SecretError(`'${name}' is not a secret name (lowercase letters, digits and dashes)`);
  }
}
