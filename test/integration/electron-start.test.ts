import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = mkdtempSync(join(tmpdir(), 'dm-start-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// ELECTRON_OVERRIDE_DIST_PATH is the electron package's own switch for where its binary lives:
// an empty folder is "Electron is not installed", on any machine (also one where it is).
function run(command: string, args: string[], distPath: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: distPath, npm_config_loglevel: 'warn', NO_COLOR: '1' };
  return spawnSync(command, args, { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
}

const MESSAGE = 'Electron is not available here; run `npm run serve` and open the printed address';

describe('npm start', () => {
  it('without Electron\'s binary says what to do instead, exits non-zero, and shows no stack trace', () => {
    const empty = join(work, 'no-electron');
    mkdirSync(empty);
    const result = run('npm', ['start'], empty);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(MESSAGE);
    expect(result.stderr + result.stdout).not.toMatch(/^\s+at .+[:(]\d+/m); // no stack frame
    expect(result.stderr + result.stdout).not.toMatch(/Error:/);
  });

  it('the launcher itself: exactly the message and the reason, exit code 69', () => {
    const result = run(process.execPath, ['bin/start-electron.js'], join(work, 'missing'));
    expect(result.status).toBe(69);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`${MESSAGE}\n(the Electron binary is not installed: \`npm install\` downloads it on a machine with internet)\n`);
  });

  it('with a binary, runs it on this folder with the options given, without ELECTRON_RUN_AS_NODE, and passes its exit code on', () => {
    const dist = join(work, 'fake-electron');
    mkdirSync(dist);
    const pathFile = join(root, 'node_modules', 'electron', 'path.txt');
    const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
    const fake = join(dist, name);
    mkdirSync(dirname(fake), { recursive: true });
    writeFileSync(fake, '#!/bin/sh\necho "args: $*"\necho "run-as-node: ${ELECTRON_RUN_AS_NODE:-unset}"\nexit 3\n');
    chmodSync(fake, 0o755);
    const result = spawnSync(process.execPath, ['bin/start-electron.js', '--kiosk', '--hide-cursor'], {
      cwd: root, encoding: 'utf8', timeout: 30_000,
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: dist, ELECTRON_RUN_AS_NODE: '1' },
    });
    if (!existsSync(join(root, 'dist', 'main', 'index.js'))) {
      expect(result.status).toBe(70);
      expect(result.stderr).toBe('digital-meter: not built yet; run `npm run build` first\n');
      return;
    }
    expect(result.stdout).toBe(`args: ${root} --kiosk --hide-cursor\nrun-as-node: unset\n`);
    expect(result.status).toBe(3);
  });
});
