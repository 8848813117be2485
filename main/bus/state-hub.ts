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

  constructor(
    initial: BusState = emptyBusState(),
    private readonly onListenerError: (error: unknown) => void = () => {},
  ) {
    this.state = initial;
  }

  /** Replace the given top-level parts; publish what changed (nothing when nothing did). */
  update(partial: Partial<BusState>): Delta | null {
    this.updates++;
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
