// @vitest-environment happy-dom
/**
 * The EV panel with literal props: what a person reads (in English and Dutch) and what it asks
 * for when buttons are pressed. Expected texts are written by hand from the props.
 */
import { describe, expect, test } from 'vitest';
import type { EvChargerState } from '../../../shared/ev/state.js';
import EvPanel from '../../../renderer/src/panels/EvPanel.vue';
import { mountPanel, plain } from './mount.js';

const charging: EvChargerState = {
  id: 'garage', description: 'NRGkick at 192.168.1.40', car: { id: 'car_1', name: 'Zoe', minSocPercent: 20 },
  cars: [{ id: 'car_1', name: 'Zoe' }], plugged: true, state: 'charging', chargerWords: 'CHARGING',
  soc: { percent: 37.4, source: 'estimate', basedOn: 'user' }, socPrompt: false, powerKw: 6.9,
  phases: [{ phase: 1, currentA: 10, powerKw: 2.3 }, { phase: 2, currentA: 10, powerKw: 2.3 }, { phase: 3, currentA: 10, powerKw: 2.3 }],
  sessionKwh: 4.25, mode: 'solar', commandA: 10, commandPhases: 3, grantedKw: 6.9,
  reason: { code: 'solar', text: 'solar surplus 6.9 kW' }, safe: false, problem: null,
};

describe('EvPanel', () => {
  test('shows the car, the estimated SoC, kW and A per phase, the session, the mode and the reason', () => {
    const w = mountPanel(EvPanel, { charger: charging, stale: false, age: null });
    expect(w.get('[data-testid=ev-car]').text()).toBe('Zoe');
    expect(w.get('[data-testid=ev-plugged]').text()).toBe('Plugged in');
    expect(plain(w.get('[data-testid=ev-soc]').text())).toBe('37 % (estimated)');
    expect(plain(w.get('[data-testid=ev-power]').text())).toBe('6.90 kW · L1 10.0 A 2.30 kW · L2 10.0 A 2.30 kW · L3 10.0 A 2.30 kW');
    expect(plain(w.get('[data-testid=ev-session]').text())).toBe('4.25 kWh');
    expect(w.get('[data-testid=ev-mode-solar]').attributes('aria-pressed')).toBe('true');
    expect(w.get('[data-testid=ev-reason]').text()).toContain('Solar surplus');
    expect(w.get('[data-testid=ev-reason-text]').text()).toBe('solar surplus 6.9 kW');
  });

  test('in Dutch, and the mode buttons ask for the ev.mode the user pressed', async () => {
    const w = mountPanel(EvPanel, { charger: charging, stale: false, age: null }, 'nl');
    expect(plain(w.get('[data-testid=ev-soc]').text())).toBe('37 % (geschat)');
    expect(w.get('[data-testid=ev-mode-now]').text()).toBe('Nu');
    await w.get('[data-testid=ev-mode-now]').trigger('click');
    expect(w.emitted('mode')).toEqual([['garage', 'now']]);
  });

  test('asks for the SoC at plug-in and sends what was typed; refuses what is not a percentage', async () => {
    const w = mountPanel(EvPanel, { charger: { ...charging, soc: null, socPrompt: true, state: 'connected', reason: { code: 'safe-no-grant', text: 'no budget grant yet: paused' }, safe: true }, stale: false, age: null }, 'fr');
    expect(w.get('[data-testid=ev-soc-prompt]').text()).toContain('Quel est le niveau de charge de la voiture ?');
    await w.get('[data-testid=ev-soc-input]').setValue('150');
    await w.get('[data-testid=ev-soc-prompt]').trigger('submit');
    expect(w.emitted('soc')).toBeUndefined();
    await w.get('[data-testid=ev-soc-input]').setValue('15,5');
    await w.get('[data-testid=ev-soc-prompt]').trigger('submit');
    expect(w.emitted('soc')).toEqual([['garage', 15.5]]);
    expect(w.get('[data-testid=ev-reason]').classes()).toContain('alarm');
    expect(w.get('[data-testid=ev-reason]').text()).toContain('En pause par sécurité : pas de budget du compteur');
  });
});
