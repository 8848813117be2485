import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * What a native add-on is built for. An add-on loads only into the ABI (NODE_MODULE_VERSION) it
 * was compiled against: Node 20 is 115, Node 24 is 137, Electron 45 (which carries Node 24) is 150.
 */
export interface NativeTarget {
  runtime: 'node' | 'electron';
  /** process.versions.modules of that runtime */
  abi: string;
  platform: string;
  arch: string;
}

/** The target of the process running this code (Electron sets process.versions.electron and its own ABI). */
export function runningTarget(
  versions: NodeJS.ProcessVersions = process.versions,
  platform: string = process.platform,
  arch: string = process.arch,
): NativeTarget {
  return { runtime: versions.electron ? 'electron' : 'node', abi: versions.modules, platform, arch };
}

/** better-sqlite3's package folder; its build/Release holds what `npm install` built for the Node that ran it. */
export function sqlitePackageDir(from: string = import.meta.url): string {
  return dirname(createRequire(from).resolve('better-sqlite3/package.json'));
}

/**
 * Where a build for another runtime is kept: beside build/, one folder per target, e.g.
 * build-electron-v150-linux-x64/better_sqlite3.node. Inside the package folder, so reinstalling or
 * upgrading better-sqlite3 removes it with the sources it was built from.
 */
export function keptApartBuild(packageDir: string, target: NativeTarget): string {
  return join(packageDir, `build-${target.runtime}-v${target.abi}-${target.platform}-${target.arch}`, 'better_sqlite3.node');
}

/**
 * The add-on better-sqlite3 should load here (its `nativeBinding` option): the kept-apart build for
 * this runtime when one was prepared (`npm start` does it for Electron, CI for Node 24), else
 * undefined, which is better-sqlite3's own lookup of build/Release.
 */
export function sqliteBindingFor(target: NativeTarget = runningTarget(), packageDir: string = sqlitePackageDir()): string | undefined {
  const file = keptApartBuild(packageDir, target);
  return existsSync(file) ? file : undefined;
}
