import type { Locale } from './messages.js';

/**
 * The usual price names of a rates file in the reader's language. A name a person made up
 * ("Solar", "Weekend") is shown as written: it is theirs, not ours to translate.
 */
const NAMES: Record<string, Record<Locale, string>> = {
  Day: { en: 'Day', nl: 'Dag', fr: 'Jour' },
  Night: { en: 'Night', nl: 'Nacht', fr: 'Nuit' },
  Peak: { en: 'Peak', nl: 'Piek', fr: 'Pointe' },
  OffPeak: { en: 'Off-peak', nl: 'Daluren', fr: 'Heures creuses' },
  Normal: { en: 'Normal', nl: 'Normaal', fr: 'Normal' },
};

export function bandName(name: string, locale: Locale): string {
  return Object.hasOwn(NAMES, name) ? NAMES[name]![locale] : name;
}
