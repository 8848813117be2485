/**
 * The EV controller's reason in the reader's language: built from its code and figures
 * (main/ev/controller.ts `params`), never from its English words, which stay for logs and MQTT.
 * A reason without figures (an older core) falls back to those English words.
 */
import type { EvChargerState } from '../../../shared/ev/state.js';
import { formatNumber } from '../lib/format.js';
import type { Locale } from '../lib/messages.js';

type Reason = EvChargerState['reason'];
type Params = NonNullable<Reason['params']>;

interface Words {
  paused: string;
  heldAt: (a: string) => string;
  /** why the site gives nothing (more), by the grant's code */
  why: (grant: string, target: string | null) => string;
  problem: (problem: string, words: string) => string;
  says: Record<string, (p: Params, f: Fmt) => string>;
}

interface Fmt {
  kw: (key: string) => string;
  n: (key: string) => string;
  eur: (key: string) => string;
  s: (key: string) => string;
  safe: string;
  why: string;
  running: boolean;
}

const EN: Words = {
  paused: 'paused',
  heldAt: (a) => `held at the safe ${a}`,
  why: (grant, target) => {
    if (grant === 'budget' || grant === 'no-budget') return target ? `the quarter would end above ${target}` : 'the quarter budget is used up';
    if (grant === 'fuse') return 'the main fuse is at its limit';
    if (grant === 'solar') return 'no solar surplus to share';
    if (grant === 'plan') return 'the plan gives nothing now';
    return 'no budget from the meter now';
  },
  problem: (problem, words) => ({
    unreachable: 'The charger does not answer', timeout: 'The charger answers too slowly', auth: 'The charger refuses the user name or password',
    'solar-mode': 'The charger\'s own solar mode blocks control: switch it off in the NRGkick app', 'read-back': 'The charger did not take the current it was sent',
    'bad-answer': 'The charger\'s answer could not be read', http: 'The charger answered with an error', error: `The charger reports an error (${words})`,
  } as Record<string, string>)[problem] ?? 'The charger has a problem',
  says: {
    unplugged: () => 'No car plugged in.',
    off: () => 'Mode off: not charging.',
    'charger-problem': (p, f) => `${EN.problem(String(p['problem'] ?? ''), String(p['words'] ?? ''))}; ${f.safe} until it answers.`,
    'safe-meter-stale': (p, f) => (p['seconds'] !== undefined ? `No meter data for ${f.s('seconds')}: ${f.safe}.` : `No meter data yet: ${f.safe}.`),
    'safe-no-grant': (p, f) => (p['seconds'] !== undefined ? `The budget grant expired ${f.s('seconds')} ago: ${f.safe}.` : `No budget grant yet: ${f.safe}.`),
    emergency: (p, f) => `Emergency: below ${f.n('percent')} %, charging at ${f.kw('kw')}${Number(p['overKw'] ?? 0) > 0
      ? `, ${f.kw('overKw')} above the quarter budget${p['eur'] !== undefined ? ` (a peak up to ${f.kw('peakKw')} higher: about ${f.eur('eur')})` : ''}` : ' within the quarter budget'}.`,
    now: (_p, f) => `Charging now at ${f.kw('kw')}.`,
    plan: (_p, f) => (f.running ? `Charging ${f.kw('kw')} as planned.` : `Planned, but ${f.why}.`),
    'cheap-hours': (_p, f) => (f.running ? `Register 2 (cheap rate): charging ${f.kw('kw')}.` : `Register 2, but ${f.why}.`),
    trip: (p, f) => (f.running ? `Charging ${f.kw('kw')} for the trip${p['label'] ? ` ${String(p['label'])}` : ''}.` : `Waiting for the trip: ${f.why}.`),
    solar: (_p, f) => `Solar surplus ${f.kw('kw')}.`,
    'waiting-cheap': (p) => (p['at'] ? `Waiting for register 2 at ${String(p['at'])}.` : 'Waiting for register 2 (cheap rate) or solar surplus.'),
    'waiting-plan': (p) => (p['at'] ? `The plan charges from ${String(p['at'])} (the cheapest quarters).` : 'The plan needs no charge in the next 48 hours.'),
    reduced: (_p, f) => (f.running ? `Reduced to ${f.kw('kw')}: ${f.why}.` : `Paused: ${f.why}.`),
    held: (_p, f) => `${f.kw('kw')} allowed; raising after ${f.s('seconds')} without a cut.`,
    'min-off': (_p, f) => `Starting again in ${f.s('seconds')} (minimum off time).`,
    'no-budget': () => 'Waiting for solar surplus.',
    full: () => 'The car is full.',
    starting: () => 'Starting.',
  },
};

