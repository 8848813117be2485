import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { P1Reader } from '../../main/p1/reader.js';
import { createTcpSource } from '../../main/p1/sources/tcp.js';
import type { SourceStatus } from '../../main/p1/sources/types.js';
import { scaledTimers, waitFor } from '../support/scaled-timers.js';

/**
 * The TCP source against `digital-meter simulate --tcp`, the project's own P1 dongle stand-in
 * (a separate process), stopped and started again on the same port.
 */
const bin = resolve(import.meta.dirname, '../../bin/digital-meter.js');
let simulator: ChildProcess | null = null;
let reader: P1Reader | null = null;

/** Start the simulator serving 10 telegrams a second; resolves to the port it listens on. */
async function startSimulator(port: number): Promise<number> {
  const child = spawn(process.execPath, [bin, 'simulate', '--tcp', String(port), '--speed', '10', '--seed', '7', '--start', '2025-01-15T18:00'], { stdio: ['ignore', 'ignore', 'pipe'] });
  simulator = child;
  let stderr = '';
  return new Promise((resolvePort, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(stderr);
      if (match) resolvePort(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`simulate exited (${code}) before listening: ${stderr}`)));
  });
}

async function killSimulator(): Promise<void> {
  const child = simulator;
  simulator = null;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((done) => {
    child.once('exit', done);
    child.kill('SIGKILL'); // a dongle losing power says goodbye to nobody
  });
}

afterEach(async () => {
  await reader?.stop();
  await killSimulator();
});

describe('TCP source against digital-meter simulate --tcp', () => {
  it('reads the simulated meter, rides out a restart of the simulator and reads again', async () => {
    const port = await startSimulator(0);
    reader = new P1Reader(createTcpSource({ host: '127.0.0.1', port, timers: scaledTimers(5) }));
    const statuses: SourceStatus[] = [];
    reader.onStatus((s) => statuses.push(s));
    reader.start();
    await waitFor('simulated telegrams', () => reader!.counts().ok >= 5, 10_000);
    const firstTime = reader.latest()!.time!;
    // --start 2025-01-15T18:00 is Brussels time, UTC+1 in January
    expect(firstTime).toBeGreaterThanOrEqual(Date.UTC(2025, 0, 15, 17, 0, 0));

    await killSimulator();
    await waitFor('the loss to be noticed', () => reader!.status().reason === 'refused', 10_000);
    const okBefore = reader.counts().ok;

    await startSimulator(port);
    await waitFor('the reconnect', () => reader!.status().reason === 'reopened', 10_000);
    await waitFor('telegrams again', () => reader!.counts().ok >= okBefore + 5, 10_000);
    expect(statuses.map((s) => `${s.state}:${s.reason}`)).toEqual([
      'connecting:opening', 'open:opened', 'disconnected:connection-lost', 'error:refused', 'open:reopened',
    ]);
    // the restarted simulator begins its day again: same seed, same start
    expect(reader.latest()!.time!).toBeLessThan(firstTime + 60_000);
    expect(reader.counts().refusedBy['crc-mismatch']).toBe(0);
  });
});
