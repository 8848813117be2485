import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

export interface ServeProcess {
  child: ChildProcess;
  /** the printed line's address, e.g. http://127.0.0.1:41234/#token=... */
  url: string;
  origin: string;
  token: string;
  home: string;
  stderr: () => string;
  stop(): Promise<number | null>;
}

/** The package root (from test/support or dist/test/support): the folder with bin/digital-meter.js. */
function packageRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'bin', 'digital-meter.js'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('bin/digital-meter.js not found above ' + import.meta.dirname);
    dir = up;
  }
  return dir;
}

const BIN = join(packageRoot(), 'bin', 'digital-meter.js');

/**
 * `digital-meter serve` as a user starts it, in a temporary home (its own config and data
 * directories, so the demo starts fresh), resolved when it prints its one stdout line.
 * `nodeArgs` go to node itself (a test's --import).
 */
export async function startServe(args: string[], options: { home?: string; timeoutMs?: number; nodeArgs?: string[]; wrap?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<ServeProcess> {
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'dm-serve-'));
  // `wrap` runs it through another command that execs it (e.g. ip netns exec NS: another machine)
  const [command, ...rest] = [...(options.wrap ?? []), process.execPath, ...(options.nodeArgs ?? []), BIN, 'serve', ...args];
  const child = spawn(command!, rest, {
    env: { ...process.env, XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data'), DM_TOKEN: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => { err += chunk.toString(); });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no address within ${options.timeoutMs ?? 60_000} ms; stderr:\n${err.slice(-2000)}`)), options.timeoutMs ?? 60_000);
    lines.once('line', (line) => { clearTimeout(timer); resolveUrl(line); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited with ${code}; stderr:\n${err.slice(-2000)}`)); });
  });
  const match = /^Dashboard: (https?:\/\/[^/]+)\/#token=(\S+)$/.exec(url);
  if (!match) throw new Error(`unexpected first line from serve: ${url}`);
  return {
    child, url: url.slice('Dashboard: '.length), origin: match[1]!, token: match[2]!, home,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      return exited;
    },
  };
}

export function removeHome(home: string): void {
  rmSync(home, { recursive: true, force: true });
}