const NL: Words = {
  paused: 'gepauzeerd',
  heldAt: (a) => `vastgehouden op de veilige ${a}`,
  why: (grant, target) => {
    if (grant === 'budget' || grant === 'no-budget') return target ? `het kwartier zou boven ${target} eindigen` : 'het kwartierbudget is op';
    if (grant === 'fuse') return 'de hoofdzekering zit aan haar grens';
    if (grant === 'solar') return 'geen zonne-overschot te verdelen';
    if (grant === 'plan') return 'het plan geeft nu niets';
    return 'nu geen budget van de meter';
  },
  problem: (problem, words) => ({
    unreachable: 'De laadpaal antwoordt niet', timeout: 'De laadpaal antwoordt te traag', auth: 'De laadpaal weigert de gebruikersnaam of het wachtwoord',
    'solar-mode': 'De eigen zonnemodus van de laadpaal blokkeert de sturing: zet hem uit in de NRGkick-app', 'read-back': 'De laadpaal nam de gestuurde stroom niet over',
    'bad-answer': 'Het antwoord van de laadpaal was onleesbaar', http: 'De laadpaal antwoordde met een fout', error: `De laadpaal meldt een fout (${words})`,
  } as Record<string, string>)[problem] ?? 'De laadpaal heeft een probleem',
  says: {
    unplugged: () => 'Geen wagen aangesloten.',
    off: () => 'Modus uit: laadt niet.',
    'charger-problem': (p, f) => `${NL.problem(String(p['problem'] ?? ''), String(p['words'] ?? ''))}; ${f.safe} tot ze antwoordt.`,
    'safe-meter-stale': (p, f) => (p['seconds'] !== undefined ? `Geen metergegevens sinds ${f.s('seconds')}: ${f.safe}.` : `Nog geen metergegevens: ${f.safe}.`),
    'safe-no-grant': (p, f) => (p['seconds'] !== undefined ? `Het budget van de meter is ${f.s('seconds')} geleden verlopen: ${f.safe}.` : `Nog geen budget van de meter: ${f.safe}.`),
    emergency: (p, f) => `Noodlading: onder ${f.n('percent')} %, laadt met ${f.kw('kw')}${Number(p['overKw'] ?? 0) > 0
      ? `, ${f.kw('overKw')} boven het kwartierbudget${p['eur'] !== undefined ? ` (een piek tot ${f.kw('peakKw')} hoger: ongeveer ${f.eur('eur')})` : ''}` : ' binnen het kwartierbudget'}.`,
    now: (_p, f) => `Laadt nu met ${f.kw('kw')}.`,
    plan: (_p, f) => (f.running ? `Laadt ${f.kw('kw')} volgens plan.` : `Gepland, maar ${f.why}.`),
    'cheap-hours': (_p, f) => (f.running ? `Register 2 (goedkoop tarief): laadt ${f.kw('kw')}.` : `Register 2, maar ${f.why}.`),
    trip: (p, f) => (f.running ? `Laadt ${f.kw('kw')} voor de rit${p['label'] ? ` ${String(p['label'])}` : ''}.` : `Wacht voor de rit: ${f.why}.`),
    solar: (_p, f) => `Zonne-overschot ${f.kw('kw')}.`,
    'waiting-cheap': (p) => (p['at'] ? `Wacht op register 2 om ${String(p['at'])}.` : 'Wacht op register 2 (goedkoop tarief) of zonne-overschot.'),
    'waiting-plan': (p) => (p['at'] ? `Het plan laadt vanaf ${String(p['at'])} (de goedkoopste kwartieren).` : 'Het plan hoeft de komende 48 uur niet te laden.'),
    reduced: (_p, f) => (f.running ? `Verminderd tot ${f.kw('kw')}: ${f.why}.` : `Gepauzeerd: ${f.why}.`),
    held: (_p, f) => `${f.kw('kw')} toegestaan; verhoogt na ${f.s('seconds')} zonder verlaging.`,
    'min-off': (_p, f) => `Start opnieuw over ${f.s('seconds')} (minimale uit-tijd).`,
    'no-budget': () => 'Wacht op zonne-overschot.',
    full: () => 'De wagen is vol.',
    starting: () => 'Start.',
  },
};

