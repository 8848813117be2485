/**
 * The dashboard's words in English, Dutch and French. Keys are grouped by panel; the English
 * table is the reference (a key missing elsewhere falls back to it).
 */
const en = {
  app: { title: 'Digital Meter', demo: 'demo', colon: ':', pages: 'Pages', nav: { now: 'Now', costs: 'Costs', peaks: 'Peaks', home: 'Home', meter: 'Meter' } },
  header: { meterTime: 'Meter time', language: 'Language', theme: 'Theme', themes: { auto: 'Auto', light: 'Light', dark: 'Dark' }, editRates: 'Edit rates', editRatesShort: 'Rates', noData: 'waiting for the meter' },
  age: { old: '{age} old', seconds: '{n} s', minutes: '{n} min', hours: '{n} h' },
  connection: { connecting: 'Connecting to the meter…', lost: 'Connection lost: reconnecting…', unauthorized: 'The token was refused.' },
  token: { title: 'Token needed', text: 'This dashboard needs the token of the meter it shows. Run {command} on the machine that runs {serve}, or open the address {serve} printed.', label: 'Token', submit: 'Connect' },
  rates: { title: 'Rates', band: 'Band', import: 'Import', export: 'Export', active: 'active', register: 'register {n}', gas: 'Gas', water: 'Water', capacity: 'Capacity', vat: 'VAT', perKwYear: '€/kW/year' },
  usage: {
    title: 'Usage and cost', periods: { 'day-3': 'Day-3', 'day-2': 'Day-2', yesterday: 'Day-1', today: 'Today', week: 'Week', month: 'Month', year: 'Year' },
    importDay: 'Import day', importNight: 'Import night', exportDay: 'Export day', exportNight: 'Export night',
    electricity: 'Electricity', gas: 'Gas', water: 'Water', total: 'Total', estimated: 'partly estimated',
  },
  peaks: {
    title: 'Month peaks', thisMonth: 'This month', closed: 'Closed months', average: '12-month average', floor: 'counted at least {kw}',
    yearly: 'Projected yearly capacity cost', oneMore: 'Cost of 1 kW more this month', months: '{n} months known', none: 'no month peaks yet',
  },
  quarter: {
    title: 'Quarter hour', tillNow: 'Till now', forecast: 'Forecast', monthPeak: 'Month peak', target: 'Target', gap: 'Gap',
    newPeak: 'A new month peak is in the making', ok: 'Within the month peak', elapsed: '{m}:{s} of 15:00', allowed: 'Allowed for the rest',
  },
  telegram: { title: 'Last telegram', code: 'OBIS code', name: 'Meaning', value: 'Value', none: 'no telegram yet' },
  power: { title: 'Power, last 15 minutes', import: 'Import', export: 'Export', phase: 'L{n} net', now: 'Now' },
  quarters: { title: "Today's quarters", average: 'Quarter average', target: 'Target', running: 'Running quarter' },
  gasWater: { title: 'Gas and water', gas: 'Gas', water: 'Water', meter: 'Meter reading', today: 'Today', month: 'This month', none: 'no gas or water meter' },
  days: { title: 'Cost per day, last 30 days', electricity: 'Electricity', gas: 'Gas', water: 'Water' },
  log: { title: 'Log', empty: 'nothing to report' },
  placeholder: { site: 'Power sharing', ev: 'EV charging', battery: 'Home battery', trips: 'Trips', soon: 'Comes with a later version.' },
  editor: {
    title: 'Edit rates', file: 'File', importPrices: 'Import price (EUR/kWh)', exportPrices: 'Export compensation (EUR/kWh)',
    gas: 'Gas (EUR per m³)', water: 'Water (EUR per m³)', capacity: 'Capacity tariff (EUR per kW per year)',
    previewToday: "Today's cost so far", withNew: 'with these rates', save: 'Save', cancel: 'Close', saving: 'Saving…',
    saved: 'Saved. The new rates count from the latest telegram on.', refused: 'Refused: {message}', invalid: 'Fix the marked fields first.',
    errors: { empty: 'Enter a price here.', notNumber: '"{text}" is not a number: write it like 0.45 or 0,45.', tooSmall: 'This cannot be below {min}.', other: 'Not accepted: {message}' },
    warnings: { negativeImport: 'A negative import price: you would be paid for every kWh you take. Is that right?', tooHigh: '{price} per kWh is far above any Belgian contract. Is that right?' },
    labels: { gas: 'Gas', water: 'Water', capacity: 'Price' },
    loading: 'Loading the rates file…',
  },
};

