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
};

export class SecretError extends Error {
  override name = 'SecretError';
}

export function checkSecretName(name: string): void {
  if (!SECRET_NAME.test(name)) {
    throw new SecretError(`'${name}' is not a secret name (lowercase letters, digits and dashes)`);
  }
}
