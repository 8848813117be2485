import { createHash, timingSafeEqual } from 'node:crypto';
import { DASHBOARD, type Identity } from './access.js';

/**
 * Compare tokens in constant time: both are hashed first so neither their length nor their
 * first differing character shows in the timing.
 */
export function tokensMatch(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

/** A token other than the dashboard's: a viewer's or a satellite's (bus-tokens.json). */
export interface NamedToken {
  access: 'viewer' | 'satellite';
  name: string;
  token: string;
}

/**
 * The server's tokens: the dashboard token (the data directory's bus token) and the named
 * viewer and satellite tokens. Either changes on rotation or revocation; listeners (the server)
 * then drop every client whose token no longer identifies it.
 */
export class TokenHolder {
  private readonly listeners = new Set<(token: string) => void>();
  private named: readonly NamedToken[];

  constructor(private token: string, named: readonly NamedToken[] = []) {
    this.named = named;
  }

  /** the dashboard token */
  get(): string {
    return this.token;
  }

  set(token: string): void {
    if (token === this.token) return;
    this.token = token;
    this.changed();
  }

  /** Replace the viewer and satellite tokens (a revoked one is gone from the list). */
  setNamed(named: readonly NamedToken[]): void {
    this.named = named;
    this.changed();
  }

  listNamed(): readonly NamedToken[] {
    return this.named;
  }

  /** Who holds `given`, or null. Every token is compared, in constant time each. */
  identify(given: string): Identity | null {
    let found: Identity | null = tokensMatch(given, this.token) ? DASHBOARD : null;
    for (const entry of this.named) {
      if (tokensMatch(given, entry.token) && !found) found = { access: entry.access, name: entry.name };
    }
    return found;
  }

  onChange(listener: (token: string) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  private changed(): void {
    for (const listener of this.listeners) listener(this.token);
  }
}
