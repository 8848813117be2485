import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';

/** `digital-meter simulate-charger` as a user starts it: the NRGkick API with a car, on a port. */
const BIN = join(resolve(import.meta.dirname, '..', '..', '..'), 'bin', 'digital-meter.js');
const children: ReturnType<typeof spawn>[] = [];
afterEach(() => { for (const c of children.splice(0)) c.kill('SIGTERM'); });

describe('digital-meter simulate-charger', () => {
  it('serves /info and /values with Basic auth, the car plugged in', async () => {
    const child = spawn(process.execPath, [BIN, 'simulate-charger', '--port', '0', '--soc', '40', '--user', 'admin', '--password', 'secret'], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    let err = '';
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address within 30 s: ${err}`)), 30_000);
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(err);
        if (m) { clearTimeout(timer); resolveUrl(m[1]!); }
      });
    });
    const refused = await request(`${url}/values`);
    expect(refused.statusCode).toBe(401);
    await refused.body.text();
    const auth = { authorization: `Basic ${Buffer.from('admin:secret').toString('base64')}` };
    const values = await request(`${url}/values?general`, { headers: auth });
    expect(values.statusCode).toBe(200);
    expect(((await values.body.json()) as { general: { status: string } }).general.status).toBe('CONNECTED');
    const info = await request(`${url}/info`, { headers: auth });
    expect(((await info.body.json()) as { general: { rated_current: number } }).general.rated_current).toBe(16);
    // a command, printed with the time it arrived (reading /control changes nothing and is not printed)
    const before = Date.now();
    await (await request(`${url}/control`, { headers: auth })).body.text();
    await (await request(`${url}/control?charge_pause=1`, { headers: auth })).body.text();
    const deadline = Date.now() + 10_000;
    while (!/ control charge_pause=1\n/.test(err) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const lines = err.split('\n').filter((l) => l.includes(' control '));
    expect(lines).toHaveLength(1);
    const [time, , write] = lines[0]!.split(' ');
    expect(write).toBe('charge_pause=1');
    expect(Date.parse(time!)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(time!)).toBeLessThanOrEqual(Date.now());
  }, 60_000);
});
