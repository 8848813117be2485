/**
 * Where every dashboard panel lives: its page (a tab on phones and the kiosk, a group of the one
 * scrolling page on a desktop), its width on a desktop, and the props it gets from what the
 * dashboard knows. Adding a panel is one entry in PANELS; nothing else in the layout changes.
 *
 * A panel without `props` gets, from the PanelContext, exactly the props it declares among
 * `state` (the whole bus state: `state.ev`, `state.site`, ...), `stale`, `age`, `theme` and
 * `layout`; an event `command` (name, args) it emits is sent to the core as a bus command.
 */
import { defineAsyncComponent, h, type Component } from 'vue';
import type { CostsState, DashboardState, PowerSample } from '../../../shared/dashboard/state.js';
import type { BusState } from '../../../shared/state.js';
import BatteryPanel from './BatteryPanel.vue';
import DayCostPanel from './DayCostPanel.vue';
import GasWaterPanel from './GasWaterPanel.vue';
import LivePowerPanel from './LivePowerPanel.vue';
import LogPanel from './LogPanel.vue';
import MonthPeaksPanel from './MonthPeaksPanel.vue';
import PlaceholderPanel from './PlaceholderPanel.vue';
import QuarterPanel from './QuarterPanel.vue';
import QuartersTodayPanel from './QuartersTodayPanel.vue';
import RatesPanel from './RatesPanel.vue';
import SitePanel from './SitePanel.vue';
import TelegramPanel from './TelegramPanel.vue';
import TripsPanel from './TripsPanel.vue';
import UsagePanel from './UsagePanel.vue';

/** The pages, in the order of the tabs. */
export const PAGES = ['now', 'costs', 'peaks', 'home', 'meter'] as const;
export type PageId = typeof PAGES[number];
export type Layout = 'desktop' | 'kiosk' | 'phone';

/** Everything a panel may be given; built once per render by the dashboard view. */
export interface PanelContext {
  state: BusState;
  costs: CostsState | null;
  dashboard: DashboardState | null;
  samples: PowerSample[];
  stale: boolean;
  age: string | null;
  theme: string;
  layout: Layout;
}

export interface PanelEntry {
  /** unique; also the panel's place in the CSS (data-panel) */
  id: string;
  page: PageId;
  /** desktop width: a quarter, a third, half, two thirds or the whole row (default a third) */
  size?: 'quarter' | 'third' | 'half' | 'wide' | 'full';
  component: Component;
  props?: (c: PanelContext) => Record<string, unknown>;
  /** shown only while this holds (default: always) */
  when?: (c: PanelContext) => boolean;
}

// declares no props: it is given none (nothing re-renders it when a telegram comes)
const placeholder = (kind: 'ev' | 'battery' | 'trips'): Component => ({ name: `Placeholder-${kind}`, props: [], render: () => h(PlaceholderPanel, { kind }) });
/** a panel loaded when first shown (its code is not in the main bundle) */
export const later = (load: () => Promise<{ default: Component }>): Component => defineAsyncComponent(load);

const gasWater = (c: PanelContext) => ({
  gasM3: c.state.meter?.counters.gasM3 ?? null, waterM3: c.state.meter?.counters.waterM3 ?? null,
  today: c.costs?.periods.today ?? null, month: c.costs?.periods.month ?? null, stale: c.stale, age: c.age,
});

