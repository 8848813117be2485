/**
 * A satellite's side of `device-state`: its roles' `ev` and `battery` sections go to the meter
 * right after each connection, on change at most once a second, and every few seconds without
 * change, so the meter can tell a silent satellite (10 s: offline) from a quiet one.
 */
import type { BatteryState } from '../../shared/battery/state.js';
import type { EvState } from '../../shared/ev/state.js';
import type { StateHub } from '../bus/state-hub.js';

export interface DeviceStateLink {
  readonly connected: boolean;
  deviceState(section: { ev?: EvState | null; battery?: BatteryState | null }): boolean;
  on(event: 'connected', listener: () => void): unknown;
  off(event: 'connected', listener: () => void): unknown;
}

export interface DeviceStateTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** the process's timers on the caller's monotonic clock */
function realTimers(monoNow: () => number): DeviceStateTimers {
  return {
  now: monoNow,
  setTimeout: (fn, ms) => { const t = setTimeout(fn, ms); t.unref(); return t; },
  clearTimeout: (t) => clearTimeout(t as NodeJS.Timeout),
  setInterval: (fn, ms) => { const t = setInterval(fn, ms); t.unref(); return t; },
  clearInterval: (t) => clearInterval(t as NodeJS.Timeout),
  };
}

export function sendDeviceState(o: {
  link: DeviceStateLink; hub: StateHub; ev: boolean; battery: boolean;
  minIntervalMs?: number; heartbeatMs?: number;
  /** the process's timers on this monotonic clock, or a test's own timers */
  clock: { monoNow: () => number } | { timers: DeviceStateTimers };
}): () => void {
  const timers = 'timers' in o.clock ? o.clock.timers : realTimers(o.clock.monoNow);
  const minIntervalMs = o.minIntervalMs ?? 1000;
  const heartbeatMs = o.heartbeatMs ?? 4000;
  let lastSent = -Infinity;
  let pending: unknown = null;
  const send = () => {
    if (pending !== null) { timers.clearTimeout(pending); pending = null; }
    const state = o.hub.current;
    const section = { ...(o.ev && state.ev ? { ev: state.ev } : {}), ...(o.battery && state.battery ? { battery: state.battery } : {}) };
    // nothing to say before a role published its state
    if (!('ev' in section) && !('battery' in section)) return;
    if (o.link.deviceState(section)) lastSent = timers.now();
  };
  const changed = () => {
    if (!o.link.connected || pending !== null) return;
    const wait = lastSent + minIntervalMs - timers.now();
    if (wait <= 0) send();
    else pending = timers.setTimeout(send, wait);
  };
  const unsubscribe = o.hub.subscribe((delta) => {
    const keys = [...Object.keys(delta.set), ...(delta.unset ?? [])];
    if (keys.some((k) => (o.ev && (k === 'ev' || k.startsWith('ev.'))) || (o.battery && (k === 'battery' || k.startsWith('battery.'))))) changed();
  });
  // a new connection hears the state at once, throttle or not
  const connected = () => send();
  o.link.on('connected', connected);
  const heartbeat = timers.setInterval(() => {
    if (o.link.connected && timers.now() - lastSent >= heartbeatMs) send();
  }, 1000);
  return () => {
    unsubscribe();
    o.link.off('connected', connected);
    timers.clearInterval(heartbeat);
    if (pending !== null) timers.clearTimeout(pending);
  };
}
