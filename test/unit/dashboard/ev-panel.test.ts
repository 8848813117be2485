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
  reason: { code: 'solar', text: 'solar surplus 6.9 kW', params: { kw: 6.9 } }, safe: false, problem: null,
  sessionEur: { eur: 1.41, partial: false },
};

describe('EvPanel', () => {
  test('a satellite\'s charger on the meter\'s dashboard: says where it runs, its mode shown but not pressable, no SoC prompt', async () => {
    const onSatellite = { ...charging, satellite: 'garage-pi', soc: null, socPrompt: true };
    const w = mountPanel(EvPanel, { charger: onSatellite, stale: false, age: null }, 'nl');
    expect(w.get('[data-testid=ev-satellite]').text()).toBe('Draait op satelliet garage-pi: stel daar de modus en de laadtoestand in');
    expect(w.get('[data-testid=ev-mode-solar]').attributes('aria-pressed')).toBe('true');
    expect(w.get('[data-testid=ev-mode-now]').attributes('disabled')).toBeDefined();
    await w.get('[data-testid=ev-mode-now]').trigger('click');
    expect(w.emitted('mode')).toBeUndefined();
    expect(w.find('[data-testid=ev-soc-prompt]').exists()).toBe(false);
    // the meter's own charger has neither the line nor disabled buttons
    const own = mountPanel(EvPanel, { charger: charging, stale: false, age: null });
    expect(own.find('[data-testid=ev-satellite]').exists()).toBe(false);
    expect(own.get('[data-testid=ev-mode-now]').attributes('disabled')).toBeUndefined();
  });

  test('an offline satellite\'s charger says so', () => {
    const offline = { ...charging, satellite: 'garage-pi', plugged: false, state: 'unknown' as const, soc: null, powerKw: null, phases: [], safe: true,
      problem: 'satellite garage-pi: no state for 11 s', reason: { code: 'satellite-offline', text: 'satellite garage-pi: no state for 11 s' } };
    const w = mountPanel(EvPanel, { charger: offline, stale: false, age: null });
    expect(w.get('[data-testid=ev-reason]').text()).toContain('Satellite offline');
    expect(w.get('[data-testid=ev-reason-text]').text()).toBe('satellite garage-pi: no state for 11 s');
    expect(w.get('[data-testid=ev-plugged]').text()).toBe('Not plugged in');
  });

  test('shows the car, the estimated SoC, kW and A per phase, the session, the mode and the reason', () => {
    const w = mountPanel(EvPanel, { charger: charging, stale: false, age: null });
    expect(w.get('[data-testid=ev-car]').text()).toBe('Zoe');
    expect(w.get('[data-testid=ev-plugged]').text()).toBe('Plugged in');
    expect(plain(w.get('[data-testid=ev-soc]').text())).toBe('37 % (estimated, from your value)');
    expect(plain(w.get('[data-testid=ev-power]').text())).toBe('6.90 kW · L1 10.0 A 2.30 kW · L2 10.0 A 2.30 kW · L3 10.0 A 2.30 kW');
    // the session's energy and what it cost at the hours' import price (the core adds it up)
    expect(plain(w.get('[data-testid=ev-session]').text())).toBe('4.25 kWh · 1.41 €');
    expect(w.get('[data-testid=ev-mode-solar]').attributes('aria-pressed')).toBe('true');
    expect(w.get('[data-testid=ev-reason]').text()).toContain('Solar surplus');
    expect(plain(w.get('[data-testid=ev-reason-text]').text())).toBe('Solar surplus 6.9 kW.');
    // the English words stay at hand (logs and MQTT say them)
    expect(w.get('[data-testid=ev-reason-text]').attributes('title')).toBe('solar surplus 6.9 kW');
  });

  test('in Dutch, and the mode buttons ask for the ev.mode the user pressed', async () => {
    const w = mountPanel(EvPanel, { charger: charging, stale: false, age: null }, 'nl');
    expect(plain(w.get('[data-testid=ev-soc]').text())).toBe('37 % (geschat, vanaf uw waarde)');
    expect(plain(w.get('[data-testid=ev-reason-text]').text())).toBe('Zonne-overschot 6,9 kW.');
    expect(plain(w.get('[data-testid=ev-session]').text())).toBe('4,25 kWh · 1,41 €');
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

  test('says the reason in each language from its code and figures, with the quarter\'s target', () => {
    // reduced by the budget to 3.2 kW; the site's target is 4.8 kW
    const reduced = { ...charging, reason: { code: 'reduced', text: 'reduced to 3.2 kW: quarter budget: house 2.1 kW, target 4.8 kW, 0.0 kW left', params: { kw: 3.2, running: 1, grant: 'budget' } } };
    const sentence = (locale: 'en' | 'nl' | 'fr', charger: EvChargerState) => plain(mountPanel(EvPanel, { charger, stale: false, age: null, targetKw: 4.8 }, locale).get('[data-testid=ev-reason-text]').text());
    expect(sentence('en', reduced)).toBe('Reduced to 3.2 kW: the quarter would end above 4.8 kW.');
    expect(sentence('nl', reduced)).toBe('Verminderd tot 3,2 kW: het kwartier zou boven 4,8 kW eindigen.');
    expect(sentence('fr', reduced)).toBe('Réduite à 3,2 kW : le quart d\'heure finirait au-dessus de 4,8 kW.');
    // waiting for the cheap register at a time
    const waiting = { ...charging, reason: { code: 'waiting-cheap', text: 'waiting for register 2 at 22:00', params: { at: '22:00' } } };
    expect(sentence('nl', waiting)).toBe('Wacht op register 2 om 22:00.');
    // waiting for the quarters the plan charges in
    const planned = { ...charging, reason: { code: 'waiting-plan', text: 'plan: charging from 02:00 (cheapest quarters)', params: { at: '02:00' } } };
    expect(sentence('en', planned)).toBe('The plan charges from 02:00 (the cheapest quarters).');
    expect(sentence('nl', planned)).toBe('Het plan laadt vanaf 02:00 (de goedkoopste kwartieren).');
    expect(sentence('fr', planned)).toBe('Le plan charge à partir de 02:00 (les quarts d\'heure les moins chers).');
    // an emergency above the budget says what the higher peak costs
    const emergency = { ...charging, reason: { code: 'emergency', text: '…', params: { percent: 20, kw: 11, overKw: 6.2, peakKw: 4.1, eur: 17.08 } } };
    expect(sentence('en', emergency)).toBe('Emergency: below 20 %, charging at 11.0 kW, 6.2 kW above the quarter budget (a peak up to 4.1 kW higher: about 17.08 €).');
    expect(sentence('fr', emergency)).toBe('Urgence : sous 20 %, charge à 11,0 kW, 6,2 kW au-dessus du budget du quart d\'heure (une pointe jusqu\'à 4,1 kW plus haute : environ 17,08 €).');
    // the charger's own solar mode, with the safe state
    const blocked = { ...charging, safe: true, reason: { code: 'charger-problem', text: '…', params: { problem: 'solar-mode', safeA: 0 } } };
    expect(sentence('nl', blocked)).toBe('De eigen zonnemodus van de laadpaal blokkeert de sturing: zet hem uit in de NRGkick-app; gepauzeerd tot ze antwoordt.');
    // an older core without figures: its English words
    expect(sentence('fr', { ...charging, reason: { code: 'solar', text: 'solar surplus 6.9 kW' } })).toBe('solar surplus 6.9 kW');
  });

  test('says where the SoC came from: the car over MQTT, or an estimate resting on it', () => {
    const soc = (s: EvChargerState['soc']) => plain(mountPanel(EvPanel, { charger: { ...charging, soc: s }, stale: false, age: null }).get('[data-testid=ev-soc]').text());
    expect(soc({ percent: 62, source: 'vehicle', basedOn: 'vehicle', via: 'mqtt' })).toBe('62 % (from the car over MQTT)');
    expect(soc({ percent: 64.2, source: 'estimate', basedOn: 'vehicle', via: 'mqtt' })).toBe('64 % (estimated, from the car\'s reading over MQTT)');
  });
});
