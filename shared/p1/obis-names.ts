/**
 * Every OBIS code the parser knows, with a short name (stable: used as a key by the dashboard,
 * MQTT and translations) and a human description in the product's three languages.
 * M-Bus codes are listed for channel n as "0-n:…".
 */
export type Language = 'en' | 'nl' | 'fr';

export interface ObisName {
  code: string;
  name: string;
  description: Record<Language, string>;
}

const entry = (code: string, name: string, en: string, nl: string, fr: string): ObisName =>
  ({ code, name, description: { en, nl, fr } });

export const OBIS_NAMES: readonly ObisName[] = [
  entry('0-0:96.1.4', 'version', 'P1 specification version', 'Versie P1-specificatie', 'Version de la spécification P1'),
  entry('1-3:0.2.8', 'version', 'DSMR version (Netherlands)', 'DSMR-versie (Nederland)', 'Version DSMR (Pays-Bas)'),
  entry('0-0:96.1.1', 'equipmentId', 'Meter serial number', 'Serienummer meter', 'Numéro de série du compteur'),
  entry('0-0:96.1.0', 'equipmentId', 'Meter serial number', 'Serienummer meter', 'Numéro de série du compteur'),
  entry('0-0:1.0.0', 'time', 'Meter date and time', 'Datum en tijd van de meter', 'Date et heure du compteur'),
  entry('1-0:1.8.1', 'importT1', 'Energy imported, register 1 (day)', 'Afgenomen energie, register 1 (dag)', 'Énergie prélevée, registre 1 (jour)'),
  entry('1-0:1.8.2', 'importT2', 'Energy imported, register 2 (night)', 'Afgenomen energie, register 2 (nacht)', 'Énergie prélevée, registre 2 (nuit)'),
  entry('1-0:2.8.1', 'exportT1', 'Energy exported, register 1 (day)', 'Geïnjecteerde energie, register 1 (dag)', 'Énergie injectée, registre 1 (jour)'),
  entry('1-0:2.8.2', 'exportT2', 'Energy exported, register 2 (night)', 'Geïnjecteerde energie, register 2 (nacht)', 'Énergie injectée, registre 2 (nuit)'),
  entry('0-0:96.14.0', 'tariff', 'Active tariff register', 'Actief tariefregister', 'Registre tarifaire actif'),
  entry('1-0:1.4.0', 'quarterAverage', 'Average demand of the running quarter hour', 'Gemiddeld vermogen van het lopende kwartier', 'Puissance moyenne du quart d\'heure en cours'),
  entry('1-0:1.6.0', 'monthPeak', 'Highest quarter-hour demand this month', 'Hoogste kwartiervermogen deze maand', 'Pointe quart-horaire la plus élevée du mois'),
  entry('0-0:98.1.0', 'peakHistory', 'Highest quarter-hour demand of past months', 'Hoogste kwartiervermogen van vorige maanden', 'Pointes quart-horaires des mois précédents'),
  entry('1-0:1.7.0', 'powerImport', 'Power imported now', 'Huidig afgenomen vermogen', 'Puissance prélevée actuelle'),
  entry('1-0:2.7.0', 'powerExport', 'Power exported now', 'Huidig geïnjecteerd vermogen', 'Puissance injectée actuelle'),
  entry('1-0:21.7.0', 'powerImportL1', 'Power imported, phase L1', 'Afgenomen vermogen, fase L1', 'Puissance prélevée, phase L1'),
  entry('1-0:41.7.0', 'powerImportL2', 'Power imported, phase L2', 'Afgenomen vermogen, fase L2', 'Puissance prélevée, phase L2'),
  entry('1-0:61.7.0', 'powerImportL3', 'Power imported, phase L3', 'Afgenomen vermogen, fase L3', 'Puissance prélevée, phase L3'),
  entry('1-0:22.7.0', 'powerExportL1', 'Power exported, phase L1', 'Geïnjecteerd vermogen, fase L1', 'Puissance injectée, phase L1'),
  entry('1-0:42.7.0', 'powerExportL2', 'Power exported, phase L2', 'Geïnjecteerd vermogen, fase L2', 'Puissance injectée, phase L2'),
  entry('1-0:62.7.0', 'powerExportL3', 'Power exported, phase L3', 'Geïnjecteerd vermogen, fase L3', 'Puissance injectée, phase L3'),
  entry('1-0:32.7.0', 'voltageL1', 'Voltage, phase L1', 'Spanning, fase L1', 'Tension, phase L1'),
  entry('1-0:52.7.0', 'voltageL2', 'Voltage, phase L2', 'Spanning, fase L2', 'Tension, phase L2'),
  entry('1-0:72.7.0', 'voltageL3', 'Voltage, phase L3', 'Spanning, fase L3', 'Tension, phase L3'),
  entry('1-0:31.7.0', 'currentL1', 'Current, phase L1', 'Stroom, fase L1', 'Courant, phase L1'),
  entry('1-0:51.7.0', 'currentL2', 'Current, phase L2', 'Stroom, fase L2', 'Courant, phase L2'),
  entry('1-0:71.7.0', 'currentL3', 'Current, phase L3', 'Stroom, fase L3', 'Courant, phase L3'),
  entry('0-0:96.3.10', 'breaker', 'Breaker state (0 off, 1 on, 2 ready to reconnect)', 'Stand van de schakelaar (0 uit, 1 aan, 2 klaar om in te schakelen)', 'État du disjoncteur (0 ouvert, 1 fermé, 2 prêt à réarmer)'),
  entry('0-0:17.0.0', 'limiter', 'Power limiter threshold (999.9 = off)', 'Drempel vermogensbegrenzer (999,9 = uit)', 'Seuil du limiteur de puissance (999,9 = désactivé)'),
  entry('1-0:31.4.0', 'fuse', 'Fuse supervision threshold (999 = off)', 'Drempel zekeringbewaking (999 = uit)', 'Seuil de surveillance du fusible (999 = désactivé)'),
  entry('0-0:96.13.0', 'message', 'Text message from the grid operator', 'Tekstbericht van de netbeheerder', 'Message texte du gestionnaire de réseau'),
  entry('0-n:24.1.0', 'mbusType', 'M-Bus device type (003 gas, 007 water)', 'Type M-Bus-toestel (003 gas, 007 water)', 'Type d\'appareil M-Bus (003 gaz, 007 eau)'),
  entry('0-n:96.1.1', 'mbusId', 'M-Bus device serial number', 'Serienummer M-Bus-toestel', 'Numéro de série de l\'appareil M-Bus'),
  entry('0-n:96.1.0', 'mbusId', 'M-Bus device serial number', 'Serienummer M-Bus-toestel', 'Numéro de série de l\'appareil M-Bus'),
  entry('0-n:24.4.0', 'mbusValve', 'M-Bus valve state', 'Stand van de M-Bus-klep', 'État de la vanne M-Bus'),
  entry('0-n:24.2.3', 'mbusReading', 'M-Bus meter reading (gas in Belgium)', 'Meterstand M-Bus (gas in België)', 'Index M-Bus (gaz en Belgique)'),
  entry('0-n:24.2.1', 'mbusReading', 'M-Bus meter reading (water in Belgium, gas in the Netherlands)', 'Meterstand M-Bus (water in België, gas in Nederland)', 'Index M-Bus (eau en Belgique, gaz aux Pays-Bas)'),
];

const byCode = new Map(OBIS_NAMES.map((n) => [n.code, n]));

/** The name of an OBIS code as written in a telegram ("0-2:24.2.3" finds the 0-n entry), or undefined. */
export function obisName(code: string): ObisName | undefined {
  return byCode.get(code) ?? byCode.get(code.replace(/^0-[1-4]:/, '0-n:'));
}