const FR: Words = {
  paused: 'en pause',
  heldAt: (a) => `maintenue au courant sûr de ${a}`,
  why: (grant, target) => {
    if (grant === 'budget' || grant === 'no-budget') return target ? `le quart d'heure finirait au-dessus de ${target}` : 'le budget du quart d\'heure est épuisé';
    if (grant === 'fuse') return 'le fusible principal est à sa limite';
    if (grant === 'solar') return 'pas de surplus solaire à partager';
    if (grant === 'plan') return 'le plan ne donne rien maintenant';
    return 'pas de budget du compteur maintenant';
  },
  problem: (problem, words) => ({
    unreachable: 'La borne ne répond pas', timeout: 'La borne répond trop lentement', auth: 'La borne refuse le nom d\'utilisateur ou le mot de passe',
    'solar-mode': 'Le mode solaire propre de la borne bloque le pilotage : désactivez-le dans l\'app NRGkick', 'read-back': 'La borne n\'a pas pris le courant envoyé',
    'bad-answer': 'La réponse de la borne est illisible', http: 'La borne a répondu par une erreur', error: `La borne signale une erreur (${words})`,
  } as Record<string, string>)[problem] ?? 'La borne a un problème',
  says: {
    unplugged: () => 'Aucune voiture branchée.',
    off: () => 'Mode arrêt : pas de recharge.',
    'charger-problem': (p, f) => `${FR.problem(String(p['problem'] ?? ''), String(p['words'] ?? ''))} ; ${f.safe} jusqu'à ce qu'elle réponde.`,
    'safe-meter-stale': (p, f) => (p['seconds'] !== undefined ? `Pas de données du compteur depuis ${f.s('seconds')} : ${f.safe}.` : `Pas encore de données du compteur : ${f.safe}.`),
    'safe-no-grant': (p, f) => (p['seconds'] !== undefined ? `Le budget du compteur a expiré il y a ${f.s('seconds')} : ${f.safe}.` : `Pas encore de budget du compteur : ${f.safe}.`),
    emergency: (p, f) => `Urgence : sous ${f.n('percent')} %, charge à ${f.kw('kw')}${Number(p['overKw'] ?? 0) > 0
      ? `, ${f.kw('overKw')} au-dessus du budget du quart d'heure${p['eur'] !== undefined ? ` (une pointe jusqu'à ${f.kw('peakKw')} plus haute : environ ${f.eur('eur')})` : ''}` : ' dans le budget du quart d\'heure'}.`,
    now: (_p, f) => `Charge maintenant à ${f.kw('kw')}.`,
    plan: (_p, f) => (f.running ? `Charge ${f.kw('kw')} selon le plan.` : `Prévu, mais ${f.why}.`),
    'cheap-hours': (_p, f) => (f.running ? `Registre 2 (tarif bas) : charge ${f.kw('kw')}.` : `Registre 2, mais ${f.why}.`),
    trip: (p, f) => (f.running ? `Charge ${f.kw('kw')} pour le trajet${p['label'] ? ` ${String(p['label'])}` : ''}.` : `Attend pour le trajet : ${f.why}.`),
    solar: (_p, f) => `Surplus solaire ${f.kw('kw')}.`,
    'waiting-cheap': (p) => (p['at'] ? `Attend le registre 2 à ${String(p['at'])}.` : 'Attend le registre 2 (tarif bas) ou un surplus solaire.'),
    'waiting-plan': (p) => (p['at'] ? `Le plan charge à partir de ${String(p['at'])} (les quarts d'heure les moins chers).` : 'Le plan n\'a rien à charger dans les 48 heures.'),
    reduced: (_p, f) => (f.running ? `Réduite à ${f.kw('kw')} : ${f.why}.` : `En pause : ${f.why}.`),
    held: (_p, f) => `${f.kw('kw')} permis ; augmente après ${f.s('seconds')} sans réduction.`,
    'min-off': (_p, f) => `Redémarre dans ${f.s('seconds')} (temps d'arrêt minimum).`,
    'no-budget': () => 'Attend un surplus solaire.',
    full: () => 'La voiture est pleine.',
    starting: () => 'Démarrage.',
  },
};

const WORDS: Record<Locale, Words> = { en: EN, nl: NL, fr: FR };

/** The reason as a sentence in `locale`; `targetKw` is the site's quarter target (for "the quarter would end above ..."). */
export function reasonSentence(locale: Locale, reason: Reason, targetKw: number | null): string {
  const words = WORDS[locale];
  const say = Object.prototype.hasOwnProperty.call(words.says, reason.code) ? words.says[reason.code] : undefined;
  if (!say || (reason.params === undefined && reason.code !== 'unplugged' && reason.code !== 'off' && reason.code !== 'full' && reason.code !== 'starting' && reason.code !== 'no-budget')) {
    return reason.text;
  }
  const p: Params = reason.params ?? {};
  const num = (key: string) => Number(p[key] ?? Number.NaN);
  const safeA = num('safeA');
  const f: Fmt = {
    kw: (key) => formatNumber(locale, num(key), 1, 'kW'),
    n: (key) => formatNumber(locale, num(key), 0, '').trim(),
    eur: (key) => formatNumber(locale, num(key), 2, '€'),
    s: (key) => formatNumber(locale, num(key), 0, 's'),
    safe: safeA > 0 ? words.heldAt(formatNumber(locale, safeA, 0, 'A')) : words.paused,
    why: words.why(String(p['grant'] ?? ''), targetKw === null ? null : formatNumber(locale, targetKw, 1, 'kW')),
    running: Number(p['running'] ?? 1) === 1,
  };
  return say(p, f);
}
