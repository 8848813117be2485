import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkSecretName, SecretError, type SecretStore } from './secret-store.js';

export const SECRETS_FILE = 'secrets.json';

/**
 * Secrets in one JSON file readable by the owner only (0600), written atomically (temporary
 * file, fsync'd by writeFileSync's close, then rename) so a crash never leaves half a file.
 */
export class FileSecretStore implements SecretStore {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, SECRETS_FILE);
  }

  private read(): Record<string, string> {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new SecretError(`${this.file}: cannot be read: ${(error as Error).message}`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      // Never echo the content: it is secret.
      throw new SecretError(`${this.file}: not valid JSON; fix or delete it and set the secrets again`);
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)
      || Object.values(data).some((v) => typeof v !== 'string')) {
      throw new SecretError(`${this.file}: expected an object of name -> text`);
    }
    return data as Record<string, string>;
  }

  private write(secrets: Record<string, string>): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      writeFileSync(temporary, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600, flush: true });
      chmodSync(temporary, 0o600); // the umask cannot widen it, but an existing file keeps its mode
      renameSync(temporary, this.file);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw new SecretError(`${this.file}: cannot be written: ${(error as Error).message}`);
    }
  }

  async get(name: string): Promise<string | null> {
    checkSecretName(name);
    // own keys only: a secret named `constructor` must not find Object's constructor
    const secrets = this.read();
    return Object.prototype.hasOwnProperty.call(secrets, name) ? secrets[name]! : null;
  }

  async set(name: string, value: string): Promise<void> {
    checkSecretName(name);
    if (value === '') throw new SecretError(`the value for ${name} is empty`);
    this.write({ ...this.read(), [name]: value });
  }

  async delete(name: string): Promise<boolean> {
    checkSecretName(name);
    const secrets = this.read();
    if (!Object.prototype.hasOwnProperty.call(secrets, name)) return false;
    delete secrets[name];
    this.write(secrets);
    return true;
  }

  async list(): Promise<string[]> {
    return Object.keys(this.read()).sort();
  }

  /** The file's permission bits (for `secret list` to warn when someone widened them). */
  mode(): number | null {
    try {
      return statSync(this.file).mode & 0o777;
    } catch {
      return null;
    }
  }
}
