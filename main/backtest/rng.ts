import { Prng } from '../p1/simulator/prng.js';

/**
 * The backtest's seeded generator: the P1 simulator's mulberry32 (one algorithm, so the same seed
 * gives the same household, weather, prices and trips on every machine, and two runs the same
 * JSON), with the draws the household generators use. Each input stream gets its own generator
 * from (seed, stream name, day) so that one stream's draws never shift another's.
 */
export class Rng extends Prng {
  between(lo: number, hi: number): number {
    return this.range(lo, hi);
  }

  /** standard normal (Box-Muller) */
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

/** A generator for one stream: FNV-1a of the name mixed with the seed and an index. */
export function streamRng(seed: number, name: string, index = 0): Rng {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (seed >>> 0), 0x01000193);
  h = Math.imul(h ^ (index >>> 0), 0x01000193);
  const r = new Rng(h);
  r.next();
  return r;
}
