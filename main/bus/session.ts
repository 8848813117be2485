import type { Logger } from 'pino';
import { pathsOverlap, valueAtPath } from '../../shared/bus/delta.js';
import {
  CLOSE, PROTOCOL_VERSION, clientMessageSchema, helloSchema,
  type BusErrorCode, type BusRole, type Delta, type Demand, type DeviceState, type Withdraw,
} from '../../shared/bus/protocol.js';
import type { TokenHolder } from './auth.js';
import { describeIdentity, type Identity } from './access.js';
import type { CommandOutcome, CommandRegistry } from './commands.js';
import type { Door } from '../site/demand-book.js';
import type { SatelliteDoors } from '../site/satellite-doors.js';
import type { StateHub } from './state-hub.js';
import { TokenBucket } from './rate-limit.js';
import { TERMINAL_HELP, formatValue, parseTerminalLine } from './terminal.js';
import { describeZodIssues } from '../config/errors.js';

/** What a session needs of its socket; the server adapts a ws WebSocket to it. */
export interface Transport {
  /** a Buffer is sent as a text frame too (UTF-8 JSON encoded once for all clients) */
  send(text: string | Buffer): void;
  close(code: number, reason: string): void;
  readonly bufferedAmount: number;
}

export interface SessionLimits {
  /** bytes waiting in the socket beyond which the client is dropped as too slow */
  maxBufferedBytes: number;
  /** incoming messages: burst and sustained rate; beyond them each message is refused */
  burst: number;
  perSecond: number;
  /** refused messages after which the connection is closed */
  maxRefusals: number;
}

export interface SessionContext {
  hub: StateHub;
  commands: CommandRegistry;
  /** the site's door for satellites (their demands and grants) */
  site: SatelliteDoors;
  tokens: TokenHolder;
  limits: SessionLimits;
  now: () => number;
  log: Logger;
  /** every proof or refusal of the token, so the server can log refusals once, not per attempt */
  onAuth: (outcome: 'accepted' | 'refused', reason: string) => void;
  /** false while this connection's address guesses too fast: the token is then not even compared */
  mayTryToken?: () => boolean;
  /** the peer's address, for the log of refusals */
  remote?: string;
}

type Mode = 'pending' | 'json' | 'terminal' | 'closed';

/**
 * One connection's conversation. The first message decides the mode: a JSON `hello` (programs)
 * or the text line `auth <token>` (people). Nothing but that is accepted before the token is
 * proven. Afterwards JSON clients get a snapshot then every delta; terminal clients get answers
 * and the values they watch.
 */
export class Session {
  private mode: Mode = 'pending';
  private readonly preauthorized: boolean;
  private role: BusRole = 'viewer';
  /** watched key -> the text last printed for it */
  private readonly watches = new Map<string, string>();
  private readonly bucket: TokenBucket;
  private refusals = 0;
  /** the satellite's name from its hello: its identity at the site */
  private name: string | null = null;
  private door: Door | null = null;
  /** who proved the token; the token itself is kept to notice its revocation */
  private identity: Identity | null = null;
  private provenToken: string | null = null;
  /** a refused command is logged once per connection, not once per attempt */
  private forbiddenLogged = false;
  /** it sent its devices' state (device-state) at least once */
  private reportedState = false;

  constructor(
    readonly id: string,
    private readonly transport: Transport,
    private readonly context: SessionContext,
    /** the upgrade request carried `Authorization: Bearer <a token>`: the identity it proved */
    private readonly bearer: { token: string; identity: Identity } | null = null,
  ) {
    this.preauthorized = bearer !== null;
    this.bucket = new TokenBucket(context.limits.burst, context.limits.perSecond, context.now());
  }

  /** the token is proven: by a hello or auth line, or by the upgrade's Bearer header from the start */
  get authenticated(): boolean {
    return this.mode === 'json' || this.mode === 'terminal' || (this.mode === 'pending' && this.preauthorized);
  }

  get receivesDeltas(): boolean {
    return this.mode === 'json';
  }

  get clientRole(): BusRole {
    return this.role;
  }

  /** who this connection is, from its token (null before it proved one) */
  get who(): Identity | null {
    return this.identity ?? this.bearer?.identity ?? null;
  }

  /** false once its token was rotated away or revoked: the server then drops it at once */
  stillTrusted(): boolean {
    const token = this.provenToken ?? this.bearer?.token;
    if (!token) return true;
    const now = this.context.tokens.identify(token);
    const was = this.who;
    return now !== null && was !== null && now.access === was.access && now.name === was.name;
  }

