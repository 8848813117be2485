import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import * as f from './format.js';
import type { Locale } from './messages.js';

/** The formatters bound to the current language, for panels. */
export function useFormat() {
  const { locale, t } = useI18n();
  const l = computed(() => locale.value as Locale);
  return {
    t,
    locale: l,
    kw: (v: number | null | undefined, digits?: number) => f.kw(l.value, v, digits),
    kwh: (v: number | null | undefined, digits?: number) => f.kwh(l.value, v, digits),
    eur: (v: number | null | undefined, digits?: number) => f.eur(l.value, v, digits),
    m3: (v: number | null | undefined, digits?: number) => f.m3(l.value, v, digits),
    num: (v: number | null | undefined, digits: number, unit: string) => f.formatNumber(l.value, v, digits, unit),
    time: (v: number | null | undefined, kind?: 'datetime' | 'time' | 'hm' | 'day' | 'month') => f.formatTime(l.value, v, kind),
  };
}
