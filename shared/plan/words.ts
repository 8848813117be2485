/**
 * The plan in words, in English, Dutch and French: what each device does next and the trips the
 * plan cannot meet with what would fix them. The dashboard shows these in the reader's language;
 * Home Assistant gets the English ones. Times are Brussels clock times.
 */
import { brusselsParts } from '../time/brussels.js';
import type { Intention, PlanProblem } from './state.js';

export type PlanLang = 'en' | 'nl' | 'fr';

function clock(t: number): string {
  const p = brusselsParts(t);
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

function num(lang: PlanLang, v: number, digits: number): string {
  const s = v.toFixed(digits);
  return lang === 'en' ? s : s.replace('.', ',');
}

const pct = (lang: PlanLang, v: number): string => (lang === 'fr' ? `${Math.round(v)} %` : `${Math.round(v)}%`);

/** e.g. "car_1 will reach 64% by 07:00, not 80%: start now, or allow a peak of 5.6 kW (about 3.40 EUR more), or leave at 07:40" */
export function problemWords(p: PlanProblem, name: string, lang: PlanLang): string {
  const fixes: string[] = [];
  const f = p.fixes;
  if (lang === 'nl') {
    if (f.startNow) fixes.push('begin nu te laden');
    if (f.peak) fixes.push(`sta een piek van ${num(lang, f.peak.kw, 1)} kW toe (ongeveer ${num(lang, f.peak.extraEur, 2)} EUR meer)`);
    if (f.leaveAt !== null) fixes.push(`vertrek om ${clock(f.leaveAt)}`);
    const head = `${name} haalt ${pct(lang, p.expectedPct)} tegen ${clock(p.departure)}, niet ${pct(lang, p.wantedPct)}`;
    return fixes.length ? `${head}: ${fixes.join(', of ')}` : `${head}: binnen 48 u helpt niets; laad elders of vraag minder`;
  }
  if (lang === 'fr') {
    if (f.startNow) fixes.push('commencez à charger maintenant');
    if (f.peak) fixes.push(`autorisez une pointe de ${num(lang, f.peak.kw, 1)} kW (environ ${num(lang, f.peak.extraEur, 2)} EUR de plus)`);
    if (f.leaveAt !== null) fixes.push(`partez à ${clock(f.leaveAt)}`);
    const head = `${name} atteindra ${pct(lang, p.expectedPct)} à ${clock(p.departure)}, pas ${pct(lang, p.wantedPct)}`;
    return fixes.length ? `${head} : ${fixes.join(', ou ')}` : `${head} : rien n'y suffit dans les 48 h ; chargez ailleurs ou demandez moins`;
  }
  if (f.startNow) fixes.push('start now');
  if (f.peak) fixes.push(`allow a peak of ${num(lang, f.peak.kw, 1)} kW (about ${num(lang, f.peak.extraEur, 2)} EUR more)`);
  if (f.leaveAt !== null) fixes.push(`leave at ${clock(f.leaveAt)}`);
  const head = `${name} will reach ${pct(lang, p.expectedPct)} by ${clock(p.departure)}, not ${pct(lang, p.wantedPct)}`;
  return fixes.length ? `${head}: ${fixes.join(', or ')}` : `${head}: nothing within 48 h is enough; charge elsewhere or ask for less`;
}

/**
 * e.g. "Zoe charges at 7.4 kW until 05:00 (0.10 EUR/kWh)", "Zoe waits, then charges at 8.0 kW
 * from 04:00 to 05:00 (0.10 EUR/kWh)"; `now` tells a block running now from one to come.
 */
export function intentionWords(i: Intention, name: string, lang: PlanLang, now: number): string {
  const battery = i.kind === 'battery';
  if (i.action === 'idle' || i.from === null || i.to === null) {
    if (lang === 'nl') return `${battery ? 'De batterij' : name}: niets gepland de komende uren`;
    if (lang === 'fr') return `${battery ? 'La batterie' : name} : rien de prévu dans les prochaines heures`;
    return `${battery ? 'The battery' : name}: nothing planned in the next hours`;
  }
  const running = i.from <= now;
  const kw = `${num(lang, i.kw, 1)} kW`;
  const price = i.priceEur === null ? '' : ` (${num(lang, i.priceEur, 2)} EUR/kWh)`;
  const from = clock(i.from);
  const to = clock(i.to);
  const charge = i.action === 'charge';
  if (lang === 'nl') {
    const who = battery ? 'De batterij' : name;
    const verb = charge ? 'laadt' : 'ontlaadt';
    return running ? `${who} ${verb} aan ${kw} tot ${to}${price}` : `${who} wacht en ${verb} van ${from} tot ${to} aan ${kw}${price}`;
  }
  if (lang === 'fr') {
    const who = battery ? 'La batterie' : name;
    const verb = charge ? 'charge' : 'se décharge';
    return running ? `${who} ${verb} à ${kw} jusqu'à ${to}${price}` : `${who} attend, puis ${verb} à ${kw} de ${from} à ${to}${price}`;
  }
  const who = battery ? 'The battery' : name;
  const verb = charge ? 'charges' : 'discharges';
  return running ? `${who} ${verb} at ${kw} until ${to}${price}` : `${who} waits, then ${verb} at ${kw} from ${from} to ${to}${price}`;
}
