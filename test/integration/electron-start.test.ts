import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipArchive } from '../support/zip.js';

// `npm start` on a fresh checkout. The internet is a loopback server standing in for Electron's
// releases (ELECTRON_MIRROR, read by the electron package's own downloader) and better-sqlite3's
// prebuilt binaries (npm_config_better_sqlite3_binary_host, read by prebuild-install). Electron is
// a stand-in: a script that runs this Node reporting Electron's version and ABI, opens the app's
// database through the app's own opener, and prints which better_sqlite3.node the process loaded.

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = mkdtempSync(join(tmpdir(), 'dm-start-'));
const electronPackage = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string };
const ELECTRON = electronPackage.version; // 45.5.0 when written
const ABI = readFileSync(join(root, 'node_modules', 'electron', 'abi_version'), 'utf8').trim(); // 150 for Electron 45
const SQLITE = (JSON.parse(readFileSync(join(root, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')) as { version: string }).version;
const PLATFORM = `${process.platform}-${process.arch}`;
const MESSAGE = 'Electron is not available here; run `npm run serve` and open the printed address';
const built = existsSync(join(root, 'dist', 'launcher', 'start-desktop.js'));

/** better-sqlite3's add-on that loads into this Node: CI's Node 24 pass has its own, kept apart. */
function addonForThisNode(): string {
  const keptApart = join(root, 'node_modules', 'better-sqlite3', `build-node-v${process.versions.modules}-${PLATFORM}`, 'better_sqlite3.node');
  return existsSync(keptApart) ? keptApart : join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
}

// --- the stand-in Electron and what it prints ---------------------------------------------------
const probeDir = join(work, 'probe');
mkdirSync(probeDir);
writeFileSync(join(probeDir, 'as-electron.mjs'), [
  '// what a native add-on loader sees in Electron: its version, and its ABI as process.versions.modules',
  `Object.defineProperty(process.versions, 'electron', { value: ${JSON.stringify(ELECTRON)}, enumerable: true });`,
  `Object.defineProperty(process.versions, 'modules', { value: ${JSON.stringify(ABI)}, enumerable: true });`,
].join('\n'));
writeFileSync(join(probeDir, 'probe.mjs'), `
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
const [appDir, ...args] = process.argv.slice(2);
const { openMeterDatabase } = await import(pathToFileURL(join(appDir, 'dist', 'main', 'store', 'open-database.js')).href);
const quiet = { info() {}, error() {} };
const { db } = openMeterDatabase(join(mkdtempSync(join(${JSON.stringify(probeDir)}, 'db-')), 'meter.sqlite'), quiet);
db.close();
const loaded = process.report.getReport().sharedObjects.filter((file) => file.endsWith('better_sqlite3.node'));
console.log(JSON.stringify({ appDir, args, electron: process.versions.electron ?? null, runAsNode: process.env.ELECTRON_RUN_AS_NODE ?? null, loaded }));
process.exit(3);
`);
const standIn = `#!/bin/sh\nexec '${process.execPath}' --import '${pathToFileURL(join(probeDir, 'as-electron.mjs')).href}' '${join(probeDir, 'probe.mjs')}' "$@"\n`;
const electronZipName = `electron-v${ELECTRON}-${PLATFORM}.zip`;
const electronZip = zipArchive([
  { name: 'electron', data: Buffer.from(standIn), mode: 0o755 },
  { name: 'version', data: Buffer.from(ELECTRON) },
]);

// better-sqlite3's prebuilt tarball layout: build/Release/better_sqlite3.node. Its content is the
// add-on this Node loads, so that the stand-in can load it; where it is loaded from is the point.
const prebuildDir = join(work, 'prebuild');
mkdirSync(join(prebuildDir, 'build', 'Release'), { recursive: true });
copyFileSync(addonForThisNode(), join(prebuildDir, 'build', 'Release', 'better_sqlite3.node'));
const prebuildName = `better-sqlite3-v${SQLITE}-electron-v${ABI}-${PLATFORM}.tar.gz`;
spawnSync('tar', ['czf', join(work, prebuildName), '-C', prebuildDir, 'build']);
const prebuild = readFileSync(join(work, prebuildName));

// --- the loopback "internet" ----------------------------------------------------------------------
const requests: string[] = [];
const files = new Map<string, Buffer>([
  [`/electron/v${ELECTRON}/${electronZipName}`, electronZip],
  [`/sqlite/v${SQLITE}/${prebuildName}`, prebuild],
]);
let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = files.get(req.url ?? '');
    res.writeHead(body ? 200 : 404, { 'content-length': body?.length ?? 0 }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

/**
 * A fresh checkout: the built app, and node_modules as `npm ci` leaves it. Links to this one's
 * packages, except the two that the first start writes into: electron (without its binary; its
 * checksums file lists the stand-in archive) and better-sqlite3 (with Node's build only).
 */
function freshCheckout(name: string): string {
  const dir = join(work, name);
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
  cpSync(join(root, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
  for (const entry of readdirSync(join(root, 'node_modules'))) {
    if (entry.startsWith('.') || entry === 'electron' || entry === 'better-sqlite3') continue;
    symlinkSync(join(root, 'node_modules', entry), join(dir, 'node_modules', entry));
  }
  const electron = join(dir, 'node_modules', 'electron');
  mkdirSync(electron);
  for (const file of ['package.json', 'index.js', 'install.js', 'cli.js', 'abi_version']) copyFileSync(join(root, 'node_modules', 'electron', file), join(electron, file));
  writeFileSync(join(electron, 'checksums.json'), JSON.stringify({ [electronZipName]: createHash('sha256').update(electronZip).digest('hex') }));
  const sqlite = join(dir, 'node_modules', 'better-sqlite3');
  for (const part of ['package.json', 'binding.gyp', 'lib', 'src', 'deps']) cpSync(join(root, 'node_modules', 'better-sqlite3', part), join(sqlite, part), { recursive: true });
  mkdirSync(join(sqlite, 'build', 'Release'), { recursive: true });
  copyFileSync(addonForThisNode(), join(sqlite, 'build', 'Release', 'better_sqlite3.node'));
  return dir;
}

interface Run { status: number | null; stdout: string; stderr: string }

/** Not spawnSync: the loopback server in this process must go on answering while the launcher runs. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

function start(checkout: string, extraEnv: NodeJS.ProcessEnv = {}, args: string[] = []): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ELECTRON_MIRROR: `${base}/electron/`,
    npm_config_better_sqlite3_binary_host: `${base}/sqlite`,
    ELECTRON_HEADERS_URL: `${base}/headers`,
    electron_config_cache: join(checkout, '.cache', 'electron'), // @electron/get's download cache
    npm_config_cache: join(checkout, '.cache', 'npm'), // prebuild-install's
    npm_config_devdir: join(checkout, '.cache', 'node-gyp'), // node-gyp's headers
    ...extraEnv,
  };
  delete env.ELECTRON_OVERRIDE_DIST_PATH;
  return run(process.execPath, [join(checkout, 'bin', 'start-electron.js'), ...args], env);
}

function probeUnderNode(checkout: string) {
  const result = spawnSync(process.execPath, [join(probeDir, 'probe.mjs'), checkout], { encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(result.stdout) as { electron: string | null; loaded: string[] };
}

const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at .+[:(]\d+/m);

describe.skipIf(!built)(`npm start on a fresh checkout${built ? '' : ' (skipped: dist/ not built; npm test builds it)'}`, () => {
  const checkout = built ? freshCheckout('fresh') : '';
  const sqlite = join(checkout, 'node_modules', 'better-sqlite3');
  const nodeBuild = join(sqlite, 'build', 'Release', 'better_sqlite3.node');
  const electronBuild = join(sqlite, `build-electron-v${ABI}-${PLATFORM}`, 'better_sqlite3.node');

  it('first start: fetches Electron\'s binary, prepares better-sqlite3 for its ABI, then runs it on the app; the app\'s opener loads that build', async () => {
    const nodeBuildBefore = readFileSync(nodeBuild);
    const result = await start(checkout, { ELECTRON_RUN_AS_NODE: '1' }, ['--kiosk', '--hide-cursor']);

    // both downloads happened, from the (stand-in) internet
    expect(requests).toEqual([`/electron/v${ELECTRON}/${electronZipName}`, `/sqlite/v${SQLITE}/${prebuildName}`]);
    expect(result.stderr).toContain(`Downloading Electron ${ELECTRON} for ${PLATFORM} (first start only)…\n  100% of 0 MB\nElectron ${ELECTRON} is installed.\n`);
    expect(result.stderr).toContain(`Preparing better-sqlite3 ${SQLITE} for Electron ${ELECTRON} (ABI ${ABI}), kept apart from Node's build: fetching a prebuilt binary…\n`);
    expect(result.stderr).toContain(`better-sqlite3 for Electron ${ELECTRON} (ABI ${ABI}) is ready`);
    // the stand-in ran as Electron, on the checkout, with the options, without ELECTRON_RUN_AS_NODE,
    // and its exit code (3) came back; its database was opened with the build for ABI 150
    expect(result.status, result.stderr).toBe(3);
    expect(JSON.parse(result.stdout)).toEqual({ appDir: checkout, args: ['--kiosk', '--hide-cursor'], electron: ELECTRON, runAsNode: null, loaded: [electronBuild] });
    // the unpacked binary is where the electron package looks for it
    expect(readFileSync(join(checkout, 'node_modules', 'electron', 'path.txt'), 'utf8')).toBe('electron');
    // Node's build is untouched
    expect(readFileSync(nodeBuild).equals(nodeBuildBefore)).toBe(true);
  });

  it('second start: downloads nothing, prints nothing of its own, starts at once', async () => {
    const before = requests.length;
    const result = await start(checkout, {}, ['--kiosk']);
    expect(requests.length).toBe(before);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(3);
    expect((JSON.parse(result.stdout) as { loaded: string[] }).loaded).toEqual([electronBuild]);
  });

  it('Node\'s build still loads under Node, from the same checkout', () => {
    expect(probeUnderNode(checkout)).toEqual(expect.objectContaining({ electron: null, loaded: [nodeBuild] }));
  });
});

describe.skipIf(!built)(`npm start when a download fails${built ? '' : ' (skipped: dist/ not built; npm test builds it)'}`, () => {
  it('Electron\'s binary cannot be fetched: says why and what to do, exit 69, no stack trace', async () => {
    const checkout = freshCheckout('offline');
    const result = await start(checkout, { ELECTRON_MIRROR: `${base}/nowhere/` });
    expect(result.status).toBe(69);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe([
      `Downloading Electron ${ELECTRON} for ${PLATFORM} (first start only)…`,
      `digital-meter: could not download Electron ${ELECTRON}: Response code 404 (Not Found) for ${base}/nowhere/v${ELECTRON}/${electronZipName}`,
      'Check the internet connection (behind a proxy: set HTTPS_PROXY and ELECTRON_GET_USE_PROXY=1; from a mirror: ELECTRON_MIRROR), then run `npm start` again.',
      MESSAGE, '',
    ].join('\n'));
    expect(existsSync(join(checkout, 'node_modules', 'electron', 'path.txt'))).toBe(false);
  });

  it('no prebuilt better-sqlite3 and no Electron headers: says what is needed, exit 69, nothing half-built kept', async () => {
    const checkout = freshCheckout('no-prebuilt');
    const result = await start(checkout, { npm_config_better_sqlite3_binary_host: `${base}/nowhere` });
    expect(result.status).toBe(69);
    const lines = result.stderr.split('\n');
    expect(lines).toContain(`Compiling better-sqlite3 ${SQLITE} for Electron ${ELECTRON} (ABI ${ABI}) (no prebuilt binary: No prebuilt binaries found (target=${ELECTRON} runtime=electron arch=${process.arch} libc= platform=${process.platform})); this takes a few minutes…`);
    expect(lines.find((l) => l.startsWith('digital-meter: could not prepare'))).toMatch(new RegExp(`^digital-meter: could not prepare better-sqlite3 for Electron ${ELECTRON.replaceAll('.', '\\.')} \\(ABI ${ABI}\\): compiling failed: Error: 404 response downloading ${base}/headers/v${ELECTRON.replaceAll('.', '\\.')}/`));
    expect(lines).toContain('Check the internet connection and the toolchain, then run `npm start` again.');
    expect(lines).toContain(MESSAGE);
    noStackTrace(result.stderr);
    expect(readdirSync(join(checkout, 'node_modules', 'better-sqlite3')).filter((f) => f.startsWith('build-'))).toEqual([]);
  });
});

describe('npm start without a usable Electron', () => {
  it('through npm, with ELECTRON_OVERRIDE_DIST_PATH naming an empty folder: says so and what to do instead, no stack trace', async () => {
    const empty = join(work, 'no-electron');
    mkdirSync(empty);
    const result = await run('npm', ['start'], { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: empty, npm_config_loglevel: 'warn', NO_COLOR: '1' }, root);
    expect(result.status).not.toBe(0);
    if (!built) {
      expect(result.stderr).toContain('digital-meter: not built yet; run `npm run build` first');
      return;
    }
    expect(result.stderr).toContain(`digital-meter: no Electron binary at ${join(empty, 'electron')} (ELECTRON_OVERRIDE_DIST_PATH names that folder)\n${MESSAGE}\n`);
    noStackTrace(result.stderr + result.stdout);
    expect(result.stderr + result.stdout).not.toMatch(/Error:/);
  });
});
