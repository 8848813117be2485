/**
 * The `digital-meter` command line as a newcomer meets it: --version, one style of option error
 * for every command (the commands are read from `digital-meter --help`, so a new command is
 * checked without touching this file), readable logs on a terminal and JSON in a pipe, and a
 * command that only reads leaving no file behind.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'digital-meter.js');
const home = mkdtempSync(join(tmpdir(), 'dm-cli-home-'));
/** a home of its own: nothing this test runs may touch the real ~/.config or ~/.local/share */
const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local', 'share'), DM_TOKEN: '' };

function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env, input: '', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

afterAll(() => rmSync(home, { recursive: true, force: true }));

const help = run(['--help']);
const commands = help.stdout.split('\ncommands:\n')[1]!.split('\n\n')[0]!.split('\n').map((line) => line.trim().split(/\s+/)[0]!);

describe('digital-meter', () => {
  it('--help lists the commands; --version prints the version in package.json', () => {
    expect(help.status).toBe(0);
    expect(commands).toEqual(expect.arrayContaining(['parse', 'simulate', 'replay', 'serve', 'token', 'prices', 'secret']));
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) expect(run([flag])).toEqual({ status: 0, stdout: `digital-meter ${version}\n`, stderr: '' });
  });

  describe.each(commands)('%s', (command) => {
    const own = run([command, '--help']);

    it('--help shows its usage', () => {
      expect(own.status).toBe(0);
      expect(own.stdout).toMatch(new RegExp(`^usage: digital-meter ${command}`));
    });

    it('a mistyped option: exit 64, one line saying which option, a pointer to --help, no stack', () => {
      // e.g. "digital-meter parse: unknown option --sumary (did you mean --summary?)"
      const hint = own.stdout.includes('--summary') ? ' (did you mean --summary?)' : '';
      expect(run([command, '--sumary'])).toEqual({
        status: 64, stdout: '', stderr: `digital-meter ${command}: unknown option --sumary${hint}\n(see 'digital-meter ${command} --help')\n`,
      });
    });

    it('a value given to a switch: the same style', () => {
      expect(run([command, '--help=yes'])).toEqual({
        status: 64, stdout: '', stderr: `digital-meter ${command}: --help takes no value\n(see 'digital-meter ${command} --help')\n`,
      });
    });
  });

  it('an option that needs a value and has none: the same style', () => {
    expect(run(['serve', '--port'])).toEqual({ status: 64, stdout: '', stderr: "digital-meter serve: --port needs a value\n(see 'digital-meter serve --help')\n" });
  });

  it('logs are lines a person reads on a terminal, JSON lines in a pipe', () => {
    const args = [BIN, 'simulate', '--tcp', '0', '--duration', '1s', '--speed', '10'];
    const piped = spawnSync(process.execPath, args, { encoding: 'utf8', env, timeout: 30_000 });
    expect(JSON.parse(piped.stderr.split('\n')[0]!)).toMatchObject({ level: 30, msg: expect.stringMatching(/^simulated P1 meter listening on 127\.0\.0\.1:\d+$/) });
    // script(1) gives the command a real pseudo-terminal
    const command = ['timeout', '30', process.execPath, ...args].map((a) => `'${a}'`).join(' ');
    const tty = execFileSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { ...env, NO_COLOR: '1' } });
    expect(tty.split(/\r?\n/)[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: simulated P1 meter listening on 127\.0\.0\.1:\d+$/);
  });

  it('prices without a configuration, offline: a sentence instead of 96 rows of dashes, and no file created', () => {
    const result = run(['prices', '--offline', '--date', '2026-01-15']);
    expect(result).toEqual({ status: 1, stdout: '', stderr: 'digital-meter prices: no day-ahead prices known for 2026-01-15 (--offline, and there is no price cache yet); register rates apply\n' });
    expect(readdirSync(home)).toEqual([]);
  });

  it('npm run bench with a name that is no benchmark fails and lists the ones there are', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'test', 'bench', 'run.js'), 'nosuch'], { encoding: 'utf8', env, timeout: 30_000 });
    expect(r.status).toBe(64);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^bench: no benchmark named 'nosuch'; there are: .*\bparser\b.*\n$/);
  });

  it('secret list with no secret: nothing on stdout, a sentence on stderr, no file created', () => {
    expect(run(['secret', 'list'])).toEqual({ status: 0, stdout: '', stderr: 'no secrets set (digital-meter secret set entsoe-token adds one)\n' });
    expect(readdirSync(home)).toEqual([]);
  });
});
