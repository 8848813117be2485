import { createRequire } from 'node:module';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
// electron-builder's own loader and validator (its JSON schema, app-builder-lib/scheme.json)
const fromBuilder = createRequire(require.resolve('electron-builder/package.json'));
const { getConfig, validateConfiguration } = fromBuilder('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: null): Promise<Record<string, unknown>>;
  validateConfiguration(config: Record<string, unknown>, debugLogger: unknown): Promise<void>;
};
const { DebugLogger } = fromBuilder('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

describe('electron-builder.yml', () => {
  it('passes electron-builder\'s configuration schema', async () => {
    const config = await getConfig(root, join(root, 'electron-builder.yml'), null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('the same validator refuses a misspelt option (so the test above means something)', async () => {
    const config = await getConfig(root, join(root, 'electron-builder.yml'), null);
    const wrong = { ...config, linux: { ...(config.linux as object), tagret: ['deb'] } };
    await expect(validateConfiguration(wrong, new DebugLogger(false))).rejects.toThrow(/Invalid configuration object[\s\S]*configuration\.linux/);
  });

  it('builds AppImage and deb for arm64 and x64, a dmg, publishes to GitHub, rebuilds native modules at packaging', async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- electron-builder's loose config object, checked field by field
    const config = await getConfig(root, join(root, 'electron-builder.yml'), null) as Record<string, any>;
    expect(config.linux.target).toEqual([{ target: 'AppImage', arch: ['x64', 'arm64'] }, { target: 'deb', arch: ['x64', 'arm64'] }]);
    expect(config.mac.target).toEqual([{ target: 'dmg', arch: ['x64', 'arm64'] }]);
    expect(config.publish).toMatchObject({ provider: 'github' });
    expect(config).toMatchObject({ npmRebuild: true, asar: true, afterPack: 'resources/build/after-pack.cjs' });
    expect(config.deb.afterInstall).toBe('resources/linux/after-install.sh');
    expect(readFileSync(join(root, 'resources/linux/after-install.sh'), 'utf8')).toContain('sudo usermod -aG dialout "$USER"');
    // never a native rebuild in postinstall: it would need Electron's headers from the internet
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.scripts.postinstall).toBeUndefined();
    expect(pkg.main).toBe('dist/main/index.js');
  });
});

describe('afterPack: Electron fuses', () => {
  const work = mkdtempSync(join(tmpdir(), 'dm-fuses-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const hook = require(join(root, 'resources/build/after-pack.cjs')) as {
    (context: unknown): Promise<void>;
    electronBinary(context: unknown): string;
  };

  it('flips the fuses in the packaged binary: no run-as-node, no NODE_OPTIONS, no --inspect, app.asar only', async () => {
    // A stand-in binary with Electron's fuse wire: the sentinel, version 1, 8 fuses ('1' on, '0' off).
    const sentinel = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
    const before = '10110001'; // RunAsNode, Cookie, NodeOptions, Inspect, AsarIntegrity, OnlyAsar, V8Snapshot, FileProtocol
    const binary = join(work, 'digital-meter-app');
    writeFileSync(binary, Buffer.concat([Buffer.from('\x7fELF....padding....'), Buffer.from(sentinel), Buffer.from([1, 8]), Buffer.from(before), Buffer.from('....tail')]));
    chmodSync(binary, 0o755);
    const context = { electronPlatformName: 'linux', arch: 1, appOutDir: work, packager: { executableName: 'digital-meter-app', appInfo: { productFilename: 'Digital Meter' } } };
    await hook(context);
    const bytes = readFileSync(binary);
    const wire = bytes.subarray(bytes.indexOf(sentinel) + sentinel.length + 2, bytes.indexOf(sentinel) + sentinel.length + 10).toString('latin1');
    //                 RunAsNode off, Cookie on, NodeOptions off, Inspect off, AsarIntegrity as it was, OnlyAsar on, V8Snapshot as it was, FileProtocol off
    expect(wire).toBe('01000100');
    expect(statSync(binary).mode & 0o777).toBe(0o755);
  });

  it('finds the binary per platform', () => {
    const packager = { executableName: 'digital-meter-app', appInfo: { productFilename: 'Digital Meter' } };
    expect(hook.electronBinary({ electronPlatformName: 'linux', appOutDir: '/out', packager })).toBe('/out/digital-meter-app');
    expect(hook.electronBinary({ electronPlatformName: 'darwin', appOutDir: '/out', packager })).toBe('/out/Digital Meter.app');
    expect(hook.electronBinary({ electronPlatformName: 'win32', appOutDir: '/out', packager })).toBe('/out/digital-meter-app.exe');
  });
});
