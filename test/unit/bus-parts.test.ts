import { describe, expect, it } from 'vitest';
import { backoffDelay, LINK_BACKOFF } from '../../main/bus/backoff.js';
import { TokenBucket } from '../../main/bus/rate-limit.js';
import { parseTerminalLine, formatValue } from '../../main/bus/terminal.js';
import { CommandRegistry, registerStateCommands } from '../../main/bus/commands.js';
import { StateHub } from '../../main/bus/state-hub.js';
import { bearerToken, tokensMatch } from '../../main/bus/auth.js';

describe('backoff', () => {
  const options = { initialMs: 500, maxMs: 15_000, factor: 2, jitter: 0.5 };

  it('doubles up to the cap, without jitter at random() = 0', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((a) => backoffDelay(a, options, () => 0))).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
  });

  it('shortens by up to half with full jitter', () => {
    expect(backoffDelay(2, options, () => 1)).toBe(1000);
    expect(backoffDelay(2, options, () => 0.5)).toBe(1500);
  });

  it('over a 30 s outage, retries about every 15 s at most and returns within one cap of the server coming back', () => {
    // a satellite losing the server at t=0; the server is back at t=30 s
    let t = 0;
    const attempts: number[] = [];
    for (let attempt = 0; t < 30_000; attempt++) {
      t += backoffDelay(attempt, options, () => 0);
      attempts.push(t);
    }
    expect(attempts).toEqual([500, 1500, 3500, 7500, 15500, 30500]);
  });

  it("a satellite's link to the meter (LINK_BACKOFF, the bus client's) finds a restarted meter within 3 s of it listening again", () => {
    // the meter down for any time from 1 s to 2 minutes (a kill and restart takes 4.5 s in the
    // killed-roles test); without jitter (random 0)
    // the attempts come at 0.5, 1.5, 3.5, 6.5, 9.5 s, ... (delays 0.5, 1, 2, 3, 3, ...): the first
    // attempt after the meter is back at 4.5 s is at 6.5 s, 2 s later; with full jitter each delay
    // is at most the same, so it is never later than 3 s
    for (const random of [() => 0, () => 1, () => 0.37]) {
      for (let downMs = 1_000; downMs <= 120_000; downMs += 250) {
        let t = 0;
        for (let attempt = 0; t < downMs; attempt++) t += backoffDelay(attempt, LINK_BACKOFF, random);
        expect(t - downMs, `down ${downMs} ms`).toBeLessThanOrEqual(3_000);
      }
    }
    let t = 0;
    const attempts: number[] = [];
    for (let attempt = 0; t < 4_500; attempt++) attempts.push(t += backoffDelay(attempt, LINK_BACKOFF, () => 0));
    expect(attempts).toEqual([500, 1500, 3500, 6500]);
  });
});

describe('TokenBucket', () => {
  it('allows a burst, then the sustained rate', () => {
    const bucket = new TokenBucket(3, 2, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.take(499)).toBe(false);
    expect(bucket.take(500)).toBe(true);
    expect(bucket.take(10_000)).toBe(true);
  });
});

describe('terminal lines', () => {
  it('understands the documented commands', () => {
    expect(parseTerminalLine('auth abc')).toEqual({ kind: 'auth', token: 'abc' });
    expect(parseTerminalLine('  HELP ')).toEqual({ kind: 'help' });
    expect(parseTerminalLine('state')).toEqual({ kind: 'state' });
    expect(parseTerminalLine('get meter.powerKw')).toEqual({ kind: 'get', key: 'meter.powerKw' });
    expect(parseTerminalLine('watch meter.time')).toEqual({ kind: 'watch', key: 'meter.time' });
    expect(parseTerminalLine('')).toEqual({ kind: 'empty' });
  });

  it('names what was wrong', () => {
    expect(parseTerminalLine('delete meter')).toEqual({ kind: 'invalid', message: "unknown command 'delete'; type help" });
    expect(parseTerminalLine('get')).toEqual({ kind: 'invalid', message: 'usage: get <key>, e.g. get meter.powerKw' });
    expect(parseTerminalLine('get ../etc')).toEqual({ kind: 'invalid', message: "'../etc' is not a key; keys look like meter.powerKw" });
  });

  it('prints values as indented JSON', () => {
    expect(formatValue('meter.powerKw', { import: 1.5, export: 0 })).toBe('meter.powerKw = {\n  "import": 1.5,\n  "export": 0\n}');
    expect(formatValue('nope', undefined)).toBe('nope: no such key');
  });
});

describe('commands', () => {
  it('validates arguments and names the field', async () => {
    const hub = new StateHub();
    hub.update({ costs: { todayEur: 2.5 } });
    const registry = registerStateCommands(new CommandRegistry(), hub);
    const ctx = { identity: { access: 'viewer' as const, name: 'test' }, via: 'websocket' as const };
    expect(await registry.execute('get', { key: 'costs.todayEur' }, ctx)).toEqual({ ok: true, value: 2.5 });
    expect(await registry.execute('get', { key: 7 }, ctx)).toEqual({ ok: false, error: { code: 'bad-arguments', message: "command 'get': key: Invalid input: expected string, received number" } });
    expect(await registry.execute('reboot', {}, ctx)).toEqual({ ok: false, error: { code: 'unknown-command', message: "unknown command 'reboot'; known: state, get" } });
    expect(await registry.execute('get', { key: 'meter.time' }, ctx)).toEqual({ ok: false, error: { code: 'internal', message: "command 'get' failed: no value at 'meter.time'" } });
  });
});

describe('token comparison', () => {
  it('matches only the same token and reads Bearer headers', () => {
    expect(tokensMatch('abcdefghijklmnop', 'abcdefghijklmnop')).toBe(true);
    expect(tokensMatch('abcdefghijklmno', 'abcdefghijklmnop')).toBe(false);
    expect(bearerToken('Bearer xyz')).toBe('xyz');
    expect(bearerToken('bearer  xyz ')).toBe('xyz');
    expect(bearerToken('Basic xyz')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});
