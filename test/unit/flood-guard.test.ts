/**
 * FloodGuard's bookkeeping with literal times: the guessing allowance per address, the pool
 * that evicts the busiest address's oldest connection, and one log line per episode.
 */
import { describe, expect, it } from 'vitest';
import { FloodGuard } from '../../main/bus/flood-guard.js';
import { captureLog } from '../support/capture-log.js';

describe('FloodGuard', () => {
  it('allows the burst, then the rate, per address', () => {
    const guard = new FloodGuard<string>(captureLog().log, { guessBurst: 3, guessesPerSecond: 2 });
    const tries: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      const allowed = guard.mayGuess('10.0.0.9', 0);
      tries.push(allowed);
      guard.wrongGuess('10.0.0.9', 0, 'wrong token');
    }
    expect(tries).toEqual([true, true, true, false, false]);
    expect(guard.mayGuess('10.0.0.8', 0)).toBe(true);
    // 2 per second: 500 ms gives one try back
    expect(guard.mayGuess('10.0.0.9', 499)).toBe(false);
    expect(guard.mayGuess('10.0.0.9', 500)).toBe(true);
  });

  it('logs an episode once when it starts and once, with the count, when it ends', () => {
    const { log, lines } = captureLog();
    const guard = new FloodGuard<string>(log, { quietMs: 60_000 });
    for (let t = 0; t < 7; t++) guard.wrongGuess('10.0.0.9', t * 1000, 'wrong token');
    guard.sweep(60_000); // the last one was at 6 s: not quiet for a minute yet
    expect(lines.map((l) => l.msg)).toEqual(['bus clients refused: wrong or missing token (logged once per address while it goes on)']);
    guard.sweep(66_000);
    expect(lines.map((l) => [l.msg, l.remote, l.refused])).toEqual([
      ['bus clients refused: wrong or missing token (logged once per address while it goes on)', '10.0.0.9', 1],
      ['wrong tokens from an address stopped', '10.0.0.9', 7],
    ]);
  });

  it('a full pool evicts the oldest connection of the address holding the most', () => {
    const guard = new FloodGuard<string>(captureLog().log, { maxPending: 3 });
    expect(guard.admit('a', 'a1', 0)).toBeNull();
    expect(guard.admit('b', 'b1', 0)).toBeNull();
    expect(guard.admit('a', 'a2', 0)).toBeNull();
    expect(guard.admit('c', 'c1', 0)).toBe('a1');
    // now a, b and c hold one each: the first of them (a) gives way
    expect(guard.admit('c', 'c2', 0)).toBe('a2');
    expect(guard.pendingConnections).toBe(3);
    guard.release('b', 'b1');
    expect(guard.admit('d', 'd1', 0)).toBeNull();
  });
});
