// @vitest-environment happy-dom
/** The battery panel with literal props, in three languages; expected texts written by hand. */
import { describe, expect, test } from 'vitest';
import type { BatteryState } from '../../../shared/battery/state.js';
import BatteryPanel from '../../../renderer/src/panels/BatteryPanel.vue';
import { mountPanel, plain } from './mount.js';

const battery: BatteryState = {
  device: 'battery', description: 'SunSpec battery at 192.0.2.10:502 unit 1', link: { state: 'ok', message: null },
  mode: 'auto', socPct: 63.45, powerKw: -1.254, capacityKwh: 10, setpointKw: -1.25, control: 'forced',
  reason: { code: 'peak-shave', text: 'discharging 1.254 kW to hold the quarter at 4 kW' },
  today: { day: '2026-01-20', chargedKwh: 3, dischargedKwh: 2, storedFromSolarKwh: 1.5, savedEur: 0.548 }, notices: [],
};

describe('BatteryPanel', () => {
  test('shows SoC, power with its direction, the reason, solar stored and euros saved', () => {
    const w = mountPanel(BatteryPanel, { battery, stale: false, age: null });
    expect(plain(w.get('[data-testid=battery-soc]').text())).toBe('63.5 %');
    expect(plain(w.get('[data-testid=battery-power]').text())).toBe('1.25 kW discharging');
    expect(w.get('[data-testid=battery-reason]').text()).toBe('holding the quarter-hour peak');
    expect(plain(w.get('[data-testid=battery-solar]').text())).toBe('1.50 kWh');
    expect(plain(w.get('[data-testid=battery-saved]').text())).toBe('0.55 €');
    expect((w.get('[data-testid=battery-mode]').element as HTMLSelectElement).value).toBe('auto');
  });

  test('in Dutch and French', () => {
    const nl = mountPanel(BatteryPanel, { battery, stale: false, age: null }, 'nl');
    expect(plain(nl.get('[data-testid=battery-power]').text())).toBe('1,25 kW ontlaadt');
    expect(nl.get('[data-testid=battery-reason]').text()).toBe('houdt de kwartierpiek binnen de grens');
    const fr = mountPanel(BatteryPanel, { battery: { ...battery, powerKw: 2, reason: { code: 'absorb-export', text: '' } }, stale: false, age: null }, 'fr');
    expect(plain(fr.get('[data-testid=battery-power]').text())).toBe('2,00 kW en charge');
    expect(fr.get('[data-testid=battery-reason]').text()).toBe('stocke le surplus solaire');
  });

  test('says when the link is down, and asks for a new mode when one is chosen', async () => {
    const w = mountPanel(BatteryPanel, { battery: { ...battery, link: { state: 'error', message: 'The battery at 192.0.2.10:502 unit 1 did not answer in time.' } }, stale: false, age: null });
    expect(w.get('[data-testid=battery-link]').text()).toBe('Battery link: The battery at 192.0.2.10:502 unit 1 did not answer in time.');
    await w.get('[data-testid=battery-mode]').setValue('hold');
    expect(w.emitted('command')).toEqual([['battery.mode', { mode: 'hold' }]]);
  });
});
