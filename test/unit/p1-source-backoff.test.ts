import { describe, expect, it } from 'vitest';
import { Backoff } from '../../main/p1/sources/backoff.js';

describe('reconnect backoff', () => {
  it('doubles from 1 s and stays at 30 s', () => {
    const backoff = new Backoff();
    const delays = Array.from({ length: 8 }, () => backoff.next());
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('starts from 1 s again after a reset', () => {
    const backoff = new Backoff();
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.next()).toBe(1000);
  });

  it('takes other bounds', () => {
    const backoff = new Backoff({ initialMs: 50, maxMs: 120 });
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([50, 100, 120]);
  });
});