type Messages = typeof en;

const nl: Messages = {
  app: { title: 'Digitale Meter', demo: 'demo', colon: ':', pages: 'Pagina\'s', nav: { now: 'Nu', costs: 'Kosten', peaks: 'Pieken', home: 'Woning', meter: 'Meter' } },
  header: { meterTime: 'Metertijd', language: 'Taal', theme: 'Thema', themes: { auto: 'Auto', light: 'Licht', dark: 'Donker' }, editRates: 'Tarieven aanpassen', editRatesShort: 'Tarieven', noData: 'wachten op de meter' },
  age: { old: '{age} oud', seconds: '{n} s', minutes: '{n} min', hours: '{n} u' },
  connection: { connecting: 'Verbinden met de meter…', lost: 'Verbinding verbroken: opnieuw verbinden…', unauthorized: 'Het token werd geweigerd.' },
  token: { title: 'Token nodig', text: 'Dit dashboard heeft het token nodig van de meter die het toont. Voer {command} uit op de machine waarop {serve} draait, of open het adres dat {serve} toonde.', label: 'Token', submit: 'Verbinden' },
  rates: { title: 'Tarieven', band: 'Tarief', import: 'Afname', export: 'Injectie', active: 'actief', register: 'register {n}', gas: 'Gas', water: 'Water', capacity: 'Capaciteit', vat: 'btw', perKwYear: '€/kW/jaar' },
  usage: {
    title: 'Verbruik en kosten', periods: { 'day-3': 'Dag-3', 'day-2': 'Dag-2', yesterday: 'Dag-1', today: 'Vandaag', week: 'Week', month: 'Maand', year: 'Jaar' },
    importDay: 'Afname dag', importNight: 'Afname nacht', exportDay: 'Injectie dag', exportNight: 'Injectie nacht',
    electricity: 'Elektriciteit', gas: 'Gas', water: 'Water', total: 'Totaal', estimated: 'deels geschat',
  },
  peaks: {
    title: 'Maandpieken', thisMonth: 'Deze maand', closed: 'Afgesloten maanden', average: 'Gemiddelde over 12 maanden', floor: 'minstens {kw} aangerekend',
    yearly: 'Verwachte capaciteitskost per jaar', oneMore: 'Kost van 1 kW meer deze maand', months: '{n} maanden bekend', none: 'nog geen maandpieken',
  },
  quarter: {
    title: 'Kwartier', tillNow: 'Tot nu', forecast: 'Verwachting', monthPeak: 'Maandpiek', target: 'Doel', gap: 'Marge',
    newPeak: 'Er dreigt een nieuwe maandpiek', ok: 'Binnen de maandpiek', elapsed: '{m}:{s} van 15:00', allowed: 'Toegelaten voor de rest',
  },
  telegram: { title: 'Laatste telegram', code: 'OBIS-code', name: 'Betekenis', value: 'Waarde', none: 'nog geen telegram' },
  power: { title: 'Vermogen, laatste 15 minuten', import: 'Afname', export: 'Injectie', phase: 'L{n} netto', now: 'Nu' },
  quarters: { title: 'Kwartieren vandaag', average: 'Kwartiergemiddelde', target: 'Doel', running: 'Lopend kwartier' },
  gasWater: { title: 'Gas en water', gas: 'Gas', water: 'Water', meter: 'Meterstand', today: 'Vandaag', month: 'Deze maand', none: 'geen gas- of watermeter' },
  days: { title: 'Kosten per dag, laatste 30 dagen', electricity: 'Elektriciteit', gas: 'Gas', water: 'Water' },
  log: { title: 'Logboek', empty: 'niets te melden' },
  placeholder: { site: 'Verdeling van het vermogen', ev: 'Elektrische wagen', battery: 'Thuisbatterij', trips: 'Ritten', soon: 'Komt in een latere versie.' },
  editor: {
    title: 'Tarieven aanpassen', file: 'Bestand', importPrices: 'Afnameprijs (EUR/kWh)', exportPrices: 'Injectievergoeding (EUR/kWh)',
    gas: 'Gas (EUR per m³)', water: 'Water (EUR per m³)', capacity: 'Capaciteitstarief (EUR per kW per jaar)',
    previewToday: 'Kosten vandaag tot nu', withNew: 'met deze tarieven', save: 'Opslaan', cancel: 'Sluiten', saving: 'Opslaan…',
    saved: 'Opgeslagen. De nieuwe tarieven gelden vanaf het laatste telegram.', refused: 'Geweigerd: {message}', invalid: 'Verbeter eerst de gemarkeerde velden.',
    errors: { empty: 'Vul hier een prijs in.', notNumber: '"{text}" is geen getal: schrijf het als 0,45.', tooSmall: 'Dit kan niet lager zijn dan {min}.', other: 'Niet aanvaard: {message}' },
    warnings: { negativeImport: 'Een negatieve afnameprijs: u zou betaald worden voor elke kWh die u afneemt. Klopt dat?', tooHigh: '{price} per kWh is veel meer dan een Belgisch contract vraagt. Klopt dat?' },
    labels: { gas: 'Gas', water: 'Water', capacity: 'Prijs' },
    loading: 'Tariefbestand laden…',
  },
};

