import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runningTarget, sqliteBindingFor } from '../../main/store/native-build.js';

const packageDir = mkdtempSync(join(tmpdir(), 'dm-native-'));
afterAll(() => rmSync(packageDir, { recursive: true, force: true }));

// process.versions as each runtime reports it (Electron 45: ABI 150 and an `electron` entry)
const electron45 = { node: '24.11.1', modules: '150', electron: '45.5.0' } as unknown as NodeJS.ProcessVersions;
const node24 = { node: '24.22.3', modules: '137' } as unknown as NodeJS.ProcessVersions;

describe('which better-sqlite3 build the database opener loads', () => {
  it('tells Electron from Node by process.versions.electron, and takes the ABI from process.versions.modules', () => {
    expect(runningTarget(electron45, 'linux', 'arm64')).toEqual({ runtime: 'electron', abi: '150', platform: 'linux', arch: 'arm64' });
    expect(runningTarget(node24, 'darwin', 'x64')).toEqual({ runtime: 'node', abi: '137', platform: 'darwin', arch: 'x64' });
  });

  it('the build kept apart for this runtime, ABI, platform and arch; none prepared: better-sqlite3\'s own (build/Release)', () => {
    const electronBuild = join(packageDir, 'build-electron-v150-linux-x64', 'better_sqlite3.node');
    expect(sqliteBindingFor(runningTarget(electron45, 'linux', 'x64'), packageDir)).toBeUndefined();
    mkdirSync(join(packageDir, 'build-electron-v150-linux-x64'));
    writeFileSync(electronBuild, '');
    expect(sqliteBindingFor(runningTarget(electron45, 'linux', 'x64'), packageDir)).toBe(electronBuild);
    // another ABI, architecture or runtime never takes it
    expect(sqliteBindingFor(runningTarget({ ...electron45, modules: '145' }, 'linux', 'x64'), packageDir)).toBeUndefined();
    expect(sqliteBindingFor(runningTarget(electron45, 'linux', 'arm64'), packageDir)).toBeUndefined();
    expect(sqliteBindingFor(runningTarget({ ...node24, modules: '150' }, 'linux', 'x64'), packageDir)).toBeUndefined();
  });
});
