/**
 * Order at stop: SIGTERM to `serve` with a device attached (the test device until the EV and
 * battery simulators land) -> the device's last command (its safe state, logged by the device)
 * comes before the bus closes, which comes before the store commits, and the process exits 0.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BusClient } from '../../main/bus/client.js';
import type { BusState } from '../../shared/state.js';
import { startServe } from '../support/serve-process.js';
import { eventually } from '../support/ws-probe.js';

const dir = mkdtempSync(join(tmpdir(), 'dm-stop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('serve stops in order', () => {
  it('SIGTERM: the device reaches its safe state, then the bus closes, then the store commits', async () => {
    writeFileSync(join(dir, 'meter.json'), JSON.stringify({
      roles: ['meter'], dataDir: 'data', log: { level: 'info', file: false }, p1: { type: 'simulator' },
      site: { fuse: { grid: '3x400', phases: 3, amps: 25 }, testDevices: [{ id: 'testload', maxKw: 2, minRunKw: 1, class: 'emergency' }] },
    }));
    const serve = await startServe(['--config', join(dir, 'meter.json'), '--port', '0']);
    const viewer = new BusClient({ url: serve.origin.replace('http://', 'ws://') + '/ws', token: serve.token, role: 'viewer' });
    let state: BusState | null = null;
    viewer.on('snapshot', (s) => { state = s; });
    viewer.on('delta', (_d, s) => { state = s; });
    viewer.start();
    try {
      // the device draws its grant (an emergency class: at least its 1 kW minimum) before the stop
      await eventually(() => (state?.site?.devices.find((d) => d.device === 'testload')?.measuredKw ?? 0) >= 1, 'testload drawing', 30_000);
    } finally {
      await viewer.close();
    }
    const code = await serve.stop();
    expect(code).toBe(0);
    const lines = serve.stderr().split('\n');
    const at = (text: string) => lines.findIndex((l) => l.includes(text));
    const safe = at('test device: safe state');
    const busClosed = at('bus closed');
    const committed = at('stopped; everything committed');
    expect(safe).toBeGreaterThan(-1);
    expect(lines[safe]).toContain('testload');
    expect(busClosed).toBeGreaterThan(safe);
    expect(committed).toBeGreaterThan(busClosed);
  }, 90_000);
});
