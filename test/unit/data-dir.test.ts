/** The data directory's mode, with real directories: created 0700, an own one narrowed, a configured one warned about. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareDataDir } from '../../main/store/data-dir.js';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });
const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe.skipIf(process.platform === 'win32')('prepareDataDir', () => {
  it('creates the directory 0700, whatever the umask leaves', () => {
    const root = mkdtempSync(join(tmpdir(), 'dm-datadir-'));
    dirs.push(root);
    expect(prepareDataDir(join(root, 'data'), true)).toBeNull();
    expect(modeOf(join(root, 'data'))).toBe('700');
  });

  it('narrows its own directory left 0755 by an older version, and says so', () => {
    const root = mkdtempSync(join(tmpdir(), 'dm-datadir-'));
    dirs.push(root);
    const dir = join(root, 'data');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    expect(prepareDataDir(dir, true)).toBe(`the data directory ${dir} was readable by others (mode 755); narrowed to 700`);
    expect(modeOf(dir)).toBe('700');
  });

  it('leaves a configured directory as it is, with a warning to act on', () => {
    const root = mkdtempSync(join(tmpdir(), 'dm-datadir-'));
    dirs.push(root);
    chmodSync(root, 0o750);
    expect(prepareDataDir(root, false)).toBe(`the data directory ${root} is readable by others (mode 750): the history it holds shows when someone is home; run chmod 700 on it`);
    expect(modeOf(root)).toBe('750');
  });
});
