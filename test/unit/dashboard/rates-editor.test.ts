// @vitest-environment happy-dom
/** The rates editor with a literal rates file: inline refusal by the shared schema, preview, save. */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import RatesEditor from '../../../renderer/src/panels/RatesEditor.vue';
import { mountPanel } from './mount.js';

const document = {
  file: '/home/pi/.config/digital-meter/rates.json',
  rates: { Gas: { '+': 1.576, cnv: ['kWh', 11.51] }, Electricity: { '+': { Day: 0.4, Night: 0.3 }, '-': { Day: 0.1, Night: 0.1 } } },
};

describe('RatesEditor', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  test('a field per price, filled from the file', () => {
    const w = mountPanel(RatesEditor, { document, preview: null, saving: false, message: null });
    expect((w.get('[data-testid="rate-Electricity.+.Day"]').element as HTMLInputElement).value).toBe('0.4');
    expect((w.get('[data-testid="rate-Electricity.-.Night"]').element as HTMLInputElement).value).toBe('0.1');
    expect((w.get('[data-testid="rate-Gas.+"]').element as HTMLInputElement).value).toBe('1.576');
  });

  test('a price that is not a number is refused inline and Save is disabled', async () => {
    const w = mountPanel(RatesEditor, { document, preview: null, saving: false, message: null });
    await w.get('[data-testid="rate-Electricity.+.Night"]').setValue('0.3x');
    expect(w.get('[data-testid=field-error]').text()).toBe('"0.3x" is not a number: write it like 0.45 or 0,45.');
    expect(w.get('[data-testid="rate-Electricity.+.Night"]').attributes('aria-invalid')).toBe('true');
    expect(w.get('[data-testid=editor-save]').attributes('disabled')).toBeDefined();
    await w.get('[data-testid="rate-Electricity.+.Night"]').setValue('');
    expect(w.get('[data-testid=field-error]').text()).toBe('Enter a price here.');
  });

  test('in Dutch: band names, the message and the warnings in Dutch', async () => {
    const w = mountPanel(RatesEditor, { document, preview: null, saving: false, message: null }, 'nl');
    expect(w.findAll('.field > span').map((x) => x.text())).toEqual(['Dag', 'Nacht', 'Dag', 'Nacht', 'Gas']);
    await w.get('[data-testid="rate-Electricity.+.Night"]').setValue('abc');
    expect(w.get('[data-testid=field-error]').text()).toBe('"abc" is geen getal: schrijf het als 0,45.');
  });

  test('a negative import price and one over 2 EUR/kWh are questioned, not refused', async () => {
    const w = mountPanel(RatesEditor, { document, preview: null, saving: false, message: null });
    await w.get('[data-testid="rate-Electricity.+.Day"]').setValue('-0,05');
    await w.get('[data-testid="rate-Electricity.+.Night"]').setValue('2.5');
    // an export compensation below zero is a real contract (negative prices): no warning for it
    await w.get('[data-testid="rate-Electricity.-.Day"]').setValue('-0.02');
    const warnings = w.findAll('[data-testid=field-warning]').map((x) => x.text().replace(/\s/g, ' '));
    expect(warnings).toEqual([
      'A negative import price: you would be paid for every kWh you take. Is that right?',
      '2.50 € per kWh is far above any Belgian contract. Is that right?',
    ]);
    expect(w.findAll('[data-testid=field-error]')).toHaveLength(0);
    expect(w.get('[data-testid=editor-save]').attributes('disabled')).toBeUndefined();
  });

  test('in French: the colon after a thin space, as French typography has it', () => {
    const w = mountPanel(RatesEditor, { document, preview: { todayEur: 1.2, previewEur: 1.35 }, saving: false, message: null }, 'fr');
    expect(w.get('[data-testid=rates-preview]').text()).toContain('Coût d\'aujourd\'hui jusqu\'ici\u202f:');
  });

  test('Escape closes it, wherever the focus is', async () => {
    const w = mountPanel(RatesEditor, { document, preview: null, saving: false, message: null });
    window.document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    const closes = w.emitted('close')!;
    expect(closes).toHaveLength(1);
    w.unmount();
    // closed: the page's Escape is its own again
    window.document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(closes).toHaveLength(1);
  });

  test('a valid change asks for a preview (Belgian decimal comma accepted) and Save sends the whole file', async () => {
    const w = mountPanel(RatesEditor, { document, preview: null, saving: false, message: null });
    await w.get('[data-testid="rate-Electricity.+.Day"]').setValue('0,45');
    vi.advanceTimersByTime(300);
    const expected = { ...document.rates, Electricity: { ...document.rates.Electricity, '+': { Day: 0.45, Night: 0.3 } } };
    expect(w.emitted('preview')?.at(-1)).toEqual([expected]);
    await w.setProps({ preview: { todayEur: 1.2, previewEur: 1.35 } });
    expect(w.get('[data-testid=preview-new]').text().replace(/\s/g, ' ')).toBe('1.35 €');
    await w.get('form').trigger('submit');
    expect(w.emitted('save')).toEqual([[expected]]);
  });

  test('a refusal from the core is shown', async () => {
    const w = mountPanel(RatesEditor, { document, preview: null, saving: false, message: { kind: 'error', text: 'Refused: rates.json: Electricity.+: expected a price for "Night"' } });
    expect(w.get('[data-testid=editor-message]').text()).toBe('Refused: rates.json: Electricity.+: expected a price for "Night"');
    expect(w.get('[data-testid=editor-message]').classes()).toContain('error');
  });
});
