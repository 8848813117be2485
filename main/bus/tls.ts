import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/errors.js';

/**
 * The meter's certificate and key (bus.tls), read before anything listens: a file that is
 * missing or unreadable stops the start with its name, instead of serving plain HTTP.
 */
export function readTlsFiles(files: { cert: string; key: string }): { cert: Buffer; key: Buffer; fingerprint: string } {
  const read = (file: string, what: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ConfigError(`bus.tls.${what}`, [`${file}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? (error as Error).message})`}; make a certificate with \`digital-meter cert\``]);
    }
  };
  const cert = read(files.cert, 'cert');
  const key = read(files.key, 'key');
  let fingerprint: string;
  try {
    fingerprint = certificateFingerprint(cert);
  } catch (error) {
    throw new ConfigError('bus.tls.cert', [`${files.cert}: not a PEM certificate (${(error as Error).message})`]);
  }
  return { cert, key, fingerprint };
}

/** SHA-256 of the certificate (DER), as Node prints it: "AB:CD:...", 32 pairs. */
export function certificateFingerprint(pem: Buffer | string): string {
  return new X509Certificate(pem).fingerprint256;
}

/** A pin as users paste it: colons, spaces or none, any case. */
export function normaliseFingerprint(text: string): string {
  const hex = text.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
  return hex.match(/../g)?.join(':') ?? '';
}
