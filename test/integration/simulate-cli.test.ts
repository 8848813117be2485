/**
 * `digital-meter simulate` as a user runs it: stdout with --duration, the same bytes at any
 * speed, real-time pacing, option errors, and --tcp serving several clients like a P1 dongle.
 */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { TelegramDecoder } from '../../main/p1/decoder.js';
import type { Telegram } from '../../shared/p1/telegram.js';

const bin = resolve(import.meta.dirname, '../../bin/digital-meter.js');
const simulate = (args: string[]) => spawnSync(process.execPath, [bin, 'simulate', ...args], { maxBuffer: 256 << 20 });

function decodeAll(bytes: Uint8Array): { telegrams: Telegram[]; refused: number } {
  const telegrams: Telegram[] = [];
  let refused = 0;
  const decoder = new TelegramDecoder((r) => { if (r.ok) telegrams.push(r.telegram); else refused++; });
  decoder.feed(bytes);
  decoder.end();
  return { telegrams, refused };
}

describe('digital-meter simulate on stdout', () => {
  it('writes one valid telegram per simulated second for --duration, starting at --start (Brussels time)', () => {
    const result = simulate(['--seed', '3', '--start', '2025-01-15T18:00', '--speed', 'max', '--duration', '15m']);
    expect(result.status).toBe(0);
    const { telegrams, refused } = decodeAll(result.stdout);
    expect(refused).toBe(0);
    expect(telegrams).toHaveLength(900);
    expect(new Date(telegrams[0]!.time!).toISOString()).toBe('2025-01-15T17:00:00.000Z');
    expect(new Date(telegrams[899]!.time!).toISOString()).toBe('2025-01-15T17:14:59.000Z');
    expect(telegrams[0]!.version).toBe('50217');
    expect(telegrams[0]!.phases).toHaveLength(3); // default grid 3x400
  });

  it('gives the same bytes at any speed, and for the same instant written with or without an offset', () => {
    const fast = simulate(['--seed', '9', '--start', '2025-07-01T12:00', '--speed', 'max', '--duration', '40s']);
    const paced = simulate(['--seed', '9', '--start', '2025-07-01T12:00', '--speed', '20', '--duration', '40s']);
    const utc = simulate(['--seed', '9', '--start', '2025-07-01T10:00:00Z', '--speed', 'max', '--duration', '40s']);
    expect(fast.stdout.length).toBeGreaterThan(30_000);
    expect(paced.stdout.equals(fast.stdout)).toBe(true);
    expect(utc.stdout.equals(fast.stdout)).toBe(true);
    const other = simulate(['--seed', '10', '--start', '2025-07-01T12:00', '--speed', 'max', '--duration', '40s']);
    expect(other.stdout.equals(fast.stdout)).toBe(false);
  });

  it('paces in real time by default: telegrams a second apart, stamped with the current time', async () => {
    const child = spawn(process.execPath, [bin, 'simulate', '--duration', '3s', '--grid', '1x230']);
    const arrivals: number[] = [];
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => { arrivals.push(Date.now()); chunks.push(chunk); });
    const before = Date.now();
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    const { telegrams } = decodeAll(Buffer.concat(chunks));
    expect(telegrams).toHaveLength(3);
    expect(Math.abs(telegrams[0]!.time! - before)).toBeLessThan(3000);
    expect(telegrams[0]!.phases).toHaveLength(1);
    expect(arrivals[arrivals.length - 1]! - arrivals[0]!).toBeGreaterThan(1500); // three telegrams span two seconds
  });

  it('ends quietly when the reader closes the pipe', async () => {
    const child = spawn(process.execPath, [bin, 'simulate', '--speed', 'max']);
    await once(child.stdout, 'data');
    child.stdout.destroy();
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('refuses bad options with exit code 64 and a message naming the option', () => {
    const cases: [string[], RegExp][] = [
      [['--grid', '2x230'], /--grid 2x230: expected one of 1x230, 3x230, 3x400/],
      [['--duration', '5x'], /--duration 5x: expected a positive duration/],
      [['--start', '2025-02-30T10:00'], /--start 2025-02-30T10:00: not a valid date/],
      [['--speed', '0'], /--speed 0: expected a positive number/],
      [['--seed', 'abc'], /--seed abc: expected a whole number/],
    ];
    for (const [args, message] of cases) {
      const result = simulate(args);
      expect(result.status, args.join(' ')).toBe(64);
      expect(result.stderr.toString()).toMatch(message);
    }
  });
});

describe('digital-meter simulate --tcp', () => {
  it('serves every connected client the telegram stream, like a P1 dongle, and closes at the end', async () => {
    const child = spawn(process.execPath, [bin, 'simulate', '--tcp', '0', '--speed', '5', '--duration', '20s', '--start', '2025-01-15T08:00:00Z']);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const port = await new Promise<number>((resolvePort, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in: ${stderr}`)), 15_000);
      child.stderr.on('data', () => {
        const match = /listening on 127\.0\.0\.1:(\d+)/.exec(stderr);
        if (match) { clearTimeout(timer); resolvePort(Number(match[1])); }
      });
    });
    const receive = () => {
      const socket = connect(port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      return once(socket, 'close').then(() => decodeAll(Buffer.concat(chunks)));
    };
    const first = receive();
    const second = receive();
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    for (const { telegrams, refused } of [await first, await second]) {
      expect(refused).toBe(0);
      expect(telegrams.length).toBeGreaterThan(10);
      expect(new Date(telegrams[telegrams.length - 1]!.time!).toISOString()).toBe('2025-01-15T08:00:19.000Z');
    }
    expect(stderr).toMatch(/P1 client connected/);
  });

  it('says so when the port is taken, with exit code 69', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = simulate(['--tcp', String(port), '--duration', '2s']);
      expect(result.status).toBe(69);
      expect(result.stderr.toString()).toContain(`cannot listen on 127.0.0.1:${port}: the port is in use`);
    } finally {
      blocker.close();
    }
  });
});