  receive(data: Buffer | string, isBinary: boolean): void {
    if (this.mode === 'closed') return;
    if (!this.bucket.take(this.context.now())) {
      this.refuse('rate-limited', `more than ${this.context.limits.perSecond} messages per second; slow down`);
      return;
    }
    if (isBinary) {
      this.refuse('bad-message', 'binary frames are not understood; send JSON or text lines');
      return;
    }
    const text = typeof data === 'string' ? data : data.toString('utf8');
    if (this.mode === 'pending') this.first(text);
    else if (this.mode === 'json') this.json(text);
    else this.terminalLines(text.split(/\r?\n/));
  }

  /** Called by the server for every delta, with the delta serialised once for all sessions. */
  deliver(delta: Delta, serialised: Buffer): void {
    if (this.mode === 'json') this.send(serialised);
    else if (this.mode === 'terminal' && this.watches.size) {
      const state = this.context.hub.current;
      const changed = [...Object.keys(delta.set), ...(delta.unset ?? [])];
      for (const [key, shown] of this.watches) {
        if (!changed.some((path) => pathsOverlap(path, key))) continue;
        // a change next to the watched value (another counter) does not print it again
        const text = formatValue(key, valueAtPath(state, key));
        if (text !== shown) {
          this.watches.set(key, text);
          this.send(text);
        }
      }
    }
  }

  get closed(): boolean {
    return this.mode === 'closed';
  }

  close(code: number, reason: string): void {
    if (this.mode === 'closed') return;
    this.mode = 'closed';
    this.door?.close();
    this.stateEnded();
    this.transport.close(code, reason);
  }

  /** The connection ended from the other side. */
  ended(): void {
    this.mode = 'closed';
    this.door?.close();
    this.stateEnded();
  }

  /** its devices' state at the meter goes offline with the connection that reported it */
  private stateEnded(): void {
    if (this.reportedState && this.name !== null) this.context.site.stateEnded?.(this.name, this);
  }

  private first(text: string): void {
    if (!this.preauthorized && this.context.mayTryToken && !this.context.mayTryToken()) {
      const asJson = text.trimStart().startsWith('{');
      return this.reject(CLOSE.rateLimited, 'rate-limited', 'too many wrong tokens from this address; try again in a few seconds', asJson);
    }
    if (text.trimStart().startsWith('{')) {
      let message: unknown;
      try {
        message = JSON.parse(text);
      } catch {
        return this.reject(CLOSE.unauthorized, 'bad-json', 'not valid JSON; the first message must be a hello', true);
      }
      // the Bearer header already proved the token: the hello need not repeat it
      if (this.bearer && isTokenlessHello(message)) message = { ...message, token: this.bearer.token };
      const hello = helloSchema.safeParse(message);
      if (!hello.success) return this.reject(CLOSE.unauthorized, 'unauthorized', 'the first message must be {"type":"hello","protocol":1,"role":...,"token":...}', true);
      if (hello.data.protocol !== PROTOCOL_VERSION) {
        return this.reject(CLOSE.protocol, 'protocol', `protocol ${hello.data.protocol} is not spoken here; this meter speaks protocol ${PROTOCOL_VERSION}`, true);
      }
      const identity = this.context.tokens.identify(hello.data.token);
      if (!identity) return this.reject(CLOSE.unauthorized, 'unauthorized', 'wrong token', true);
      if (hello.data.role === 'meter') return this.reject(CLOSE.protocol, 'forbidden', 'a client cannot take the meter role', true);
      // a satellite's name is the one its token was made for: it cannot speak for another satellite
      if (identity.access === 'satellite' && hello.data.name !== undefined && hello.data.name !== identity.name) {
        return this.reject(CLOSE.protocol, 'forbidden', `this token belongs to satellite '${identity.name}', not '${hello.data.name.slice(0, 48)}'; set bus.meter.name to '${identity.name}' or make a token for this name`, true);
      }
      this.identity = identity;
      this.provenToken = hello.data.token;
      this.role = hello.data.role;
      this.name = identity.access === 'satellite' ? identity.name : null;
      // Snapshot first, then deltas: logging the connection may itself change the state (the
      // dashboard's log panel), and that delta must not reach this client before its snapshot.
      const { seq, state } = this.context.hub.snapshot();
      this.send(JSON.stringify({ type: 'snapshot', protocol: PROTOCOL_VERSION, seq, state }));
      this.mode = 'json';
      this.context.onAuth('accepted', 'hello');
      // a satellite coming is news; a browser opening the dashboard is not (one line per page load)
      this.context.log[this.role === 'viewer' ? 'debug' : 'info']({ client: this.id, who: describeIdentity(identity), role: this.role, name: hello.data.name }, 'bus client connected');
      return;
    }
    const lines = text.split(/\r?\n/);
    const line = parseTerminalLine(lines[0]!);
    if (line.kind === 'auth') {
      const identity = this.context.tokens.identify(line.token);
      if (!identity) return this.reject(CLOSE.unauthorized, 'unauthorized', 'wrong token', false);
      this.identity = identity;
      this.provenToken = line.token;
      this.mode = 'terminal';
      this.context.onAuth('accepted', 'auth line');
      this.context.log.info({ client: this.id }, 'bus terminal connected');
      this.send('ok: authenticated; type help');
    } else if (this.preauthorized) {
      this.mode = 'terminal';
      this.context.onAuth('accepted', 'bearer header');
      this.terminal(lines[0]!);
    } else {
      return this.reject(CLOSE.unauthorized, 'unauthorized', 'the first line must be: auth <token>', false);
    }
    this.terminalLines(lines.slice(1), false);
  }

