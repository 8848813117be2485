import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { StateHub } from '../../main/bus/state-hub.js';
import { sendDeviceState, type DeviceStateTimers } from '../../main/site/device-state-sender.js';
import type { BatteryState } from '../../shared/battery/state.js';
import { ManualTimers } from '../support/manual-timers.js';

/** ManualTimers with intervals (a timeout that sets itself again) */
function timers(): { t: ManualTimers; timers: DeviceStateTimers } {
  const t = new ManualTimers(0);
  const intervals = new Map<number, unknown>();
  let next = 1;
  return {
    t,
    timers: {
      now: () => t.now(),
      setTimeout: (fn, ms) => t.setTimeout(fn, ms),
      clearTimeout: (h) => t.clearTimeout(h),
      setInterval: (fn, ms) => {
        const id = next++;
        const arm = () => intervals.set(id, t.setTimeout(() => { arm(); fn(); }, ms));
        arm();
        return id;
      },
      clearInterval: (h) => { t.clearTimeout(intervals.get(h as number)); intervals.delete(h as number); },
    },
  };
}

class FakeLink extends EventEmitter<{ connected: [] }> {
  connected = false;
  readonly sent: Array<{ at: number; battery?: BatteryState | null }> = [];
  constructor(private readonly now: () => number) { super(); }
  deviceState(section: { battery?: BatteryState | null }): boolean {
    if (!this.connected) return false;
    this.sent.push({ at: this.now(), ...section });
    return true;
  }
}

const battery = (socPct: number): BatteryState => ({
  device: 'shed', description: 'battery', link: { state: 'ok', message: null }, mode: 'auto', socPct, powerKw: 1, capacityKwh: 10,
  setpointKw: null, control: 'own', reason: { code: 'plan', text: 'x' },
  today: { day: '2026-12-02', chargedKwh: 0, dischargedKwh: 0, storedFromSolarKwh: 0, savedEur: null }, notices: [],
});

describe('sendDeviceState', () => {
  it('sends on connecting, on change at most once a second (the latest), and every 4 s without change', () => {
    const { t, timers: tm } = timers();
    const hub = new StateHub();
    const link = new FakeLink(() => t.now());
    const stop = sendDeviceState({ link, hub, ev: false, battery: true, clock: { timers: tm } });
    hub.update({ battery: battery(50) });
    // not connected: nothing goes out
    expect(link.sent).toEqual([]);
    link.connected = true;
    link.emit('connected');
    expect(link.sent.map((s) => [s.at, s.battery?.socPct])).toEqual([[0, 50]]);
    // three changes within the second after it: one message at 1000 ms with the last of them
    t.advance(100); hub.update({ battery: battery(51) });
    t.advance(100); hub.update({ battery: battery(52) });
    t.advance(100); hub.update({ battery: battery(53) });
    t.advance(699);
    expect(link.sent).toHaveLength(1);
    t.advance(1);
    expect(link.sent.map((s) => [s.at, s.battery?.socPct])).toEqual([[0, 50], [1000, 53]]);
    // nothing changes: the heartbeat, checked each second, sends once 4 s have passed (at 5000)
    t.advance(3999);
    expect(link.sent).toHaveLength(2);
    t.advance(1);
    expect(link.sent.map((s) => s.at)).toEqual([0, 1000, 5000]);
    stop();
    t.advance(10_000);
    hub.update({ battery: battery(60) });
    expect(link.sent).toHaveLength(3);
  });
});
