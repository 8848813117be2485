/**
 * A small seeded random generator (mulberry32): the same seed gives the same household, weather,
 * prices and trips on every machine, so two runs give the same JSON. Each input stream gets its
 * own generator from (seed, stream name, day) so that one stream's draws never shift another's.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** uniform in [0, 1) */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  chance(p: number): boolean {
    return this.next() < p;
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
