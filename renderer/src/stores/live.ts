import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { applyChanges } from '../../../shared/bus/delta.js';
import type { Delta, Snapshot } from '../../../shared/bus/protocol.js';
import type { ConnectionStatus, StateClient, CommandAnswer } from '../../../shared/client/state-client.js';
import type { CostsState, DashboardState, PowerSample } from '../../../shared/dashboard/state.js';
import type { BusState } from '../../../shared/state.js';

/** Nothing known yet (shared/state.ts's emptyBusState, without loading its zod schemas). */
const emptyBusState = (): BusState => ({ meter: null, quarter: null, costs: null, sources: {} });

/** Data older than this (by this machine's clock) is shown greyed with its age. */
export const STALE_AFTER_MS = 10_000;
const MAX_SAMPLES = 1000;
const SPAN_MS = 900_000;

/**
 * The core's state as this page knows it: the snapshot with every delta folded in (each delta
 * gives new objects for what changed, so `shallowRef` is enough to re-render), the live power
 * samples, the connection, and a clock tick for ages. Only top-level views read this store.
 */
export const useLiveStore = defineStore('live', () => {
  const state = shallowRef<BusState>(emptyBusState());
  const seq = ref(0);
  const status = ref<ConnectionStatus>('connecting');
  const statusDetail = ref<string | null>(null);
  /** this machine's time when the latest telegram arrived */
  const receivedAt = ref<number | null>(null);
  const now = ref(Date.now());
  const samples = shallowRef<PowerSample[]>([]);
  /** counts telegrams seen by this page (tests and the benchmark read it) */
  const telegrams = ref(0);
  let client: StateClient | null = null;

  const meter = computed(() => state.value.meter);
  const quarter = computed(() => state.value.quarter);
  const costs = computed(() => state.value.costs as CostsState | null);
  const dashboard = computed(() => (state.value.dashboard ?? null) as DashboardState | null);
  const ageMs = computed(() => (receivedAt.value === null ? null : Math.max(0, now.value - receivedAt.value)));
  const stale = computed(() => status.value !== 'live' || ageMs.value === null || ageMs.value > STALE_AFTER_MS);

  function addSample(s: BusState): void {
    const m = s.meter;
    if (!m || m.time === null || !m.powerKw) return;
    const sample: PowerSample = {
      time: m.time, importKw: m.powerKw.import ?? 0, exportKw: m.powerKw.export ?? 0,
      phasesKw: m.phases.map((p) => (p.importKw ?? 0) - (p.exportKw ?? 0)),
    };
    const list = samples.value;
    const from = list.length >= MAX_SAMPLES ? 1 : 0;
    const kept = list[from] && list[from].time < m.time - SPAN_MS ? list.filter((x) => x.time > m.time! - SPAN_MS) : list.slice(from);
    samples.value = [...kept, sample];
  }

  function onMessage(message: Snapshot | Delta): void {
    if (message.type === 'snapshot') {
      state.value = message.state;
      seq.value = message.seq;
      receivedAt.value = message.state.meter?.time != null ? Date.now() : null;
      samples.value = [];
      void loadSamples();
      return;
    }
    if (message.seq !== seq.value + 1) {
      // a missed delta: start again from the whole state
      void resync();
      return;
    }
    const before = state.value.meter?.time;
    const next = applyChanges(state.value, message);
    state.value = next;
    seq.value = message.seq;
    if (next.meter?.time != null && next.meter.time !== before) {
      receivedAt.value = Date.now();
      telegrams.value++;
      addSample(next);
    }
  }

  async function loadSamples(): Promise<void> {
    const answer = await command('dashboard.power');
    if (answer.ok && Array.isArray(answer.value)) {
      const loaded = answer.value as PowerSample[];
      const newest = loaded.at(-1)?.time ?? -Infinity;
      samples.value = [...loaded, ...samples.value.filter((s) => s.time > newest)];
    }
  }

  async function resync(): Promise<void> {
    const answer = await command('state');
    if (answer.ok) {
      const value = answer.value as { seq: number; state: BusState };
      state.value = value.state;
      seq.value = value.seq;
    }
  }

  function connect(next: StateClient): void {
    client?.close();
    client = next;
    next.onStatus((s, detail) => {
      status.value = s;
      statusDetail.value = detail;
    });
    next.subscribe(onMessage);
  }

  function command(name: string, args?: unknown): Promise<CommandAnswer> {
    if (!client) return Promise.resolve({ ok: false, error: { code: 'offline', message: 'not connected' } });
    return client.command(name, args);
  }

  function tick(): void {
    now.value = Date.now();
  }

  return { state, seq, status, statusDetail, receivedAt, now, samples, telegrams, meter, quarter, costs, dashboard, ageMs, stale, connect, command, tick, onMessage };
});
