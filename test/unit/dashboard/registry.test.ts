// @vitest-environment happy-dom
/** The panel registry: where each panel lives, and what a panel registered without `props` gets. */
import { defineComponent, h } from 'vue';
import { describe, expect, test } from 'vitest';
import { PAGES, PANELS, propsOf, type PanelContext } from '../../../renderer/src/panels/registry.js';

const context = {
  state: { meter: null, quarter: null, costs: null, sources: {}, ev: { soc: 0.5 } },
  costs: null, dashboard: null, samples: [], stale: true, age: '12 s old', theme: 'dark', layout: 'kiosk',
} as unknown as PanelContext;

describe('panel registry', () => {
  test('every panel has one place; every page has panels; the house\'s devices have theirs on the home page', () => {
    const ids = PANELS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const page of PAGES) expect(PANELS.some((p) => p.page === page), page).toBe(true);
    expect(PANELS.filter((p) => p.page === 'home').map((p) => p.id)).toEqual(['site', 'ev', 'ev-placeholder', 'battery', 'battery-placeholder', 'trips', 'plan', 'trips-placeholder']);
  });

  test('a panel registered without props gets exactly the props it declares of state, stale, age, theme and layout', () => {
    const EvPanel = defineComponent({ props: { state: Object, stale: Boolean, unrelated: String }, render: () => h('section') });
    expect(propsOf({ id: 'ev', page: 'home', component: EvPanel }, context)).toEqual({ state: context.state, stale: true });
  });

  test('a panel with a props function gets what it computes', () => {
    const quarter = PANELS.find((p) => p.id === 'quarter')!;
    expect(propsOf(quarter, context)).toEqual({ quarter: null, stale: true, age: '12 s old' });
    // the usage table: one row per period on the kiosk and a phone, every row on a desktop
    const usage = PANELS.find((p) => p.id === 'usage')!;
    expect(propsOf(usage, context).variant).toBe('transposed');
    expect(propsOf(usage, { ...context, layout: 'phone' }).variant).toBe('transposed');
    expect(propsOf(usage, { ...context, layout: 'desktop' }).variant).toBe('full');
  });
});
