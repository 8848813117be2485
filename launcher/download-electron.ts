import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { failureLines, runQuietly } from './child.js';
import type { ElectronPackage } from './electron-package.js';

/** The part of @electron/get (the electron package's own downloader) used here. */
interface ElectronGet {
  downloadArtifact(details: {
    version: string; artifactName: string; platform: string; arch: string; force: boolean;
    cacheRoot: string | undefined; checksums: Record<string, string> | undefined;
    downloadOptions: { quiet: boolean; getProgressCallback: (p: { transferred: number; total: number | null; percent: number }) => void };
  }): Promise<string>;
}

export class ElectronDownloadError extends Error {}

/** The platform and architecture the electron package's install script fetches for (same variables). */
function downloadTarget(env: NodeJS.ProcessEnv): { platform: string; arch: string } {
  return {
    platform: env.ELECTRON_INSTALL_PLATFORM || env.npm_config_platform || process.platform,
    arch: env.ELECTRON_INSTALL_ARCH || env.npm_config_arch || process.arch,
  };
}

/** Progress as lines: in place on a terminal, every quarter otherwise (a CI log stays short). */
function progressReporter(write: (text: string) => void, tty: boolean) {
  let shown = -1;
  return ({ transferred, total, percent }: { transferred: number; total: number | null; percent: number }) => {
    const whole = Math.floor(percent * 100);
    const step = tty ? 1 : 25;
    if (Math.floor(whole / step) === Math.floor(shown / step)) return;
    shown = whole;
    const size = total ? ` of ${Math.round(total / 1e6)} MB` : ` (${Math.round(transferred / 1e6)} MB)`;
    write(tty ? `\r  ${whole}%${size}${whole === 100 ? '\n' : ''}` : `  ${whole}%${size}\n`);
  };
}

/**
 * Fetch Electron's binary the way its package does on first use: the same @electron/get call as
 * its install script (mirror, cache, proxy and checksum settings all apply), with a progress line;
 * then the install script itself unpacks it from the cache and writes path.txt.
 */
export async function downloadElectron(pkg: ElectronPackage, write: (text: string) => void, tty: boolean, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { platform, arch } = downloadTarget(env);
  write(`Downloading Electron ${pkg.version} for ${platform}-${arch} (first start only)…\n`);
  try {
    const getPath = createRequire(join(pkg.dir, 'package.json')).resolve('@electron/get');
    const get = (await import(pathToFileURL(getPath).href)) as ElectronGet;
    const remoteChecksums = env.electron_use_remote_checksums || env.npm_config_electron_use_remote_checksums;
    await get.downloadArtifact({
      version: pkg.version, artifactName: 'electron', platform, arch,
      force: env.force_no_cache === 'true',
      cacheRoot: env.electron_config_cache,
      checksums: remoteChecksums ? undefined : JSON.parse(readFileSync(join(pkg.dir, 'checksums.json'), 'utf8')) as Record<string, string>,
      downloadOptions: { quiet: true, getProgressCallback: progressReporter(write, tty) },
    });
  } catch (error) {
    // fetch's own message is only "fetch failed"; the reason (DNS, refused, TLS) is its cause
    const cause = (error as Error).cause instanceof Error ? ` (${((error as Error).cause as Error).message})` : '';
    throw new ElectronDownloadError(`${(error as Error).message.split('\n')[0]}${cause}`);
  }
  const unpacked = await runQuietly(process.execPath, [join(pkg.dir, 'install.js')], { env });
  if (unpacked.code !== 0) {
    throw new ElectronDownloadError(`unpacking failed: ${failureLines(unpacked.output, /error/i, 1).join(' ')}`);
  }
  write(`Electron ${pkg.version} is installed.\n`);
}
