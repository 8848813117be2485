import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chooseSecretStore, EncryptedSecretStore, type StringEncryptor } from '../../main/secrets/encrypted-secret-store.js';
import { FileSecretStore } from '../../main/secrets/file-secret-store.js';

/** Stands in for Electron's safeStorage: a reversible scramble keyed per "account". */
function fakeKeychain(key: number, available = true): StringEncryptor {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (plain) => Buffer.from([key, ...Buffer.from(plain, 'utf8').map((b) => b ^ key)]),
    decryptString: (data) => {
      if (data[0] !== key) throw new Error('wrong key');
      return Buffer.from(data.subarray(1).map((b) => b ^ key)).toString('utf8');
    },
  };
}

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dm-secrets-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

describe('secrets through the OS keychain (safeStorage)', () => {
  it('stores only ciphertext, in a 0600 file, and reads it back', async () => {
    const dir = dataDir();
    const store = new EncryptedSecretStore(dir, fakeKeychain(0x5a));
    await store.set('entsoe-token', 'abc-123-secret');
    const text = readFileSync(join(dir, 'secrets.json'), 'utf8');
    expect(text).not.toContain('abc-123-secret');
    expect(JSON.parse(text)['entsoe-token']).toMatch(/^enc:v1:[A-Za-z0-9+/=]+$/);
    expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(await store.get('entsoe-token')).toBe('abc-123-secret');
    expect(await store.list()).toEqual(['entsoe-token']);
    expect(await store.delete('entsoe-token')).toBe(true);
    expect(await store.get('entsoe-token')).toBeNull();
  });

  it('reads a value set headless in plain; another account\'s keychain gets a clear error, not the bytes', async () => {
    const dir = dataDir();
    await new FileSecretStore(dir).set('entsoe-token', 'plain-from-cli');
    expect(await new EncryptedSecretStore(dir, fakeKeychain(1)).get('entsoe-token')).toBe('plain-from-cli');
    await new EncryptedSecretStore(dir, fakeKeychain(1)).set('charger-password', 'pw');
    await expect(new EncryptedSecretStore(dir, fakeKeychain(2)).get('charger-password'))
      .rejects.toThrow("charger-password: cannot be decrypted with this account's keychain; set it again");
  });

  it('uses the plain 0600 file when the keychain cannot really encrypt (no keyring on a Pi: basic_text)', () => {
    const dir = dataDir();
    expect(chooseSecretStore(dir, fakeKeychain(1), 'gnome_libsecret').encrypted).toBe(true);
    expect(chooseSecretStore(dir, fakeKeychain(1), null).encrypted).toBe(true); // macOS Keychain
    const basic = chooseSecretStore(dir, fakeKeychain(1), 'basic_text');
    expect(basic.encrypted).toBe(false);
    expect(basic.store).toBeInstanceOf(FileSecretStore);
    expect(chooseSecretStore(dir, fakeKeychain(1, false), null).encrypted).toBe(false);
  });

  it('a broken file names itself, never its content', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'secrets.json'), '{"entsoe-token": "enc:v1:abc', { mode: 0o600 });
    await expect(new EncryptedSecretStore(dir, fakeKeychain(1)).get('entsoe-token')).rejects.toThrow(/secrets\.json: not valid JSON/);
  });
});
