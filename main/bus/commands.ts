import { z } from 'zod';
import { valueAtPath } from '../../shared/bus/delta.js';
import type { BusErrorCode } from '../../shared/bus/protocol.js';
import { describeIdentity, type Access, type Identity } from './access.js';
import { describeZodIssues } from '../config/errors.js';
import { commandNameSchema } from '../../shared/bus/protocol.js';
import type { StateHub } from './state-hub.js';

/**
 * Who asked, from the token they proved (never from a hello): commands that change something
 * are limited to the dashboard; MQTT commands run as `bus.mqtt.role` (default viewer).
 */
export interface CommandContext {
  identity: Identity;
  via: 'websocket' | 'terminal' | 'mqtt' | 'ipc';
}

/** The access of people who may change rates, modes and settings. */
export const CHANGES: readonly Access[] = ['dashboard'];

export interface CommandDefinition<A> {
  summary: string;
  /** validates the arguments; a failure answers bad-arguments naming the field */
  args: z.ZodType<A>;
  /** who may run it; default: every authenticated client (read-only commands) */
  access?: readonly Access[];
  run(args: A, context: CommandContext): unknown;
}

export type CommandOutcome =
  | { ok: true; value: unknown }
  | { ok: false; error: { code: BusErrorCode; message: string } };

/**
 * Thrown by a command's `run` when the arguments passed the schema but are still refused (a
 * rates document that fails the rates checks): the client gets `bad-arguments`, not `internal`.
 * The message goes to the client as it is, so it must not carry file paths.
 */
export class CommandArgumentError extends Error {
  override name = 'CommandArgumentError';
}

/**
 * The commands the bus accepts, each with a zod schema for its arguments: the websocket, the
 * terminal and the MQTT command topic all go through `execute`, so they are validated alike.
 * Later issues register EV and battery commands here.
 */
export class CommandRegistry {
  private readonly definitions = new Map<string, CommandDefinition<unknown>>();
  private readonly guards: Array<(name: string, args: unknown) => string | null> = [];

  register<A>(name: string, definition: CommandDefinition<A>): this {
    commandNameSchema.parse(name);
    if (this.definitions.has(name)) throw new Error(`command '${name}' is registered twice`);
    this.definitions.set(name, definition as CommandDefinition<unknown>);
    return this;
  }

  /**
   * A check before any command runs (registered or not): a message refuses it with
   * `bad-arguments`. The meter refuses commands for a satellite's devices this way, saying where
   * to give them, rather than running them on nothing or calling them unknown.
   */
  guard(check: (name: string, args: unknown) => string | null): this {
    this.guards.push(check);
    return this;
  }

  list(): { name: string; summary: string }[] {
    return [...this.definitions].map(([name, d]) => ({ name, summary: d.summary }));
  }

  /**
   * Validate and run. Synchronous commands answer synchronously, so a client's answers come in
   * the order it asked; a command returning a promise answers when it settles.
   */
  execute(name: string, rawArgs: unknown, context: CommandContext): CommandOutcome | Promise<CommandOutcome> {
    for (const check of this.guards) {
      const refused = check(name, rawArgs);
      if (refused !== null) return { ok: false, error: { code: 'bad-arguments', message: refused } };
    }
    const definition = this.definitions.get(name);
    if (!definition) {
      return { ok: false, error: { code: 'unknown-command', message: `unknown command '${name.slice(0, 64)}'; known: ${[...this.definitions.keys()].join(', ')}` } };
    }
    if (definition.access && !definition.access.includes(context.identity.access)) {
      return { ok: false, error: { code: 'forbidden', message: `command '${name}' is not allowed for ${describeIdentity(context.identity)} (it changes settings: the dashboard token only)` } };
    }
    const parsed = definition.args.safeParse(rawArgs ?? {});
    if (!parsed.success) {
      const problems = describeZodIssues(parsed.error, 'args');
      return { ok: false, error: { code: 'bad-arguments', message: `command '${name}': ${problems.join('; ')}` } };
    }
    const failed = (error: unknown): CommandOutcome => (error instanceof CommandArgumentError
      ? { ok: false, error: { code: 'bad-arguments', message: `command '${name}': ${error.message}` } }
      : { ok: false, error: { code: 'internal', message: `command '${name}' failed: ${(error as Error).message}` } });
    try {
      const value = definition.run(parsed.data, context);
      if (value instanceof Promise) return value.then((v): CommandOutcome => ({ ok: true, value: v }), failed);
      return { ok: true, value };
    } catch (error) {
      return failed(error);
    }
  }
}

export const stateKeySchema = z.string().min(1).max(200).regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, 'a dotted path such as meter.powerKw');

/** The read-only commands every bus has: the whole state, or one value by dotted path. */
export function registerStateCommands(registry: CommandRegistry, hub: StateHub): CommandRegistry {
  registry.register('state', {
    summary: 'the whole state',
    args: z.object({}).strict(),
    run: () => hub.snapshot(),
  });
  registry.register('get', {
    summary: 'one value by dotted path, e.g. meter.powerKw',
    args: z.object({ key: stateKeySchema }).strict(),
    run: ({ key }) => {
      const value = valueAtPath(hub.current, key);
      if (value === undefined) throw new Error(`no value at '${key}'`);
      return value;
    },
  });
  return registry;
}
