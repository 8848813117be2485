/**
 * `digital-meter cert`: a self-signed certificate for the meter's bus (bus.tls), made with
 * openssl, and its SHA-256 fingerprint for the satellites to pin (bus.meter.fingerprint).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { certificateFingerprint } from '../bus/tls.js';
import { parseCommandLine, UsageError } from './usage.js';

const HELP = `usage: digital-meter cert [--cert FILE] [--key FILE] [--host NAME_OR_IP]... [--days N] [--force]

Makes a self-signed certificate and key for bus.tls (default meter.crt and meter.key here; the
key is written 0600) and prints the certificate's SHA-256 fingerprint: paste it into each
satellite's bus.meter.fingerprint (with a wss:// url). --host adds a name or address the
certificate is for (repeatable; default localhost and 127.0.0.1). Existing files are kept
unless --force.
`;

export interface CertIo {
  out: (text: string) => void;
  err: (text: string) => void;
  cwd: string;
}

export function certCommand(args: string[], io: CertIo): number {
  const { values } = parseCommandLine({
    args,
    options: {
      cert: { type: 'string', default: 'meter.crt' },
      key: { type: 'string', default: 'meter.key' },
      host: { type: 'string', multiple: true },
      days: { type: 'string', default: '3650' },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  const days = Number(values.days);
  if (!Number.isInteger(days) || days < 1 || days > 36500) throw new UsageError(`--days ${values.days}: expected a whole number of days from 1 to 36500`);
  const cert = resolve(io.cwd, values.cert);
  const key = resolve(io.cwd, values.key);
  for (const file of [cert, key]) {
    if (existsSync(file) && !values.force) throw new UsageError(`${file} exists; --force replaces it (satellites pinning the old one must get the new fingerprint)`);
  }
  const hosts = values.host?.length ? values.host : ['localhost', '127.0.0.1'];
  const san = hosts.map((h) => (/^[0-9.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', String(days),
      '-subj', `/CN=${hosts[0]!.replace(/[^A-Za-z0-9.:-]/g, '')}`, '-addext', `subjectAltName=${san}`, '-keyout', key, '-out', cert], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`openssl could not make the certificate: ${stderr || (error as Error).message}`, { cause: error });
  }
  chmodSync(key, 0o600);
  const fingerprint = certificateFingerprint(readFileSync(cert));
  io.out(fingerprint + '\n');
  io.err(`digital-meter: wrote ${cert} and ${key} (0600); set "bus": {"tls": {"cert": ..., "key": ...}} on the meter and "fingerprint": "${fingerprint}" in each satellite's bus.meter\n`);
  return 0;
}

export function run(args: string[]): Promise<number> {
  return Promise.resolve(certCommand(args, { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), cwd: process.cwd() }));
}
