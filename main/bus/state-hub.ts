import { diffKeys, isEmptyChanges, applyChanges } from '../../shared/bus/delta.js';
import type { Delta } from '../../shared/bus/protocol.js';
import { emptyBusState, type BusState } from '../../shared/state.js';

export type DeltaListener = (delta: Delta) => void;

/**
 * Holds the one published state and turns each update into a numbered delta. `update` is the
 * meter loop's entry point (once per telegram): it is synchronous, does not allocate beyond
 * the delta, and never waits on a consumer: a listener only queues work (the websocket server
 * writes to sockets without waiting; a slow socket is dropped, not awaited), and a listener that
 * throws is reported and skipped, never allowed to stop the loop.
 */
export class StateHub {
  private state: BusState;
  private seq = 0;
  private updates = 0;
  private readonly listeners = new Set<DeltaListener>();
  /** keys whose published value is composed from what their owner writes (see `compose`) */
  private readonly composers = new Map<keyof BusState, { compose: (own: unknown) => unknown; own: unknown }>();

  constructor(
    initial: BusState = emptyBusState(),
    private readonly onListenerError: (error: unknown) => void = () => {},
  ) {
    this.state = initial;
  }

  /** Replace the given top-level parts; publish what changed (nothing when nothing did). */
  update(partial: Partial<BusState>): Delta | null {
    this.updates++;
    if (this.composers.size) partial = this.composed(partial);
    const keys = Object.keys(partial) as (keyof BusState)[];
    const next = { ...this.state, ...partial };
    const changes = diffKeys(this.state as unknown as Record<string, unknown>, next as unknown as Record<string, unknown>, keys);
    if (isEmptyChanges(changes)) return null;
    this.state = next;
    this.seq++;
    const delta: Delta = changes.unset.length
      ? { type: 'delta', seq: this.seq, set: changes.set, unset: changes.unset }
      : { type: 'delta', seq: this.seq, set: changes.set };
    for (const listener of this.listeners) {
      try {
        listener(delta);
      } catch (error) {
        this.onListenerError(error);
      }
    }
    return delta;
  }

  /**
   * Publish `key` as compose(what its owner last wrote) from now on: the meter's `ev` is its own
   * EV role's chargers with the satellites' beside them (main/site/satellite-state.ts). The owner
   * keeps writing its own part with `update`; `refresh` composes again when the other part
   * changed. One composer per key.
   */
  compose<K extends keyof BusState>(key: K, compose: (own: BusState[K] | undefined) => BusState[K] | undefined): { refresh(): void; stop(): void } {
    if (this.composers.has(key)) throw new Error(`state key ${key} is composed already`);
    const entry = { compose: compose as (own: unknown) => unknown, own: this.state[key] as unknown };
    this.composers.set(key, entry);
    const refresh = () => { if (this.composers.get(key) === entry) this.update({ [key]: entry.own } as Partial<BusState>); };
    refresh();
    return {
      refresh,
      stop: () => {
        if (this.composers.get(key) !== entry) return;
        this.composers.delete(key);
        this.update({ [key]: entry.own } as Partial<BusState>);
      },
    };
  }

  private composed(partial: Partial<BusState>): Partial<BusState> {
    let out = partial;
    for (const [key, entry] of this.composers) {
      if (!(key in partial)) continue;
      entry.own = partial[key];
      out = { ...out, [key]: entry.compose(entry.own) };
    }
    return out;
  }

  /** The current state and the seq of the last delta in it: what a new consumer starts from. */
  snapshot(): { seq: number; state: BusState } {
    return { seq: this.seq, state: this.state };
  }

  get current(): Readonly<BusState> {
    return this.state;
  }

  /** How many updates were offered (changed or not) and how many deltas were published. */
  get counts(): { updates: number; deltas: number } {
    return { updates: this.updates, deltas: this.seq };
  }

  subscribe(listener: DeltaListener): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }
}

/** A client's copy of the state: fold a delta in, or report a gap (a missed delta). */
export function foldDelta(state: BusState, seq: number, delta: Delta): { state: BusState; seq: number } | 'gap' {
  if (delta.seq !== seq + 1) return 'gap';
  return { state: applyChanges(state, delta), seq: delta.seq };
}
