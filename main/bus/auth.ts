import { createHash, timingSafeEqual } from 'node:crypto';

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

/**
 * The server's current token. It changes on rotation; listeners (the server) then disconnect
 * every client that authenticated with the old one.
 */
export class TokenHolder {
  private readonly listeners = new Set<(token: string) => void>();

  constructor(private token: string) {}

  get(): string {
    return this.token;
  }

  set(token: string): void {
    if (token === this.token) return;
    this.token = token;
    for (const listener of this.listeners) listener(token);
  }

  onChange(listener: (token: string) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }
}
