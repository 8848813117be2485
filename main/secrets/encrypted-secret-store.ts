import { FileSecretStore } from './file-secret-store.js';
import { checkSecretName, SecretError, type SecretStore } from './secret-store.js';

/**
 * What the OS keychain offers (Electron's safeStorage has exactly this shape; the Electron
 * shell passes it in, so this module imports nothing from Electron and is tested with a fake).
 */
export interface StringEncryptor {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/** Marks an encrypted value in the file, so a file written headless (plain) still reads. */
const PREFIX = 'enc:v1:';

/**
 * Secrets encrypted with a key the OS keychain holds (Keychain on macOS, libsecret/kwallet on
 * Linux), stored base64 in the same 0600 file as the headless FileSecretStore. The file alone
 * is then useless on another machine or account. Values written in plain by the headless
 * `digital-meter secret set` still read (and are encrypted on the next write of that name).
 */
export class EncryptedSecretStore implements SecretStore {
  private readonly file: FileSecretStore;

  constructor(dataDir: string, private readonly encryptor: StringEncryptor) {
    this.file = new FileSecretStore(dataDir);
  }

  async get(name: string): Promise<string | null> {
    const stored = await this.file.get(name);
    if (stored === null || !stored.startsWith(PREFIX)) return stored;
    try {
      return this.encryptor.decryptString(Buffer.from(stored.slice(PREFIX.length), 'base64'));
    } catch {
      // Another user's or machine's keychain: say which secret, never its bytes.
      throw new SecretError(`${name}: cannot be decrypted with this account's keychain; set it again`);
    }
  }

  async set(name: string, value: string): Promise<void> {
    checkSecretName(name);
    if (value === '') throw new SecretError(`the value for ${name} is empty`);
    const encrypted = this.encryptor.encryptString(value).toString('base64');
    await this.file.set(name, PREFIX + encrypted);
  }

  delete(name: string): Promise<boolean> {
    return this.file.delete(name);
  }

  list(): Promise<string[]> {
    return this.file.list();
  }
}

/**
 * The store for the app: encrypted when the keychain really encrypts. On Linux without a
 * keyring (a Pi kiosk) Electron falls back to a hard-coded key ('basic_text'), which protects
 * nothing, so the plain 0600 file is used and the caller says so once.
 */
export function chooseSecretStore(
  dataDir: string,
  encryptor: StringEncryptor,
  backend: string | null,
): { store: SecretStore; encrypted: boolean } {
  if (encryptor.isEncryptionAvailable() && backend !== 'basic_text') {
    return { store: new EncryptedSecretStore(dataDir, encryptor), encrypted: true };
  }
  return { store: new FileSecretStore(dataDir), encrypted: false };
}