const fr: Messages = {
  app: { title: 'Compteur Digital', demo: 'démo', colon: '\u202f:', pages: 'Pages', nav: { now: 'Direct', costs: 'Coûts', peaks: 'Pointes', home: 'Maison', meter: 'Compteur' } },
  header: { meterTime: 'Heure du compteur', language: 'Langue', theme: 'Thème', themes: { auto: 'Auto', light: 'Clair', dark: 'Sombre' }, editRates: 'Modifier les tarifs', editRatesShort: 'Tarifs', noData: 'en attente du compteur' },
  age: { old: 'il y a {age}', seconds: '{n} s', minutes: '{n} min', hours: '{n} h' },
  connection: { connecting: 'Connexion au compteur…', lost: 'Connexion perdue : reconnexion…', unauthorized: 'Le jeton a été refusé.' },
  token: { title: 'Jeton requis', text: 'Ce tableau de bord a besoin du jeton du compteur qu\'il affiche. Lancez {command} sur la machine qui exécute {serve}, ou ouvrez l\'adresse affichée par {serve}.', label: 'Jeton', submit: 'Se connecter' },
  rates: { title: 'Tarifs', band: 'Tarif', import: 'Prélèvement', export: 'Injection', active: 'actif', register: 'registre {n}', gas: 'Gaz', water: 'Eau', capacity: 'Capacité', vat: 'TVA', perKwYear: '€/kW/an' },
  usage: {
    title: 'Consommation et coût', periods: { 'day-3': 'J-3', 'day-2': 'J-2', yesterday: 'J-1', today: 'Aujourd\'hui', week: 'Semaine', month: 'Mois', year: 'Année' },
    importDay: 'Prélèvement jour', importNight: 'Prélèvement nuit', exportDay: 'Injection jour', exportNight: 'Injection nuit',
    electricity: 'Électricité', gas: 'Gaz', water: 'Eau', total: 'Total', estimated: 'en partie estimé',
  },
  peaks: {
    title: 'Pointes mensuelles', thisMonth: 'Ce mois-ci', closed: 'Mois clôturés', average: 'Moyenne sur 12 mois', floor: 'compté au moins {kw}',
    yearly: 'Coût annuel de capacité prévu', oneMore: 'Coût d\'1 kW de plus ce mois-ci', months: '{n} mois connus', none: 'pas encore de pointes mensuelles',
  },
  quarter: {
    title: 'Quart d\'heure', tillNow: 'Jusqu\'ici', forecast: 'Prévision', monthPeak: 'Pointe du mois', target: 'Objectif', gap: 'Marge',
    newPeak: 'Une nouvelle pointe mensuelle se prépare', ok: 'Sous la pointe du mois', elapsed: '{m}:{s} sur 15:00', allowed: 'Permis pour le reste',
  },
  telegram: { title: 'Dernier télégramme', code: 'Code OBIS', name: 'Signification', value: 'Valeur', none: 'pas encore de télégramme' },
  power: { title: 'Puissance, 15 dernières minutes', import: 'Prélèvement', export: 'Injection', phase: 'L{n} net', now: 'Maintenant' },
  quarters: { title: 'Quarts d\'heure du jour', average: 'Moyenne du quart d\'heure', target: 'Objectif', running: 'Quart d\'heure en cours' },
  gasWater: { title: 'Gaz et eau', gas: 'Gaz', water: 'Eau', meter: 'Index', today: 'Aujourd\'hui', month: 'Ce mois-ci', none: 'pas de compteur de gaz ou d\'eau' },
  days: { title: 'Coût par jour, 30 derniers jours', electricity: 'Électricité', gas: 'Gaz', water: 'Eau' },
  log: { title: 'Journal', empty: 'rien à signaler' },
  placeholder: { site: 'Partage de la puissance', ev: 'Voiture électrique', battery: 'Batterie domestique', trips: 'Trajets', soon: 'Arrive dans une version ultérieure.' },
  editor: {
    title: 'Modifier les tarifs', file: 'Fichier', importPrices: 'Prix de prélèvement (EUR/kWh)', exportPrices: 'Compensation d\'injection (EUR/kWh)',
    gas: 'Gaz (EUR par m³)', water: 'Eau (EUR par m³)', capacity: 'Tarif de capacité (EUR par kW par an)',
    previewToday: 'Coût d\'aujourd\'hui jusqu\'ici', withNew: 'avec ces tarifs', save: 'Enregistrer', cancel: 'Fermer', saving: 'Enregistrement…',
    saved: 'Enregistré. Les nouveaux tarifs comptent à partir du dernier télégramme.', refused: 'Refusé : {message}', invalid: 'Corrigez d\'abord les champs marqués.',
    errors: { empty: 'Indiquez un prix ici.', notNumber: '« {text} » n\'est pas un nombre : écrivez-le comme 0,45.', tooSmall: 'Ceci ne peut pas être inférieur à {min}.', other: 'Refusé : {message}' },
    warnings: { negativeImport: 'Un prix de prélèvement négatif : vous seriez payé pour chaque kWh prélevé. Est-ce correct ?', tooHigh: '{price} par kWh, c\'est bien plus qu\'un contrat belge. Est-ce correct ?' },
    labels: { gas: 'Gaz', water: 'Eau', capacity: 'Prix' },
    loading: 'Chargement du fichier de tarifs…',
  },
};

export const MESSAGES = { en, nl, fr };
export type Locale = keyof typeof MESSAGES;
export const LOCALES: readonly Locale[] = ['en', 'nl', 'fr'];

/** The system's language if it is one of ours (nl-BE -> nl, fr-BE -> fr), else English. */
export function systemLocale(languages: readonly string[]): Locale {
  for (const tag of languages) {
    const base = tag.toLowerCase().split('-')[0] as Locale;
    if (LOCALES.includes(base)) return base;
  }
  return 'en';
}