  /**
   * Each line of a text frame is a command and pays like a message (the frame itself paid for
   * its first line, unless `firstPaid` is false): 64 KB of `state` lines must not be answered
   * thousands of times at once. Lines beyond the limit are dropped with one error and count as
   * refused.
   */
  private terminalLines(lines: string[], firstPaid = true): void {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (this.mode !== 'terminal') return;
      if ((i > 0 || !firstPaid) && line.trim() !== '' && !this.bucket.take(this.context.now())) {
        const dropped = lines.slice(i).filter((l) => l.trim() !== '').length;
        this.send(`error: more than ${this.context.limits.perSecond} lines per second; ${dropped} lines of this message were dropped; slow down`);
        this.countRefusal(dropped);
        return;
      }
      this.terminal(line);
    }
  }

  private json(text: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      return this.refuse('bad-json', `not valid JSON: ${(error as Error).message.slice(0, 120)}`);
    }
    const parsed = clientMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const id = typeof (raw as { id?: unknown })?.id === 'string' ? ((raw as { id: string }).id.slice(0, 64)) : undefined;
      const problems = describeZodIssues(parsed.error, 'message', 3);
      return this.refuse('bad-message', `not a bus message: ${problems.join('; ')}`, id);
    }
    const message = parsed.data;
    if (message.type === 'hello') return this.refuse('protocol', 'already authenticated; hello is only the first message');
    if (message.type === 'demand' || message.type === 'withdraw') return this.siteMessage(message);
    if (message.type === 'device-state') return this.deviceState(message);
    const id = message.id;
    const answer = (outcome: CommandOutcome) => {
      if (!outcome.ok && outcome.error.code === 'forbidden') this.logForbidden(outcome.error.message);
      this.send(JSON.stringify(outcome.ok
        ? { type: 'result', id, ok: true, value: outcome.value }
        : { type: 'result', id, ok: false, error: outcome.error }));
      // a command that could not even be run counts against the client like any refused message
      if (!outcome.ok && outcome.error.code !== 'internal') this.countRefusal();
    };
    const outcome = this.context.commands.execute(message.name, message.args, { identity: this.who!, via: 'websocket' });
    if (outcome instanceof Promise) void outcome.then(answer);
    else answer(outcome);
  }

  /** A satellite's demand or withdrawal, through its door onto the site's demand book. */
  private siteMessage(message: Demand | Withdraw): void {
    const who = this.who!;
    if (who.access !== 'satellite') return this.refuse('forbidden', `${describeIdentity(who)} cannot file demands: only a satellite token can (digital-meter token --satellite NAME)`, message.id);
    if (message.type === 'withdraw') {
      this.door?.withdraw(message.device);
      return;
    }
    if (!this.door) {
      if (this.name === null) return this.refuse('bad-message', 'a satellite files demands under its name: send "name" in the hello', message.id);
      const door = this.context.site.open(this.name, (grant) => {
        if (this.mode === 'json') this.send(JSON.stringify({ type: 'grant', grant }));
      });
      if ('refused' in door) return this.refuse('forbidden', door.refused, message.id);
      this.door = door;
      this.context.log.info({ client: this.id, satellite: this.name }, 'satellite files demands');
    }
    const outcome = this.door.file(message.demand);
    // another satellite's device is not this one's to command
    if (!outcome.ok) this.refuse(/already filed by/.test(outcome.message) ? 'forbidden' : 'bad-message', outcome.message, message.id);
  }

  /**
   * A satellite's devices' state, for the meter to show and plan with. The same rule as for
   * demands: a satellite token only, under its name, and only devices no one else holds.
   */
  private deviceState(message: DeviceState): void {
    const who = this.who!;
    if (who.access !== 'satellite') return this.refuse('forbidden', `${describeIdentity(who)} cannot report device state: only a satellite token can (digital-meter token --satellite NAME)`);
    if (this.name === null) return this.refuse('bad-message', 'a satellite reports device state under its name: send "name" in the hello');
    const site = this.context.site;
    if (!site.reportState) return this.refuse('bad-message', 'this meter does not take satellites\' device state');
    const section = { ...(message.ev !== undefined ? { ev: message.ev } : {}), ...(message.battery !== undefined ? { battery: message.battery } : {}) };
    const outcome = site.reportState(this.name, this, section);
    if (!outcome.ok) return this.refuse('forbidden', outcome.message);
    this.reportedState = true;
  }

  private terminal(lineText: string): void {
    const line = parseTerminalLine(lineText);
    const hub = this.context.hub;
    switch (line.kind) {
      case 'empty': return;
      case 'auth': return this.send('error: already authenticated');
      case 'help': return this.send(TERMINAL_HELP);
      case 'state': return this.send(formatValue('state', hub.current));
      case 'get': return this.send(formatValue(line.key, valueAtPath(hub.current, line.key)));
      case 'watch':
        if (this.watches.size >= 32 && !this.watches.has(line.key)) return this.send('error: at most 32 watches');
        {
          const text = formatValue(line.key, valueAtPath(hub.current, line.key));
          this.watches.set(line.key, text);
          return this.send(text);
        }
      case 'unwatch':
        this.watches.delete(line.key);
        return this.send(`ok: no longer watching ${line.key}`);
      case 'invalid': return this.refuse('bad-message', line.message);
    }
  }

  /** Answer a refused message with an error; past maxRefusals, close the connection. */
  private refuse(code: BusErrorCode, message: string, id?: string): void {
    if (code === 'forbidden') this.logForbidden(message);
    if (this.mode === 'terminal' || (this.mode === 'pending' && code === 'rate-limited')) this.send(`error: ${message}`);
    else this.send(JSON.stringify(id === undefined ? { type: 'error', code, message } : { type: 'error', code, message, id }));
    this.countRefusal();
  }

  private logForbidden(message: string): void {
    if (this.forbiddenLogged) return;
    this.forbiddenLogged = true;
    const who = this.who;
    this.context.log.warn({ client: this.id, who: who ? describeIdentity(who) : 'unknown', from: this.context.remote ?? 'unknown', reason: message }, 'bus: a command was forbidden (logged once per connection)');
  }

  private countRefusal(count = 1): void {
    this.refusals += count;
    if (this.refusals > this.context.limits.maxRefusals) this.close(CLOSE.rateLimited, 'too many refused messages');
  }

  /** Before authentication every failure ends the connection, after one error message. */
  private reject(closeCode: number, code: BusErrorCode, message: string, asJson: boolean): void {
    this.context.onAuth('refused', message);
    this.context.log.debug({ client: this.id, reason: message }, 'bus client refused');
    this.send(asJson ? JSON.stringify({ type: 'error', code, message }) : `error: ${message}`);
    this.close(closeCode, message.slice(0, 120));
  }

  private send(text: string | Buffer): void {
    if (this.mode === 'closed') return;
    if (this.transport.bufferedAmount > this.context.limits.maxBufferedBytes) {
      this.context.log.warn({ client: this.id, buffered: this.transport.bufferedAmount }, 'bus client too slow; dropped');
      this.close(CLOSE.slowConsumer, 'too slow: send queue full');
      return;
    }
    this.transport.send(text);
  }
}

function isTokenlessHello(message: unknown): message is Record<string, unknown> {
  return typeof message === 'object' && message !== null && !Array.isArray(message)
    && (message as Record<string, unknown>).type === 'hello' && !Object.prototype.hasOwnProperty.call(message, 'token');
}