export const PANELS: PanelEntry[] = [
  { id: 'quarter', page: 'now', component: QuarterPanel, props: (c) => ({ quarter: c.state.quarter, stale: c.stale, age: c.age }) },
  { id: 'live-power', page: 'now', size: 'wide', component: LivePowerPanel, props: (c) => ({ samples: c.samples, stale: c.stale, age: c.age, theme: c.theme }) },
  { id: 'usage', page: 'costs', size: 'full', component: UsagePanel, props: (c) => ({ periods: c.costs?.periods ?? null, stale: c.stale, age: c.age, variant: c.layout === 'desktop' ? 'full' : 'transposed' }) },
  { id: 'day-costs', page: 'costs', size: 'half', component: DayCostPanel, props: (c) => ({ days: c.costs?.days ?? [], stale: c.stale, age: c.age, theme: c.theme }) },
  { id: 'gas-water', page: 'costs', size: 'half', component: GasWaterPanel, props: gasWater },
  { id: 'month-peaks', page: 'peaks', component: MonthPeaksPanel, props: (c) => ({ months: c.dashboard?.months ?? null, stale: c.stale, age: c.age }) },
  { id: 'quarters-today', page: 'peaks', size: 'wide', component: QuartersTodayPanel, props: (c) => ({ bars: c.dashboard?.quarters ?? [], running: c.state.quarter, stale: c.stale, age: c.age, theme: c.theme }) },
  // the house's devices: replace a placeholder by its panel, e.g. component: later(() => import('./EvPanel.vue'))
  { id: 'site', page: 'home', size: 'full', component: SitePanel, props: (c) => ({ site: c.state.site ?? null, satellite: c.state.satellite ?? null, stale: c.stale, age: c.age }), when: (c) => Boolean(c.state.site || c.state.satellite) },
  { id: 'ev', page: 'home', size: 'full', component: later(() => import('./EvPanels.vue')), when: (c) => Boolean(c.state.ev?.chargers.length) },
  { id: 'ev-placeholder', page: 'home', component: placeholder('ev'), when: (c) => !c.state.ev?.chargers.length },
  { id: 'battery', page: 'home', component: BatteryPanel, props: (c) => ({ battery: c.state.battery ?? null, stale: c.stale, age: c.age }), when: (c) => Boolean(c.state.battery) },
  { id: 'battery-placeholder', page: 'home', component: placeholder('battery'), when: (c) => !c.state.battery },
  { id: 'trips', page: 'home', component: TripsPanel, props: (c) => ({ trips: c.state.trips ?? null, ev: c.state.ev ?? null, stale: c.stale, age: c.age }), when: (c) => Boolean(c.state.trips) },
  { id: 'plan', page: 'home', size: 'full', component: later(() => import('./PlanPanel.vue')), props: (c) => ({ plan: c.state.plan ?? null, now: c.state.meter?.time ?? null, stale: c.stale, age: c.age, theme: c.theme }), when: (c) => Boolean(c.state.plan) },
  { id: 'trips-placeholder', page: 'home', component: placeholder('trips'), when: (c) => !c.state.trips },
  { id: 'telegram', page: 'meter', size: 'wide', component: TelegramPanel, props: (c) => ({ telegram: c.dashboard?.telegram ?? null, stale: c.stale, age: c.age }) },
  { id: 'rates', page: 'meter', component: RatesPanel, props: (c) => ({ rates: c.dashboard?.rates ?? null, register: c.state.meter?.tariff ?? null, stale: c.stale, age: c.age }) },
  { id: 'log', page: 'meter', size: 'full', component: LogPanel, props: (c) => ({ entries: c.dashboard?.log ?? [] }) },
];

const GENERIC: readonly (keyof PanelContext)[] = ['state', 'stale', 'age', 'theme', 'layout'];

/** The names of the props a component declares (object or array form), when it says. */
function declaredProps(component: Component): Set<string> | null {
  // an async panel (later()) declares its props once loaded, on the component it resolved to
  const resolved = (component as { __asyncResolved?: Component }).__asyncResolved ?? component;
  const props = (resolved as { props?: unknown }).props;
  if (Array.isArray(props)) return new Set(props.map(String));
  if (props && typeof props === 'object') return new Set(Object.keys(props));
  return null;
}

/** The props an entry's component gets in this context. */
export function propsOf(entry: PanelEntry, context: PanelContext): Record<string, unknown> {
  if (entry.props) return entry.props(context);
  const declared = declaredProps(entry.component);
  const out: Record<string, unknown> = {};
  // an async component declares nothing until loaded: give it the generic set, it declares what it uses
  for (const key of GENERIC) if (!declared || declared.has(key)) out[key] = context[key];
  return out;
}
