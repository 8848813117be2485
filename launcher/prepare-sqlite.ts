import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { keptApartBuild, type NativeTarget } from '../main/store/native-build.js';
import { failureLines, runQuietly } from './child.js';

export class NativeBuildError extends Error {}

export interface SqliteBuildRequest {
  target: NativeTarget;
  /** the runtime's version: Electron's (45.5.0) or Node's (24.22.3) */
  version: string;
  /** better-sqlite3's package folder */
  packageDir: string;
  /** try the project's prebuilt binary (GitHub) before compiling */
  prebuilt: boolean;
  /** Node's headers already on disk (node-gyp's --nodedir): compiling downloads nothing */
  nodedir?: string;
  /** where node-gyp fetches Electron's headers */
  electronHeadersUrl?: string;
  env?: NodeJS.ProcessEnv;
  write: (text: string) => void;
}

const ELECTRON_HEADERS = 'https://electronjs.org/headers';
/** node-gyp's lines that say what failed (not its stack frames, or the environment it prints after) */
const GYP_REASON = /^gyp ERR! (?!stack\s+at |System |command |cwd |node -v |node-gyp -v |not ok|\$npm_|\w+ error\s*$)|\berror:/;

function runtimeName(request: SqliteBuildRequest): string {
  const name = request.target.runtime === 'electron' ? 'Electron' : 'Node';
  return `${name} ${request.version} (ABI ${request.target.abi})`;
}

/** npm's own node-gyp: npm names it to the scripts it runs; else the copy beside this Node's npm. */
function nodeGypScript(env: NodeJS.ProcessEnv): string {
  const candidates = [
    env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate;
  try {
    return createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    throw new NativeBuildError('node-gyp was not found (it comes with npm); install npm beside this Node');
  }
}

/**
 * The environment for a build for `target`. npm passes its own config to scripts as npm_config_*:
 * a `nodedir` from .npmrc (this machine has one) would make node-gyp compile against that Node's
 * headers whatever --target says, so it is dropped unless it is the one this build asked for.
 */
function buildEnv(request: SqliteBuildRequest): NodeJS.ProcessEnv {
  const env = { ...(request.env ?? process.env) };
  delete env.npm_config_nodedir;
  delete env.npm_config_target;
  delete env.npm_config_runtime;
  delete env.npm_config_disturl;
  if (request.nodedir) env.npm_config_nodedir = request.nodedir;
  return env;
}

async function tryPrebuilt(request: SqliteBuildRequest, staging: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const bin = createRequire(join(request.packageDir, 'package.json')).resolve('prebuild-install/bin.js');
  const { runtime, platform, arch } = request.target;
  const result = await runQuietly(process.execPath, [bin, '--runtime', runtime, '--target', request.version, '--platform', platform, '--arch', arch, '--verbose'], { cwd: staging, env });
  if (result.code === 0) return null;
  return failureLines(result.output, /warn|ERR!/, 1).join(' ').replace(/^prebuild-install (warn|info) (install )?/, '') || `exit code ${result.code}`;
}

async function compile(request: SqliteBuildRequest, staging: string, env: NodeJS.ProcessEnv): Promise<void> {
  for (const part of ['binding.gyp', 'src', 'deps']) cpSync(join(request.packageDir, part), join(staging, part), { recursive: true });
  const { runtime, arch } = request.target;
  const args = [nodeGypScript(env), 'rebuild', '--release', `--arch=${arch}`];
  if (runtime === 'electron') {
    args.push('--runtime=electron', `--target=${request.version}`, `--dist-url=${request.electronHeadersUrl ?? ELECTRON_HEADERS}`);
  } else if (request.nodedir) {
    args.push(`--nodedir=${request.nodedir}`);
  } else {
    args.push(`--target=${request.version}`);
  }
  const result = await runQuietly(process.execPath, args, { cwd: staging, env });
  if (result.code !== 0) {
    const why = failureLines(result.output, GYP_REASON).map((line) => line.replace(/^gyp ERR! (stack )?/, ''));
    throw new NativeBuildError(`compiling failed: ${why.join(' | ')}`);
  }
}

/**
 * Put a build of better-sqlite3 for `target` in its kept-apart folder (native-build.ts), leaving
 * build/Release (Node's, from `npm install`) as it is. Like the package's own install script: a
 * prebuilt binary when allowed and published, else compiled from the package's sources. The work
 * happens in a scratch copy; only a finished add-on is moved into place.
 */
export async function prepareSqliteBuild(request: SqliteBuildRequest): Promise<string> {
  const destination = keptApartBuild(request.packageDir, request.target);
  const { version } = JSON.parse(readFileSync(join(request.packageDir, 'package.json'), 'utf8')) as { version: string };
  const staging = mkdtempSync(join(tmpdir(), 'dm-sqlite-build-'));
  const env = buildEnv(request);
  try {
    copyFileSync(join(request.packageDir, 'package.json'), join(staging, 'package.json'));
    let noPrebuilt: string | null = 'not asked for';
    if (request.prebuilt) {
      request.write(`Preparing better-sqlite3 ${version} for ${runtimeName(request)}, kept apart from Node's build: fetching a prebuilt binary…\n`);
      noPrebuilt = await tryPrebuilt(request, staging, env);
    }
    if (noPrebuilt !== null) {
      request.write(`Compiling better-sqlite3 ${version} for ${runtimeName(request)}${request.prebuilt ? ` (no prebuilt binary: ${noPrebuilt})` : ''}; this takes a few minutes…\n`);
      await compile(request, staging, env);
    }
    const built = join(staging, 'build', 'Release', 'better_sqlite3.node');
    if (!existsSync(built)) throw new NativeBuildError('the build finished without build/Release/better_sqlite3.node');
    mkdirSync(dirname(destination), { recursive: true });
    const partial = `${destination}.partial`;
    copyFileSync(built, partial);
    renameSync(partial, destination);
    request.write(`better-sqlite3 for ${runtimeName(request)} is ready in ${relative(process.cwd(), dirname(destination)) || '.'}\n`);
    return destination;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
