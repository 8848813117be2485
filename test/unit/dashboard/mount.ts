import { mount, type VueWrapper } from '@vue/test-utils';
import { createI18n } from 'vue-i18n';
import type { Component } from 'vue';
import { MESSAGES, type Locale } from '../../../renderer/src/lib/messages.js';

/** Mount a panel with its props and the app's translations, in the given language. */
export function mountPanel(component: Component, props: Record<string, unknown>, locale: Locale = 'en'): VueWrapper {
  const i18n = createI18n({ legacy: false, locale, fallbackLocale: 'en', messages: MESSAGES });
  // props are checked by the panels at run time; the tests write them as literals
  return mount(component as never, { props, global: { plugins: [i18n] } } as never) as VueWrapper;
}

/** Text with the narrow no-break spaces the formatter puts before units made plain. */
export function plain(text: string): string {
  return text.replace(/[\u202f\u00a0]/g, ' ').replace(/\s+/g, ' ').trim();
}
