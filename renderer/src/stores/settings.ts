import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { LOCALES, systemLocale, type Locale } from '../lib/messages.js';

export type Theme = 'auto' | 'light' | 'dark';
const THEMES: readonly Theme[] = ['auto', 'light', 'dark'];

function stored<T extends string>(key: string, allowed: readonly T[]): T | null {
  try {
    const value = localStorage.getItem(key);
    return value !== null && (allowed as readonly string[]).includes(value) ? value as T : null;
  } catch {
    return null;
  }
}

/** The person's choices for this browser: language (default: the system's) and theme. */
export const useSettingsStore = defineStore('settings', () => {
  const locale = ref<Locale>(stored('dm-locale', LOCALES) ?? systemLocale(navigator.languages ?? [navigator.language]));
  const theme = ref<Theme>(stored('dm-theme', THEMES) ?? 'auto');
  watch(locale, (value) => { try { localStorage.setItem('dm-locale', value); } catch { /* private mode */ } });
  watch(theme, (value) => { try { localStorage.setItem('dm-theme', value); } catch { /* private mode */ } });
  return { locale, theme };
});
