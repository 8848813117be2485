/**
 * The README's promises that can be run, run: every fenced shell block marked runnable (the line
 * `<!-- runnable -->` right before its fence) in README.md and docs/*.md runs with bash, in order,
 * in a temporary HOME and working directory of its own per document, as a newcomer runs it from
 * a clone: `digital-meter` and `npx digital-meter` are this checkout's bin (what `npm ci` gives).
 * A block fails the test when any command in it fails (bash -e -o pipefail). Other engineers'
 * sections are checked the same way as soon as they mark a block.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'digital-meter.js');
const MARKER = /^<!--\s*runnable\s*-->\s*$/;
const SHELL_FENCE = /^```(sh|bash|shell)\s*$/;

interface RunnableBlock { file: string; line: number; heading: string; code: string }

/** The runnable blocks of a Markdown text, in order, with the heading they are under. */
function runnableBlocks(file: string, text: string): RunnableBlock[] {
  const lines = text.split('\n');
  const blocks: RunnableBlock[] = [];
  let heading = '(top)';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^#{1,6} /.test(line)) heading = line.replace(/^#+ /, '');
    if (!MARKER.test(line)) continue;
    const fence = lines[i + 1] ?? '';
    if (!SHELL_FENCE.test(fence)) throw new Error(`${file}:${i + 1}: a runnable marker must stand right before a \`\`\`sh fence, found "${fence}"`);
    const end = lines.findIndex((l, j) => j > i + 1 && l.startsWith('```'));
    if (end < 0) throw new Error(`${file}:${i + 2}: the runnable block is never closed`);
    blocks.push({ file, line: i + 2, heading, code: lines.slice(i + 2, end).join('\n') });
    i = end;
  }
  return blocks;
}

function documents(): string[] {
  const docs = join(ROOT, 'docs');
  const more = existsSync(docs) ? readdirSync(docs).filter((f) => f.endsWith('.md')).map((f) => join(docs, f)) : [];
  return [join(ROOT, 'README.md'), ...more];
}

/** `digital-meter` and `npx digital-meter` as a clone has them after `npm ci`; nothing else is fetched. */
function shims(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const write = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  write('digital-meter', `exec '${process.execPath}' '${BIN}' "$@"`);
  write('npx', [
    `if [ "$1" = digital-meter ]; then shift; exec '${process.execPath}' '${BIN}' "$@"; fi`,
    'echo "npx $1: the README test fetches nothing from the registry" >&2; exit 127',
  ].join('\n'));
  return bin;
}

describe('runnableBlocks', () => {
  it('finds a marked shell block with its heading and line, and refuses a marker before anything else', () => {
    const text = ['# Title', '## Try it', '<!-- runnable -->', '```sh', 'echo one', 'echo two', '```', '```sh', 'not marked', '```'].join('\n');
    expect(runnableBlocks('X.md', text)).toEqual([{ file: 'X.md', line: 4, heading: 'Try it', code: 'echo one\necho two' }]);
    expect(() => runnableBlocks('X.md', '<!-- runnable -->\n```json\n{}\n```')).toThrow('X.md:1: a runnable marker must stand right before a ```sh fence, found "```json"');
  });
});

for (const file of documents()) {
  const name = relative(ROOT, file);
  const blocks = runnableBlocks(name, readFileSync(file, 'utf8'));
  // a document with nothing runnable (a log of measurements) has nothing to run here
  if (blocks.length === 0 && name !== 'README.md') continue;
  describe.sequential(`${name}: its runnable examples`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-readme-'));
    const home = join(dir, 'home');
    const work = join(dir, 'work');
    mkdirSync(home);
    mkdirSync(work);
    const bin = shims(dir);
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, PATH: `${bin}:${process.env.PATH}`, DM_TOKEN: '', NO_COLOR: '1' };
    // the platform's defaults under the temporary HOME, as on a fresh machine
    for (const key of ['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME', 'XDG_CACHE_HOME']) delete env[key];
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    if (name === 'README.md') {
      it('has runnable examples (the test cannot pass on none)', () => {
        expect(blocks.length).toBeGreaterThanOrEqual(3);
      });
    }

    for (const block of blocks) {
      it(`${name}:${block.line} (${block.heading})`, () => {
        // a block may start something in the background (`serve &`): it is stopped when the block ends
        const script = `trap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n${block.code}`;
        const result = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd: work, env, encoding: 'utf8', timeout: 120_000 });
        const output = `--- ${name}:${block.line}\n${block.code}\n--- stdout\n${result.stdout.slice(-3000)}\n--- stderr\n${result.stderr.slice(-3000)}`;
        expect(result.error, output).toBeUndefined();
        expect(result.status, output).toBe(0);
        // nothing of the example may come from outside the clone (the team's ../shared folder)
        expect(block.code).not.toMatch(/\.\.\/shared/);
      }, 130_000);
    }
  });
}
