import type { Logger } from 'pino';
import { TokenBucket } from './rate-limit.js';

/**
 * What the bus does about whoever does not hold the token, per source address:
 *
 * - wrong tokens: a bucket per address (`guessBurst` at once, then `guessesPerSecond`); a try
 *   while it is empty is refused without comparing the token, so guessing runs at that rate at
 *   most, and a client that holds the token is never charged;
 * - floods: unauthenticated connections live in their own pool (`maxPending`), apart from the
 *   clients that proved the token; when it is full the newest connection takes the place of the
 *   oldest one of the address holding the most, so a flood only ever evicts its own connections
 *   and a client that sends its hello at once still gets in.
 *
 * Both are logged once per address when they start (with the address and a count) and once
 * when they end (the total), never per attempt. Pure except for the logger; the clock is passed in.
 */
export interface FloodLimits {
  /** unauthenticated connections held at once, every address together */
  maxPending: number;
  guessBurst: number;
  guessesPerSecond: number;
  /** an episode (flood, guessing) from an address ends after this long without a refusal */
  quietMs: number;
}

export const DEFAULT_FLOOD_LIMITS: FloodLimits = { maxPending: 128, guessBurst: 10, guessesPerSecond: 2, quietMs: 60_000 };

type Kind = 'wrong-token' | 'flood';

interface Episode {
  kind: Kind;
  remote: string;
  count: number;
  first: number;
  last: number;
}

const STARTED: Record<Kind, string> = {
  'wrong-token': 'bus clients refused: wrong or missing token (logged once per address while it goes on)',
  flood: 'refusing a flood of unauthenticated bus connections (logged once per address while it goes on)',
};
const ENDED: Record<Kind, string> = {
  'wrong-token': 'wrong tokens from an address stopped',
  flood: 'the flood of unauthenticated bus connections stopped',
};

export class FloodGuard<Connection> {
  readonly limits: FloodLimits;
  /** pending connections by address, oldest first */
  private readonly pending = new Map<string, Connection[]>();
  private pendingCount = 0;
  private readonly buckets = new Map<string, { bucket: TokenBucket; last: number }>();
  private readonly episodes = new Map<string, Episode>();

  constructor(
    private readonly log: Logger,
    limits: Partial<FloodLimits> = {},
  ) {
    this.limits = { ...DEFAULT_FLOOD_LIMITS, ...limits };
  }

  get pendingConnections(): number {
    return this.pendingCount;
  }

  /**
   * Hold a new unauthenticated connection. Returns the connection to drop to make room (the
   * oldest of the address holding the most), or null when there is room.
   */
  admit(remote: string, connection: Connection, now: number): Connection | null {
    let evicted: Connection | null = null;
    if (this.pendingCount >= this.limits.maxPending) {
      let busiest: string | null = null;
      for (const [address, list] of this.pending) if (busiest === null || list.length > this.pending.get(busiest)!.length) busiest = address;
      if (busiest !== null) {
        evicted = this.pending.get(busiest)![0]!;
        this.release(busiest, evicted);
        this.refused('flood', busiest, now, { pending: this.limits.maxPending });
      }
    }
    const list = this.pending.get(remote) ?? [];
    list.push(connection);
    this.pending.set(remote, list);
    this.pendingCount++;
    return evicted;
  }

  /** The connection proved the token, or ended: it no longer counts as pending. */
  release(remote: string, connection: Connection): void {
    const list = this.pending.get(remote);
    const at = list?.indexOf(connection) ?? -1;
    if (!list || at < 0) return;
    list.splice(at, 1);
    this.pendingCount--;
    if (list.length === 0) this.pending.delete(remote);
  }

  /** May this address try a token now? (False: refuse it without comparing.) */
  mayGuess(remote: string, now: number): boolean {
    const entry = this.buckets.get(remote);
    return entry === undefined || entry.bucket.available(now) >= 1;
  }

  /** A wrong (or missing) token from `remote`, or a try refused because it guesses too fast. */
  wrongGuess(remote: string, now: number, reason: string): void {
    let entry = this.buckets.get(remote);
    if (!entry) {
      entry = { bucket: new TokenBucket(this.limits.guessBurst, this.limits.guessesPerSecond, now), last: now };
      this.buckets.set(remote, entry);
    }
    entry.bucket.take(now);
    entry.last = now;
    this.refused('wrong-token', remote, now, { reason });
  }

  /** A client from `remote` proved the token: its address's wrong-token episode ends here. */
  accepted(remote: string, via: string): void {
    const key = episodeKey('wrong-token', remote);
    const episode = this.episodes.get(key);
    if (!episode) return;
    this.episodes.delete(key);
    this.log.info({ remote, refused: episode.count, via }, 'a bus client proved the token again');
  }

  /** Log the end of quiet episodes and forget idle addresses (the server calls it with its ping). */
  sweep(now: number): void {
    for (const [key, episode] of this.episodes) {
      if (now - episode.last < this.limits.quietMs) continue;
      this.episodes.delete(key);
      this.log.info({ remote: episode.remote, refused: episode.count, seconds: Math.round((episode.last - episode.first) / 1000) }, ENDED[episode.kind]);
    }
    // a full bucket is the same as none
    const refill = (this.limits.guessBurst / this.limits.guessesPerSecond) * 1000;
    for (const [remote, entry] of this.buckets) if (now - entry.last > refill) this.buckets.delete(remote);
  }

  private refused(kind: Kind, remote: string, now: number, details: object): void {
    const key = episodeKey(kind, remote);
    const episode = this.episodes.get(key);
    if (episode) {
      episode.count++;
      episode.last = now;
      return;
    }
    this.episodes.set(key, { kind, remote, count: 1, first: now, last: now });
    this.log.warn({ ...details, remote, refused: 1 }, STARTED[kind]);
  }
}

function episodeKey(kind: Kind, remote: string): string {
  return `${kind} ${remote}`;
}
