/**
 * The systemd unit as a Pi user installs it: the serial ports the README documents are allowed
 * (USB cables and the Pi's own UART, /dev/ttyAMA0), the address families `serve --host 0.0.0.0`
 * needs (AF_NETLINK for os.networkInterfaces()), and a private data directory; and systemd
 * itself accepts the file.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const unitFile = resolve(import.meta.dirname, '../../resources/systemd/digital-meter.service');
const text = readFileSync(unitFile, 'utf8');

/** Every value of a directive in [Service], in order. */
function values(name: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(`${name}=`)).map((l) => l.slice(name.length + 1).trim());
}

const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
const haveAnalyze = analyze.status === 0;

describe('the systemd unit', () => {
  it('allows the USB cables and the Pi\'s own UART, and nothing else', () => {
    expect(values('DevicePolicy')).toEqual(['closed']);
    expect(values('DeviceAllow')).toEqual(['char-ttyUSB rw', 'char-ttyACM rw', 'char-ttyAMA rw']);
  });

  it('allows the address families serve uses, AF_NETLINK included', () => {
    expect(values('RestrictAddressFamilies')).toEqual(['AF_UNIX AF_INET AF_INET6 AF_NETLINK']);
  });

  it('keeps the data directory private', () => {
    expect([values('StateDirectoryMode'), values('UMask')]).toEqual([['0700'], ['0077']]);
  });

  it.skipIf(!haveAnalyze)(`systemd-analyze verify accepts it${haveAnalyze ? '' : ' (skipped: systemd-analyze is not installed)'}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-unit-'));
    try {
      const copy = join(dir, 'digital-meter.service');
      writeFileSync(copy, text);
      const result = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' });
      // only complaints about this file count (the build machine may lack the user or the binary)
      const aboutUs = `${result.stdout}${result.stderr}`.split('\n').filter((l) => l.includes('digital-meter.service') && !/Failed to resolve|not found|executable/i.test(l));
      expect(aboutUs).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
