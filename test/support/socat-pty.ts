import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Debian's socat is what makes a pseudo-terminal pair; tests skip without it. */
export const haveSocat = spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;

/**
 * A serial cable made of a pseudo-terminal pair: the reader opens `meterPath` like
 * /dev/ttyUSB0; the test writes the meter's bytes into `writerPath`. Stopping socat removes
 * both ends, as pulling a USB cable removes /dev/ttyUSB0; starting it again is the replug.
 */
export class PtyCable {
  readonly meterPath: string;
  readonly writerPath: string;
  private socat: ChildProcess | null = null;
  private writerFd: number | null = null;

  constructor(dir: string) {
    this.meterPath = join(dir, 'meter');
    this.writerPath = join(dir, 'writer');
  }

  async plugIn(): Promise<void> {
    if (this.socat) throw new Error('socat already running');
    this.socat = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${this.meterPath}`, `pty,raw,echo=0,link=${this.writerPath}`], { stdio: 'ignore' });
    const deadline = Date.now() + 5000;
    while (!(existsSync(this.meterPath) && existsSync(this.writerPath))) {
      if (Date.now() > deadline) throw new Error('socat did not create the pty pair within 5 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    this.writerFd = openSync(this.writerPath, 'w');
  }

  write(bytes: string | Uint8Array): void {
    if (this.writerFd === null) throw new Error('the pty cable is not plugged in');
    const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
    let written = 0;
    while (written < buffer.length) written += writeSync(this.writerFd, buffer, written, buffer.length - written);
  }

  async pullOut(): Promise<void> {
    if (this.writerFd !== null) closeSync(this.writerFd);
    this.writerFd = null;
    const socat = this.socat;
    this.socat = null;
    if (!socat || socat.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      socat.once('exit', () => resolve());
      socat.kill('SIGTERM');
    });
  }
}
